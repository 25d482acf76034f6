// withAuthRetry: run a call with a credential; when Snowflake refuses the credential (401 or an auth code), get a
// fresh one and retry once, then raise a typed 'auth' error with a fix (naming clock skew when that is the cause).
import { HttpError } from '../shared/http';
import { SnowflakeExtError } from '../shared/errors';
import { AUTH_FAILURE_CODES, explainServerFailure, serverDateOf, SnowflakeServerError } from './serverCodes';
import type { AuthRequestOptions, AuthService, ConnectionProfile, LoginCredential, RestCredential } from './types';

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

/** The server code in an error: a typed error's code, or `code` in a 401's JSON body. */
function codeOf(err: unknown): string | undefined {
  if (err instanceof HttpError) {
    try {
      const code = (JSON.parse(err.bodySnippet) as { code?: unknown }).code;
      return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
    } catch {
      return undefined;
    }
  }
  return err instanceof SnowflakeExtError ? err.code : undefined;
}

/** Did the server refuse the credential (as opposed to the request failing for another reason)? */
export function isCredentialRefused(err: unknown): boolean {
  if (err instanceof HttpError && err.status === 401) return true;
  const code = codeOf(err);
  return (
    code !== undefined && AUTH_FAILURE_CODES.has(code) && err instanceof SnowflakeExtError && err.kind !== 'config'
  );
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
  const code = codeOf(err);
  let message: string | undefined;
  if (err instanceof HttpError) {
    try {
      const m = (JSON.parse(err.bodySnippet) as { message?: unknown }).message;
      if (typeof m === 'string') message = m;
    } catch {
      // no server message
    }
  }
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

export async function withAuthRetry<A extends Audience, T>(
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
  const first = await getCredential(auth, profile, audience, base);
  try {
    return await fn(first);
  } catch (err) {
    if (!isCredentialRefused(err)) throw err;
  }
  // Only the refused credential is replaced: concurrent callers that already got a fresh one share it.
  const second = await getCredential(auth, profile, audience, { ...base, forceRefresh: true, rejected: first });
  try {
    return await fn(second);
  } catch (err) {
    if (!isCredentialRefused(err)) throw err;
    throw await finalError(auth, profile, err, (opts.now ?? Date.now)());
  }
}
