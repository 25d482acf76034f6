// OAUTH_AUTHORIZATION_CODE credentials: the access token cached for its `expires_in`, renewed with the refresh token
// of the role in use (signInStore: one sign-in per role), a browser sign-in when there is none (never when silent),
// switching among the roles signed in, and sign-out.
import { SnowflakeExtError } from '../../shared/errors';
import type { OAuthContext } from '../authContext';
import { credentialFingerprint } from '../../connections/profileFingerprint';
import { refreshOptions } from '../credentials/keyPairCredential';
import {
  oauthClientConfig,
  RefreshTokenRejectedError,
  requestToken,
  SIGN_IN_AGAIN_FIX,
  SIGN_IN_EXPIRED,
  SIGN_IN_FIX,
  type OAuthTokenResponse,
} from './oauthClient';
import { runAuthorizationCodeFlow } from './oauthCodeFlow';
import { readSignIns, roleOfScope, withRole, writeSignIns, type RoleSignIn, type SignInRecord } from './signInStore';
import type { Minted } from '../tokenCache';
import type { AuthRequestOptions, ConnectionProfile, SignInResult } from '../types';

interface AccessToken {
  readonly token: string;
  readonly username?: string;
  readonly scope?: string;
}

const DEFAULT_ACCESS_LIFETIME_S = 600;

/** The connection's sign-ins; a bare refresh token from before is the sign-in of the connection's role. */
export function signInsOf(ctx: OAuthContext, profile: ConnectionProfile): Promise<SignInRecord | undefined> {
  return readSignIns(ctx, profile.name, profile.role ?? '');
}

/** The profile a sign-in for `role` asks with: its scope names that role (session:role:<ROLE>). */
export function profileForRole(profile: ConnectionProfile, role: string): ConnectionProfile {
  if (role === (profile.role ?? '')) return profile;
  const params: Record<string, string | number | boolean> = { ...profile.params, role };
  const scope = params.oauth_scope;
  if (typeof scope === 'string') params.oauth_scope = scope.replace(/session:role:\S+/, `session:role:${role}`);
  return { ...profile, role, params };
}

/**
 * Keeps what a sign-in or refresh returned: the access token goes to the cache; the role's refresh token, when new,
 * to the store (a sign-in that named no role is keyed by the role Snowflake's answer names).
 */
async function accept(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  role: string,
  tokens: OAuthTokenResponse,
  fresh: boolean,
): Promise<Minted<AccessToken>> {
  const now = ctx.now();
  const record = await signInsOf(ctx, profile);
  const key = role || roleOfScope(tokens.scope) || '';
  const before = record?.roles[role];
  const refreshToken = tokens.refresh_token ?? before?.refreshToken;
  if (refreshToken && (fresh || refreshToken !== before?.refreshToken || key !== role)) {
    const signIn: RoleSignIn = {
      refreshToken,
      issuedAt: fresh || !before ? now : before.issuedAt,
      ...(tokens.refresh_token_expires_in !== undefined
        ? { refreshExpiresAt: now + tokens.refresh_token_expires_in * 1000 }
        : before?.refreshExpiresAt !== undefined
          ? { refreshExpiresAt: before.refreshExpiresAt }
          : {}),
      ...((tokens.username ?? before?.username) ? { username: tokens.username ?? before?.username } : {}),
    };
    const moved = key !== role ? withRole(record, role, undefined, false) : record;
    await writeSignIns(ctx, profile.name, withRole(moved, key, signIn));
  }
  return {
    value: {
      token: tokens.access_token,
      ...(tokens.username ? { username: tokens.username } : {}),
      ...(tokens.scope ? { scope: tokens.scope } : {}),
    },
    expiresAt: now + (tokens.expires_in ?? DEFAULT_ACCESS_LIFETIME_S) * 1000,
  };
}

function expiredError(profile: ConnectionProfile, role: string, cause?: unknown): SnowflakeExtError {
  return new RefreshTokenRejectedError(
    'auth',
    `The Snowflake sign-in of connection '${profile.name}'${role ? ` (role ${role})` : ''} has expired or was revoked.`,
    SIGN_IN_AGAIN_FIX,
    SIGN_IN_EXPIRED,
    { ...(cause !== undefined ? { cause } : {}), refusal: 'sign-in-needed' },
  );
}

async function mintAccessToken(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions,
): Promise<Minted<AccessToken>> {
  const client = await oauthClientConfig(ctx, profile);
  const record = await signInsOf(ctx, profile);
  const role = record?.active ?? profile.role ?? '';
  const current = record?.roles[role];
  const refresh = current?.refreshToken;
  if (refresh) {
    ctx.logger.debug(`Refreshing the OAuth access token of connection '${profile.name}'.`);
    let tokens: OAuthTokenResponse;
    try {
      tokens = await requestToken(
        ctx,
        profile,
        client,
        { grant_type: 'refresh_token', refresh_token: refresh },
        opts.signal,
      );
    } catch (err) {
      if (!(err instanceof RefreshTokenRejectedError)) throw err;
      // A refused refresh token never works again: forget it, keeping a mark so the sign-in shows as expired.
      const now = await signInsOf(ctx, profile);
      if (now?.roles[role]?.refreshToken === refresh) {
        const { refreshToken: _dropped, ...rest } = now.roles[role]!;
        await writeSignIns(ctx, profile.name, withRole(now, role, { ...rest, expiredAt: ctx.now() }, false));
        ctx.changed.fire({ connections: [profile.name], reason: 'signOut' });
      }
      throw expiredError(profile, role, err);
    }
    return accept(ctx, profile, role, tokens, false);
  }
  // An expired sign-in is renewed only when the person asks (Sign in again), never by a browser popping up mid-task.
  if (current?.expiredAt !== undefined) throw expiredError(profile, role);
  if (opts.silent || !ctx.prompter?.openExternal) {
    throw new SnowflakeExtError(
      'auth',
      `Connection '${profile.name}' is not signed in to Snowflake.`,
      SIGN_IN_FIX,
      'signInNeeded',
      { refusal: 'sign-in-needed' },
    );
  }
  const asked = profileForRole(profile, role);
  const tokens = await runAuthorizationCodeFlow(ctx, asked, await oauthClientConfig(ctx, asked), opts.signal);
  const minted = await accept(ctx, profile, role, tokens, true);
  ctx.changed.fire({ connections: [profile.name], reason: 'signIn' });
  return minted;
}

const cacheKey = (profile: ConnectionProfile) => ({ kind: 'oauth', connection: profile.name }) as const;

/** The OAuth access token of an OAUTH_AUTHORIZATION_CODE connection (one refresh or sign-in in flight). */
export async function authorizationCodeToken(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<{ token: string; expiresAt: number; role?: string }> {
  const entry = await ctx.cache.get(
    cacheKey(profile),
    credentialFingerprint(profile),
    () => mintAccessToken(ctx, profile, opts),
    refreshOptions(opts, (v) => (v as AccessToken).token),
  );
  const role = roleOfScope(entry.value.scope);
  return { token: entry.value.token, expiresAt: entry.expiresAt, ...(role ? { role } : {}) };
}

function requireBrowserSignIn(profile: ConnectionProfile): void {
  if (profile.authenticator !== 'OAUTH_AUTHORIZATION_CODE') {
    throw new SnowflakeExtError(
      'notSupported',
      `Connection '${profile.name}' uses ${profile.authenticator.toLowerCase()}, which has no browser sign-in.`,
      { text: 'Set authenticator = "oauth_authorization_code" in the connection to sign in with the browser.' },
    );
  }
}

/**
 * Starts a browser sign-in now for `role` (default: the role in use, else the connection's), keeping the sign-ins
 * of other roles; once it succeeds, that role's sign-in is the one in use.
 */
export async function signIn(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  opts: { signal?: AbortSignal; role?: string } = {},
): Promise<SignInResult> {
  requireBrowserSignIn(profile);
  const role = opts.role ?? (await signInsOf(ctx, profile))?.active ?? profile.role ?? '';
  let way: SignInResult['way'];
  const entry = await ctx.cache.get(
    cacheKey(profile),
    credentialFingerprint(profile),
    async () => {
      const asked = profileForRole(profile, role);
      const tokens = await runAuthorizationCodeFlow(ctx, asked, await oauthClientConfig(ctx, asked), opts.signal);
      way = tokens.way;
      return accept(ctx, profile, role, tokens, true);
    },
    { forceRefresh: true, ownMint: true },
  );
  ctx.cache.invalidate(profile.name, ['ingress']);
  ctx.changed.fire({ connections: [profile.name], reason: 'signIn' });
  const value = entry.value as AccessToken;
  return {
    connection: profile.name,
    expiresAt: entry.expiresAt,
    ...(way ? { way } : {}),
    ...(value.username ? { username: value.username } : {}),
    ...(value.scope ? { scope: value.scope } : {}),
    role: roleOfScope(value.scope) ?? role,
  };
}

/** Makes the sign-in of `role` the one the connection uses (no browser: that role must be signed in already). */
export async function useSignIn(ctx: OAuthContext, profile: ConnectionProfile, role: string): Promise<void> {
  requireBrowserSignIn(profile);
  const record = await signInsOf(ctx, profile);
  if (!record?.roles[role]?.refreshToken) {
    throw new SnowflakeExtError(
      'auth',
      `Connection '${profile.name}' is not signed in with role ${role || '(default)'}.`,
      { ...SIGN_IN_FIX, text: `Sign in with that role ('Snowflake: Switch Role', then "Sign in with another role…").` },
      'signInNeeded',
      { refusal: 'sign-in-needed' },
    );
  }
  if (record.active !== role) await writeSignIns(ctx, profile.name, { ...record, active: role });
  ctx.cache.invalidate(profile.name);
  ctx.changed.fire({ connections: [profile.name], reason: 'signIn' });
}

export async function isSignedIn(ctx: OAuthContext, profile: ConnectionProfile): Promise<boolean> {
  const record = await signInsOf(ctx, profile);
  return record?.roles[record.active]?.refreshToken !== undefined;
}

/** The role in use: signed in, expired (Snowflake refused its refresh token), or not signed in. */
export async function signInStatus(
  ctx: OAuthContext,
  profile: ConnectionProfile,
): Promise<'signedIn' | 'expired' | 'signedOut'> {
  const record = await signInsOf(ctx, profile);
  const active = record?.roles[record.active];
  if (active?.refreshToken) return 'signedIn';
  return active?.expiredAt !== undefined ? 'expired' : 'signedOut';
}
