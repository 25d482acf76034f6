// Sign Out of an OAuth sign-in: the tokens are revoked at Snowflake (`/oauth/revoke`, RFC 7009, beside
// /oauth/token-request: https://docs.snowflake.com/en/user-guide/oauth-custom), then deleted here whatever Snowflake
// answered, so a person who signs out is signed out on this computer even when the revocation cannot be confirmed.
import { fetchWithRetry } from '../../shared/http';
import { toExtError } from '../../shared/errors';
import type { OAuthContext } from '../authContext';
import { stringParam } from '../../connections/connectionParams';
import { oauthClientConfig, retryOpts, type OAuthClientConfig } from './oauthClient';
import { signInsOf } from './oauthCredential';
import { withRole, writeSignIns } from './signInStore';
import type { ConnectionProfile, SignOutResult } from '../types';

/** The revocation endpoint: beside the token endpoint (a custom integration's URL keeps its host and path prefix). */
export function revokeUrl(profile: ConnectionProfile, client: OAuthClientConfig): string {
  const tokenUrl = stringParam(profile.params, 'oauth_token_request_url');
  if (tokenUrl && /\/token-request\/?$/.test(tokenUrl)) return tokenUrl.replace(/\/token-request\/?$/, '/revoke');
  return new URL('/oauth/revoke', client.tokenUrl).toString();
}

/** Revokes one token; undefined when Snowflake confirmed (200), else why not (no secret in it). */
async function revoke(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  client: OAuthClientConfig,
  token: string,
  hint: 'refresh_token' | 'access_token',
): Promise<string | undefined> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  // RFC 7009 §2.1: the client authenticates as it does at the token endpoint.
  const body = new URLSearchParams({ token, token_type_hint: hint });
  if (client.clientSecret)
    headers.Authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  else body.set('client_id', client.clientId);
  try {
    // RFC 7009 §2.2: 200 means the token no longer works, also for one Snowflake did not know.
    const res = await fetchWithRetry(
      revokeUrl(profile, client),
      { method: 'POST', headers, body: body.toString(), ...retryOpts(ctx) },
      ctx.fetch,
    );
    await res.body?.cancel();
    return undefined;
  } catch (err) {
    return toExtError(err).message;
  }
}

/**
 * Signs out of one role's sign-in (or all of them): revokes its refresh token (and the access token in use) at
 * Snowflake, then deletes them here even when the revocation failed, and says whether Snowflake confirmed it.
 */
export async function signOut(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  opts: { role?: string } = {},
): Promise<SignOutResult> {
  const record = await signInsOf(ctx, profile);
  const roles = record ? Object.keys(record.roles).filter((r) => opts.role === undefined || r === opts.role) : [];
  const problems: string[] = [];
  let revoked = 0;
  if (record && roles.length > 0) {
    const client = await oauthClientConfig(ctx, profile);
    const access = ctx.cache.peek<{ token: string }>({ kind: 'oauth', connection: profile.name });
    if (access && roles.includes(record.active)) {
      const problem = await revoke(ctx, profile, client, access.value.token, 'access_token');
      if (problem) problems.push(problem);
    }
    for (const role of roles) {
      const token = record.roles[role]?.refreshToken;
      if (!token) continue;
      const problem = await revoke(ctx, profile, client, token, 'refresh_token');
      if (problem) problems.push(problem);
      else revoked++;
    }
  }
  let next = record;
  for (const role of roles) next = withRole(next, role, undefined, false);
  await writeSignIns(ctx, profile.name, next);
  ctx.cache.invalidate(profile.name);
  ctx.changed.fire({ connections: [profile.name], reason: 'signOut' });
  if (problems.length > 0) ctx.logger.warn(`Sign out of '${profile.name}': revocation not confirmed: ${problems[0]}`);
  return {
    connection: profile.name,
    roles,
    revocation: problems.length > 0 ? 'unconfirmed' : revoked > 0 ? 'confirmed' : 'nothingToRevoke',
    ...(problems[0] ? { problem: problems[0] } : {}),
  };
}
