// The one "refresh the credential once and retry" policy: run a call with a credential; when the server refuses it in
// a way a fresh one may cure (decided from the refusal kind of serverCodes.ts, never from text), replace that one
// credential and run once more; a second refusal becomes the caller's explained error. Used by REST (Cortex, the
// login probe), SQL sessions and Connect behind an SPCS ingress.
import { SnowflakeExtError } from '../shared/errors';
import { HttpError } from '../shared/http';
import { isCredentialRefused } from './serverCodes';
import { explainServerFailure, serverDateOf, SnowflakeServerError } from './serverFailure';
import type { AuthRequestOptions, AuthService, ConnectionProfile, LoginCredential, RestCredential } from './types';

export { isCredentialRefused } from './serverCodes';

export interface RefreshOnce<C, T> {
  /** The credential for an attempt; the second call names the one that was refused, to replace only it. */
  readonly credential: (retry?: { readonly rejected: C }) => Promise<C>;
  readonly attempt: (credential: C) => Promise<T>;
  /** Which failures a fresh credential may cure; default: isCredentialRefused. */
  readonly refused?: (err: unknown) => boolean;
  /** Before the second attempt (log it, drop a session). */
  readonly beforeRetry?: (err: unknown) => void | Promise<void>;
  /** The error to raise when the fresh credential was refused too; default: that refusal as it is. */
  readonly finalError?: (err: unknown) => unknown;
}

/** Runs `attempt`, and once more with a fresh credential after a curable refusal. Never more than twice. */
export async function refreshOnceOnRefusal<C, T>(p: RefreshOnce<C, T>): Promise<T> {
  const refused = p.refused ?? isCredentialRefused;
  const first = await p.credential();
  try {
    return await p.attempt(first);
  } catch (err) {
    if (!refused(err)) throw err;
    await p.beforeRetry?.(err);
  }
  const second = await p.credential({ rejected: first });
  try {
    return await p.attempt(second);
  } catch (err) {
    if (!refused(err)) throw err;
    throw p.finalError ? await p.finalError(err) : err;
  }
}

export type Audience = 'rest' | 'login' | { readonly ingress: string; readonly role?: string };
export type CredentialFor<A extends Audience> = A extends 'rest'
  ? RestCredential
  : A extends 'login'
    ? LoginCredential
    : string;

export interface AuthRetryOptions {
  readonly signal?: AbortSignal;
  readonly silent?: boolean;
  readonly now?: () => number;
}

function getCredential<A extends Audience>(
  auth: AuthService,
  profile: ConnectionProfile,
  audience: A,
  opts: AuthRequestOptions,
): Promise<CredentialFor<A>> {
  if (audience === 'rest') return auth.forRest(profile, opts) as Promise<CredentialFor<A>>;
  if (audience === 'login') return auth.forLogin(profile, opts) as Promise<CredentialFor<A>>;
  const { ingress, role } = audience as { ingress: string; role?: string };
  return auth.forIngress(profile, ingress, role, opts) as Promise<CredentialFor<A>>;
}

/** The error the user sees after the retry also failed: explained by code, with clock skew when the Date says so. */
async function finalError(
  auth: AuthService,
  profile: ConnectionProfile,
  err: unknown,
  now: number,
): Promise<SnowflakeExtError> {
  if (err instanceof SnowflakeServerError) return err;
  const code = err instanceof HttpError ? err.serverCode : err instanceof SnowflakeExtError ? err.code : undefined;
  const message = err instanceof HttpError ? err.server.message : undefined;
  const serverDate = err instanceof HttpError ? serverDateOf(err.headers) : undefined;
  const fingerprint =
    profile.authenticator === 'SNOWFLAKE_JWT'
      ? (await auth.describeKey(profile, { silent: true }).catch(() => undefined))?.fingerprint
      : undefined;
  return explainServerFailure(
    { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(serverDate !== undefined ? { serverDate } : {}) },
    { profile, now, ...(fingerprint ? { fingerprint } : {}) },
  );
}

/** refreshOnceOnRefusal with a credential from the auth service: the refused one is replaced (forceRefresh). */
export function withAuthRetry<A extends Audience, T>(
  auth: AuthService,
  profile: ConnectionProfile,
  audience: A,
  fn: (credential: CredentialFor<A>) => Promise<T>,
  opts: AuthRetryOptions = {},
): Promise<T> {
  const base: AuthRequestOptions = {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.silent ? { silent: true } : {}),
  };
  return refreshOnceOnRefusal({
    // Only the refused credential is replaced: concurrent callers that already got a fresh one share it.
    credential: (retry) =>
      getCredential(auth, profile, audience, retry ? { ...base, forceRefresh: true, rejected: retry.rejected } : base),
    attempt: fn,
    finalError: (err) => finalError(auth, profile, err, (opts.now ?? Date.now)()),
  });
}
