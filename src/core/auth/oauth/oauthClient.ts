// The OAuth client of a connection (PROTOCOLS §4): Snowflake's built-in LOCAL_APPLICATION or a custom security
// integration, its endpoints and scopes, and calls to the token endpoint with errors the user can act on.
import { SnowflakeExtError } from '../../shared/errors';
import { asSentence, fetchWithRetry, HttpError, readJson } from '../../shared/http';
import type { AuthContext, HttpContext } from '../authContext';
import { stringParam } from '../../connections/connectionParams';
import type { ConnectionProfile } from '../types';

export const LOCAL_APPLICATION = 'LOCAL_APPLICATION';

export interface OAuthClientConfig {
  readonly clientId: string;
  /** Undefined for a public client (PKCE only). */
  readonly clientSecret?: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  /** oauth_redirect_uri when the connection sets one (a custom integration registers it). */
  readonly redirectUri?: string;
  /**
   * oauth_socket_uri: where the listener binds when the redirect is not a loopback address (a remote editor's
   * forwarded address); the name snowflake-connector-python gives it, apart from the redirect it registers.
   */
  readonly socketUri?: string;
  readonly scope: string;
}

export interface OAuthTokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in?: number;
  readonly refresh_token_expires_in?: number;
  readonly token_type?: string;
  readonly username?: string;
  readonly scope?: string;
}

/** The code of the error a refused (expired or revoked) sign-in raises: the tree and chat say "Sign in again". */
export const SIGN_IN_EXPIRED = 'signInExpired';

/** The command behind "Sign in again" (the browser sign-in of the connection's role in use). */
export const SIGN_IN_AGAIN_FIX = {
  text: "Sign in again ('Snowflake: Sign In').",
  command: 'positSnowflake.signInAgain',
  commandTitle: 'Sign in again',
};

export const SIGN_IN_FIX = {
  text: "Run 'Snowflake: Sign In'.",
  command: 'positSnowflake.signIn',
  commandTitle: 'Sign In',
};

/** `session:role:<ROLE>` (roles are case-sensitive) and `refresh_token`, unless oauth_scope says otherwise. */
export function scopeOf(profile: ConnectionProfile): string {
  const written = stringParam(profile.params, 'oauth_scope');
  if (written) return written;
  return [profile.role ? `session:role:${profile.role}` : undefined, 'refresh_token'].filter(Boolean).join(' ');
}

export async function oauthClientConfig(
  ctx: Pick<AuthContext, 'secrets'>,
  profile: ConnectionProfile,
): Promise<OAuthClientConfig> {
  const clientId = stringParam(profile.params, 'oauth_client_id') ?? LOCAL_APPLICATION;
  let clientSecret = stringParam(profile.params, 'oauth_client_secret');
  if (clientId === LOCAL_APPLICATION) clientSecret ??= LOCAL_APPLICATION;
  else clientSecret ??= await ctx.secrets.get({ kind: 'oauthClientSecret', id: profile.name });
  const redirectUri = stringParam(profile.params, 'oauth_redirect_uri');
  const socketUri = stringParam(profile.params, 'oauth_socket_uri');
  return {
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    authorizeUrl: stringParam(profile.params, 'oauth_authorization_url') ?? `${profile.baseUrl}/oauth/authorize`,
    tokenUrl: stringParam(profile.params, 'oauth_token_request_url') ?? `${profile.baseUrl}/oauth/token-request`,
    ...(redirectUri ? { redirectUri } : {}),
    ...(socketUri ? { socketUri } : {}),
    scope: scopeOf(profile),
  };
}

/** RFC 6749 §5.2: `error` and `error_description`, as parsed from the body before redaction. */
function oauthErrorOf(err: HttpError): { error?: string; description?: string } {
  return {
    ...(err.server.error ? { error: err.server.error } : {}),
    ...(err.server.message ? { description: err.server.message } : {}),
  };
}

/** POSTs a form to the token endpoint with the client's credentials (HTTP Basic, or client_id alone for a public client). */
export async function requestToken(
  ctx: HttpContext,
  profile: ConnectionProfile,
  client: OAuthClientConfig,
  form: Record<string, string>,
  signal?: AbortSignal,
): Promise<OAuthTokenResponse> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  const body = new URLSearchParams(form);
  if (client.clientSecret)
    headers.Authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  else body.set('client_id', client.clientId);
  let res: Response;
  try {
    res = await fetchWithRetry(
      client.tokenUrl,
      { method: 'POST', headers, body: body.toString(), ...retryOpts(ctx, signal) },
      ctx.fetch,
    );
  } catch (err) {
    throw explainTokenError(profile, form.grant_type ?? '', err);
  }
  const json = await readJson<Partial<OAuthTokenResponse> & { message?: string }>(res, client.tokenUrl);
  if (typeof json.access_token !== 'string' || !json.access_token) {
    throw new SnowflakeExtError(
      'server',
      `Snowflake's token endpoint answered without an access token for connection '${profile.name}'${json.message ? `: ${json.message}` : '.'}`,
      SIGN_IN_FIX,
      undefined,
      { refusal: 'sign-in-needed' },
    );
  }
  return json as OAuthTokenResponse;
}

export function retryOpts(
  ctx: HttpContext,
  signal?: AbortSignal,
): {
  signal?: AbortSignal;
  retries?: number;
  backoffMs?: number;
  answerTimeoutMs?: number;
  logger: HttpContext['logger'];
} {
  return {
    ...(signal ? { signal } : {}),
    ...(ctx.http?.limits ? { answerTimeoutMs: ctx.http.limits.answerTimeoutMs } : {}),
    ...(ctx.http?.retries !== undefined ? { retries: ctx.http.retries } : {}),
    ...(ctx.http?.backoffMs !== undefined ? { backoffMs: ctx.http.backoffMs } : {}),
    logger: ctx.logger,
  };
}

/** The stored refresh token was refused for good (revoked or expired): the caller deletes it. */
export class RefreshTokenRejectedError extends SnowflakeExtError {
  override readonly name = 'RefreshTokenRejectedError';
}

function explainTokenError(profile: ConnectionProfile, grant: string, err: unknown): unknown {
  if (!(err instanceof HttpError)) return err;
  if (err.status === 429) {
    const wait = err.retryAfterSeconds;
    return new SnowflakeExtError(
      'rateLimit',
      `Snowflake's token endpoint is rate limiting requests for connection '${profile.name}' (HTTP 429).`,
      { text: wait !== undefined ? `Try again in ${Math.max(1, wait)} s.` : 'Try again in a minute.' },
      '429',
      { cause: err, refusal: 'throttled' },
    );
  }
  const { error, description } = oauthErrorOf(err);
  if (
    error !== 'invalid_client' &&
    grant === 'refresh_token' &&
    (error === 'invalid_grant' || err.status === 400 || err.status === 401)
  ) {
    return new RefreshTokenRejectedError(
      'auth',
      `The saved Snowflake sign-in of connection '${profile.name}' is no longer valid (the refresh token was revoked or has expired).`,
      SIGN_IN_FIX,
      error ?? String(err.status),
      { cause: err, refusal: 'sign-in-needed' },
    );
  }
  if (error === 'invalid_client' || err.status === 401) {
    return new SnowflakeExtError(
      'config',
      `Snowflake did not accept the OAuth client of connection '${profile.name}'${description ? `: ${asSentence(description)}` : '.'}`,
      {
        text: "Check oauth_client_id and oauth_client_secret of the connection (the secret of a custom client may also be in the editor's secret storage).",
      },
      error ?? String(err.status),
      { cause: err, refusal: 'client-refused' },
    );
  }
  if (error) {
    return new SnowflakeExtError(
      'auth',
      `Snowflake refused the sign-in of connection '${profile.name}' (${error})${description ? `: ${asSentence(description)}` : '.'}`,
      SIGN_IN_FIX,
      error,
      { cause: err, refusal: 'sign-in-needed' },
    );
  }
  return err;
}
