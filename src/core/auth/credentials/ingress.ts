// SPCS ingress tokens (PROTOCOLS §6): a PAT as is, a key pair through the jwt-bearer exchange at /oauth/token, an
// OAuth or Workbench token through login-request. Cached per connection, host and role, renewed before expiry.
import crypto from 'node:crypto';
import { SnowflakeExtError } from '../../shared/errors';
import { asSentence, fetchWithRetry, HttpError } from '../../shared/http';
import type { CredentialContext, HttpContext, KeyPairContext } from '../authContext';
import { credentialFingerprint } from '../../connections/profileFingerprint';
import type { CacheKey } from '../tokenCache';
import { bearerToken, notSupported } from './credentials';
import { connectionKey, keyPairJwt, refreshOptions } from './keyPairCredential';
import { jwtExpiry } from './keyPairJwt';
import { loginRequest } from './loginRequest';
import { retryOpts } from '../oauth/oauthClient';
import { explainServerFailure, serverDateOf } from '../serverFailure';
import type { AuthRequestOptions, ConnectionProfile } from '../types';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Exchanged tokens live about an hour; without an exp we assume 55 minutes and renew 5 minutes before. */
const ASSUMED_INGRESS_LIFETIME_MS = 55 * 60_000;

/** The ingress host as a scope: scheme, path and trailing dot removed, lower case. */
export function ingressHostOf(hostOrUrl: string): string {
  const t = hostOrUrl.trim();
  try {
    if (/^[a-z]+:\/\//i.test(t)) return new URL(t).host.toLowerCase();
  } catch {
    // fall through to the plain text
  }
  return t.replace(/\/.*$/, '').replace(/\.$/, '').toLowerCase();
}

/** A host name (letters, digits, dots and dashes, an optional port) that a URL can carry; `http:` or `a b` is not. */
function isHostName(host: string): boolean {
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*(:\d{1,5})?$/.test(host)) return false;
  try {
    return new URL(`https://${host}/`).host === host;
  } catch {
    return false;
  }
}

export function ingressHeader(token: string): string {
  return `Snowflake Token="${token}"`;
}

/** The exchange's answer is the raw token text; some deployments answer JSON (`data.token`, `token`, `access_token`). */
export function parseExchangeBody(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as { data?: { token?: unknown }; token?: unknown; access_token?: unknown };
      const v = j.data?.token ?? j.token ?? j.access_token;
      return typeof v === 'string' && v ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return t;
}

async function exchangeKeyPair(
  ctx: KeyPairContext & HttpContext,
  profile: ConnectionProfile,
  host: string,
  role: string | undefined,
  opts: AuthRequestOptions,
): Promise<{ value: string; expiresAt: number }> {
  const jwt = await keyPairJwt(ctx, profile, { ...opts, forceRefresh: false });
  const url = `${profile.baseUrl}/oauth/token`;
  const body = new URLSearchParams({
    grant_type: JWT_BEARER_GRANT,
    assertion: jwt.token,
    scope: role ? `session:role:${role} ${host}` : host,
  });
  let res: Response;
  try {
    res = await fetchWithRetry(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        ...retryOpts(ctx, opts.signal),
      },
      ctx.fetch,
    );
  } catch (err) {
    throw await explainExchangeError(ctx, profile, host, err);
  }
  const token = parseExchangeBody(await res.text());
  if (!token)
    throw new SnowflakeExtError(
      'server',
      `Snowflake's token exchange for ${host} answered without a token (connection '${profile.name}').`,
      { text: 'Try again; if it persists, check the host in the connection.' },
    );
  return { value: token, expiresAt: jwtExpiry(token) ?? ctx.now() + ASSUMED_INGRESS_LIFETIME_MS };
}

async function explainExchangeError(
  ctx: KeyPairContext & HttpContext,
  profile: ConnectionProfile,
  host: string,
  err: unknown,
): Promise<unknown> {
  if (!(err instanceof HttpError) || err.status === 429 || err.status >= 500) return err;
  const body = err.server;
  // Snowflake's own codes are strings ("390144"); an OAuth-style answer has `error` instead.
  if (typeof body.code === 'string') {
    const fingerprint = (await connectionKey(ctx, profile, { silent: true }).catch(() => undefined))?.fingerprint;
    const serverDate = serverDateOf(err.headers);
    return explainServerFailure(
      {
        code: body.code,
        ...(body.message ? { message: body.message } : {}),
        ...(serverDate !== undefined ? { serverDate } : {}),
      },
      { profile, now: ctx.now(), ...(fingerprint ? { fingerprint } : {}) },
    );
  }
  const description = body.message ?? err.message;
  return new SnowflakeExtError(
    err.status === 400 ? 'permission' : err.kind,
    `Snowflake would not issue a token for ${host} to connection '${profile.name}': ${asSentence(description)}`,
    { text: 'Check the app host and the role; the role must be allowed to use the service.' },
    body.error ?? String(err.status),
  );
}

async function exchangeOAuth(
  ctx: HttpContext,
  profile: ConnectionProfile,
  token: string,
  role: string | undefined,
  opts: AuthRequestOptions,
): Promise<{ value: string; expiresAt: number }> {
  const session = await loginRequest(
    ctx,
    profile,
    { AUTHENTICATOR: 'OAUTH', TOKEN: token },
    { ...(role ? { role } : {}), ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  const lifetime = (session.validityInSeconds ?? 3600) * 1000;
  return { value: session.token, expiresAt: ctx.now() + lifetime };
}

/** The `Snowflake Token="..."` header value for an SPCS app at `host`. */
export async function ingressCredential(
  ctx: CredentialContext,
  profile: ConnectionProfile,
  hostOrUrl: string,
  role: string | undefined,
  opts: AuthRequestOptions = {},
): Promise<string> {
  const host = ingressHostOf(hostOrUrl);
  if (!isHostName(host)) {
    throw new SnowflakeExtError(
      'config',
      `'${hostOrUrl}' is not the host of an app: no host name can be read from it.`,
      {
        text: 'Give the host name or URL of the Snowflake app, e.g. https://abc123-myorg-myacct.snowflakecomputing.app.',
      },
      'badIngressHost',
    );
  }
  const key: CacheKey = { kind: 'ingress', connection: profile.name, host, role: role ?? '' };
  switch (profile.authenticator) {
    case 'PROGRAMMATIC_ACCESS_TOKEN': {
      const pat = await bearerToken(ctx, profile, opts);
      return ingressHeader(pat.token);
    }
    case 'SNOWFLAKE_JWT': {
      const entry = await ctx.cache.get(
        key,
        credentialFingerprint(profile),
        () => exchangeKeyPair(ctx, profile, host, role, opts),
        refreshOptions(opts, (v) => v),
      );
      return ingressHeader(entry.value);
    }
    case 'OAUTH':
    case 'OAUTH_AUTHORIZATION_CODE': {
      const source = await bearerToken(ctx, profile, { ...opts, forceRefresh: opts.forceRefresh, rejected: undefined });
      // A rotated Workbench token or a new sign-in gives a new stamp, so the derived session token follows it.
      const stamp = `${credentialFingerprint(profile)}|${crypto.createHash('sha256').update(source.token).digest('base64url').slice(0, 16)}`;
      const entry = await ctx.cache.get(
        key,
        stamp,
        () => exchangeOAuth(ctx, profile, source.token, role, opts),
        refreshOptions(opts, (v) => v),
      );
      return ingressHeader(entry.value);
    }
    default:
      throw notSupported(profile);
  }
}

/** The token inside a `Snowflake Token="..."` header value (for withAuthRetry's rejected credential). */
export function tokenOfIngressHeader(header: string): string | undefined {
  return /^Snowflake Token="([^"]+)"$/.exec(header)?.[1];
}
