// Dispatch by authenticator: the bearer token a connection presents to REST APIs and what the SQL driver needs to log
// in. Authenticators the extension cannot mint for get one clear "not supported yet".
import { SnowflakeExtError } from '../../shared/errors';
import type { CredentialContext } from '../authContext';
import { SUPPORTED_AUTHENTICATORS } from '../../connections/connectionProfile';
import { connectionKey, keyPairJwt, requireUser } from './keyPairCredential';
import { authorizationCodeToken } from '../oauth/oauthCredential';
import { toPkcs8Pem } from './privateKey';
import { oauthToken, programmaticAccessToken } from './tokenCredential';
import type { AuthRequestOptions, ConnectionProfile, LoginCredential, RestCredential } from '../types';

export type RestTokenType = 'KEYPAIR_JWT' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';

export interface BearerToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly tokenType: RestTokenType;
  /** A browser sign-in's token: the role it is limited to. */
  readonly role?: string;
}

export function notSupported(profile: ConnectionProfile): SnowflakeExtError {
  return new SnowflakeExtError(
    'notSupported',
    `Connection '${profile.name}' uses authenticator ${profile.authenticator.toLowerCase()}, which this extension does not support yet.`,
    { text: `Use one of ${SUPPORTED_AUTHENTICATORS.map((a) => a.toLowerCase()).join(', ')}.` },
    'authenticator',
  );
}

export async function bearerToken(
  ctx: CredentialContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<BearerToken> {
  switch (profile.authenticator) {
    case 'SNOWFLAKE_JWT': {
      const jwt = await keyPairJwt(ctx, profile, opts);
      return { ...jwt, tokenType: 'KEYPAIR_JWT' };
    }
    case 'OAUTH':
      return { ...(await oauthToken(ctx, profile, !!opts.forceRefresh)), tokenType: 'OAUTH' };
    case 'PROGRAMMATIC_ACCESS_TOKEN':
      return {
        ...(await programmaticAccessToken(ctx, profile, !!opts.forceRefresh)),
        tokenType: 'PROGRAMMATIC_ACCESS_TOKEN',
      };
    case 'OAUTH_AUTHORIZATION_CODE':
      return { ...(await authorizationCodeToken(ctx, profile, opts)), tokenType: 'OAUTH' };
    default:
      throw notSupported(profile);
  }
}

export async function restCredential(
  ctx: CredentialContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<RestCredential> {
  const bearer = await bearerToken(ctx, profile, opts);
  return {
    headers: { Authorization: `Bearer ${bearer.token}`, 'X-Snowflake-Authorization-Token-Type': bearer.tokenType },
    expiresAt: bearer.expiresAt,
  };
}

export async function loginCredential(
  ctx: CredentialContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<LoginCredential> {
  switch (profile.authenticator) {
    case 'SNOWFLAKE_JWT': {
      const user = requireUser(profile);
      const key = await connectionKey(ctx, profile, opts);
      return { authenticator: 'SNOWFLAKE_JWT', privateKeyPem: toPkcs8Pem(key.key), user };
    }
    case 'PROGRAMMATIC_ACCESS_TOKEN': {
      const pat = await programmaticAccessToken(ctx, profile, !!opts.forceRefresh);
      return {
        authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
        token: pat.token,
        ...(profile.user ? { user: profile.user } : {}),
      };
    }
    case 'OAUTH':
    case 'OAUTH_AUTHORIZATION_CODE': {
      const bearer = await bearerToken(ctx, profile, opts);
      return {
        authenticator: 'OAUTH',
        token: bearer.token,
        ...(profile.user ? { user: profile.user } : {}),
        ...(bearer.role ? { role: bearer.role } : {}),
      };
    }
    default:
      throw notSupported(profile);
  }
}
