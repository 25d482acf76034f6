// OAUTH_AUTHORIZATION_CODE credentials: the access token cached for its `expires_in`, renewed with the refresh token
// kept in the SecretStore, a browser sign-in when there is none (never when silent), and sign-out.
import { SnowflakeExtError } from '../../shared/errors';
import { storeSecret, type OAuthContext } from '../authContext';
import { credentialFingerprint } from '../../connections/profileFingerprint';
import { refreshOptions } from '../credentials/keyPairCredential';
import {
  oauthClientConfig,
  RefreshTokenRejectedError,
  requestToken,
  SIGN_IN_FIX,
  type OAuthTokenResponse,
} from './oauthClient';
import { runAuthorizationCodeFlow } from './oauthCodeFlow';
import type { Minted } from '../tokenCache';
import type { AuthRequestOptions, ConnectionProfile, SignInResult } from '../types';

interface AccessToken {
  readonly token: string;
  readonly username?: string;
  readonly scope?: string;
}

const DEFAULT_ACCESS_LIFETIME_S = 600;

function refreshRef(profile: ConnectionProfile): { kind: 'oauthRefreshToken'; id: string } {
  return { kind: 'oauthRefreshToken', id: profile.name };
}

/** Keeps the tokens a sign-in or refresh returned: the access token to the cache, a (rotated) refresh token to the store. */
async function accept(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  tokens: OAuthTokenResponse,
): Promise<Minted<AccessToken>> {
  // Snowflake usually returns the same refresh token on refresh: write only when it changed.
  if (tokens.refresh_token && tokens.refresh_token !== (await ctx.secrets.get(refreshRef(profile)))) {
    await storeSecret(ctx, refreshRef(profile), tokens.refresh_token);
  }
  const expiresAt = ctx.now() + (tokens.expires_in ?? DEFAULT_ACCESS_LIFETIME_S) * 1000;
  return {
    value: {
      token: tokens.access_token,
      ...(tokens.username ? { username: tokens.username } : {}),
      ...(tokens.scope ? { scope: tokens.scope } : {}),
    },
    expiresAt,
  };
}

async function mintAccessToken(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions,
): Promise<Minted<AccessToken>> {
  const client = await oauthClientConfig(ctx, profile);
  const refresh = await ctx.secrets.get(refreshRef(profile));
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
      // A refused refresh token never works again: forget it, so nothing shows the connection as signed in.
      if (err instanceof RefreshTokenRejectedError && (await ctx.secrets.get(refreshRef(profile))) === refresh) {
        await storeSecret(ctx, refreshRef(profile), undefined);
        ctx.changed.fire({ connections: [profile.name], reason: 'signOut' });
      }
      throw err;
    }
    return accept(ctx, profile, tokens);
  }
  if (opts.silent || !ctx.prompter?.openExternal) {
    throw new SnowflakeExtError(
      'auth',
      `Connection '${profile.name}' is not signed in to Snowflake.`,
      SIGN_IN_FIX,
      'signInNeeded',
      { refusal: 'sign-in-needed' },
    );
  }
  const tokens = await runAuthorizationCodeFlow(ctx, profile, client, opts.signal);
  const minted = await accept(ctx, profile, tokens);
  ctx.changed.fire({ connections: [profile.name], reason: 'signIn' });
  return minted;
}

/** The OAuth access token of an OAUTH_AUTHORIZATION_CODE connection (one refresh or sign-in in flight). */
export async function authorizationCodeToken(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<{ token: string; expiresAt: number }> {
  const entry = await ctx.cache.get(
    { kind: 'oauth', connection: profile.name },
    credentialFingerprint(profile),
    () => mintAccessToken(ctx, profile, opts),
    refreshOptions(opts, (v) => (v as AccessToken).token),
  );
  return { token: entry.value.token, expiresAt: entry.expiresAt };
}

/** Starts a browser sign-in now, replacing any stored sign-in once it succeeds. */
export async function signIn(
  ctx: OAuthContext,
  profile: ConnectionProfile,
  signal?: AbortSignal,
): Promise<SignInResult> {
  if (profile.authenticator !== 'OAUTH_AUTHORIZATION_CODE') {
    throw new SnowflakeExtError(
      'notSupported',
      `Connection '${profile.name}' uses ${profile.authenticator.toLowerCase()}, which has no browser sign-in.`,
      { text: 'Set authenticator = "oauth_authorization_code" in the connection to sign in with the browser.' },
    );
  }
  let way: SignInResult['way'];
  const entry = await ctx.cache.get(
    { kind: 'oauth', connection: profile.name },
    credentialFingerprint(profile),
    async () => {
      const client = await oauthClientConfig(ctx, profile);
      const tokens = await runAuthorizationCodeFlow(ctx, profile, client, signal);
      way = tokens.way;
      return accept(ctx, profile, tokens);
    },
    { forceRefresh: true },
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
  };
}

export async function signOut(ctx: OAuthContext, profile: ConnectionProfile): Promise<void> {
  await storeSecret(ctx, refreshRef(profile), undefined);
  ctx.cache.invalidate(profile.name);
  ctx.changed.fire({ connections: [profile.name], reason: 'signOut' });
}

export async function isSignedIn(ctx: Pick<OAuthContext, 'secrets'>, profile: ConnectionProfile): Promise<boolean> {
  return (await ctx.secrets.get(refreshRef(profile))) !== undefined;
}
