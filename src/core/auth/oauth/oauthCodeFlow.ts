// The OAuth authorization-code flow with PKCE (S256): the redirect and how its answer comes back (oauthRedirect), the
// browser opened through the editor (openExternal, so it works in Workbench and code-server), timeout and cancel.
import crypto from 'node:crypto';
import { untilAborted } from '../../shared/abort';
import { CancelledError, SnowflakeExtError } from '../../shared/errors';
import type { HttpContext, OAuthContext } from '../authContext';
import { requestToken, SIGN_IN_FIX, type OAuthClientConfig, type OAuthTokenResponse } from './oauthClient';
import { describeWay, planRedirect } from './oauthRedirect';
import type { ConnectionProfile, SignInWay } from '../types';

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function createPkce(): Pkce {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

/** "5 minutes", "90 seconds", "1 second": whole minutes as minutes, anything else in seconds (never rounded to 0). */
export function describeDuration(ms: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms >= 60_000 && ms % 60_000 === 0) return plural(ms / 60_000, 'minute');
  return plural(Math.max(1, Math.round(ms / 1000)), 'second');
}

function waitFor<T>(
  promise: Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  connection: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Whatever settles first (answer, timeout, cancel) clears the others, so no timer outlives the sign-in.
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const timer = setTimeout(
      () =>
        done(() =>
          reject(
            new SnowflakeExtError(
              'auth',
              `The Snowflake sign-in of connection '${connection}' did not finish within ${describeDuration(timeoutMs)}.`,
              {
                text: "Run 'Snowflake: Sign In' again and finish in the browser.",
                command: SIGN_IN_FIX.command,
                commandTitle: SIGN_IN_FIX.commandTitle,
              },
              'timeout',
            ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = (): void => done(() => reject(new CancelledError()));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(e)),
    );
  });
}

export function authorizeUrl(client: OAuthClientConfig, redirectUri: string, state: string, pkce: Pkce): string {
  const url = new URL(client.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('scope', client.scope);
  url.searchParams.set('code_challenge', pkce.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Runs the whole browser sign-in and returns the tokens. Needs a prompter that can open a browser. */
export async function runAuthorizationCodeFlow(
  ctx: HttpContext & Pick<OAuthContext, 'prompter' | 'signInTimeoutMs'>,
  profile: ConnectionProfile,
  client: OAuthClientConfig,
  signal?: AbortSignal,
): Promise<OAuthTokenResponse & { readonly way: SignInWay }> {
  const open = ctx.prompter?.openExternal;
  if (!open) {
    throw new SnowflakeExtError(
      'notSupported',
      `Connection '${profile.name}' signs in through the browser, which is not possible here.`,
      {
        text: "Sign in from the editor ('Snowflake: Sign In'), or use a key pair or a programmatic access token for command-line use.",
      },
      'noBrowser',
    );
  }
  const state = crypto.randomBytes(24).toString('base64url');
  const pkce = createPkce();
  const who = { connection: profile.name, ...(profile.role ? { role: profile.role } : {}) };
  const plan = await planRedirect(ctx.prompter, client, who, state);
  try {
    const redirectUri = plan.redirectUri;
    const url = authorizeUrl(client, redirectUri, state, pkce);
    ctx.logger.info(
      `Opening the browser to sign in connection '${profile.name}' (${client.clientId}): ${describeWay(plan, client)}.`,
    );
    // The editor may ask "open external website?" first: Cancel on the progress works while that is open, and a
    // declined dialog (false) is a cancelled sign-in; the address would be useless anyway, the listener closes now.
    if (!(await untilAborted(open(url), signal))) throw new CancelledError('Sign-in cancelled.');
    const code = await waitFor(plan.code(), ctx.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS, signal, profile.name);
    const tokens = await requestToken(
      ctx,
      profile,
      client,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier },
      signal,
    );
    return { ...tokens, way: plan.way };
  } finally {
    plan.close();
  }
}
