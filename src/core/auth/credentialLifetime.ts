// How long a connection's credential lasts, as far as the auth service knows without asking anyone: a key pair never
// expires; a PAT we created has its recorded expiry; a browser sign-in lasts while its refresh token does (the
// access token alone when there is none); a token from a file or the connection expires when its JWT `exp` says.
// The status bar and Test Connection warn from this; nothing here mints or prompts.
import type { AuthContext } from './authContext';
import { signInsOf } from './oauth/oauthCredential';
import { oauthToken, type TokenOrigin } from './credentials/tokenCredential';
import { jwtExpiry } from './credentials/keyPairJwt';
import { parsePatRecord, type PatRecord } from './pat/patRecord';
import type { ConnectionProfile } from './types';

export type CredentialLifetime =
  | { readonly kind: 'keyPair' }
  | { readonly kind: 'pat'; readonly expiresAt?: number; readonly name?: string }
  | {
      readonly kind: 'oauth';
      /** The access token's end (cached). */
      readonly expiresAt?: number;
      /** A refresh token is stored: the sign-in outlives the access token. */
      readonly renewable: boolean;
      /** The refresh token's end, when known (`refresh_token_expires_in`). */
      readonly refreshExpiresAt?: number;
    }
  | { readonly kind: 'token'; readonly origin: TokenOrigin; readonly expiresAt?: number }
  | { readonly kind: 'unknown' };

export async function patRecordOf(
  ctx: Pick<AuthContext, 'secrets'>,
  connection: string,
): Promise<PatRecord | undefined> {
  return parsePatRecord(await ctx.secrets.get({ kind: 'patRecord', id: connection }));
}

export async function credentialLifetime(ctx: AuthContext, profile: ConnectionProfile): Promise<CredentialLifetime> {
  switch (profile.authenticator) {
    case 'SNOWFLAKE_JWT':
      return { kind: 'keyPair' };
    case 'PROGRAMMATIC_ACCESS_TOKEN': {
      const r = await patRecordOf(ctx, profile.name);
      return r ? { kind: 'pat', expiresAt: r.expiresAt, name: r.name } : { kind: 'pat' };
    }
    case 'OAUTH_AUTHORIZATION_CODE': {
      const record = await signInsOf(ctx, profile);
      const active = record?.roles[record.active];
      const renewable = active?.refreshToken !== undefined;
      const expiresAt = ctx.cache.peekExpiry({ kind: 'oauth', connection: profile.name });
      const refreshExpiresAt = active?.refreshExpiresAt;
      return {
        kind: 'oauth',
        renewable,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(refreshExpiresAt !== undefined ? { refreshExpiresAt } : {}),
      };
    }
    case 'OAUTH': {
      try {
        const held = await oauthToken(ctx, profile);
        const exp = jwtExpiry(held.token);
        return { kind: 'token', origin: held.origin, ...(exp !== undefined ? { expiresAt: exp } : {}) };
      } catch {
        return { kind: 'unknown' };
      }
    }
    default:
      return { kind: 'unknown' };
  }
}

/** Warn when the credential ends within this window. */
export const SOON_MS = 10 * 60_000;

/** When the sign-in itself ends: a renewable browser sign-in does not end with its access token. */
export function signInEndsAt(l: CredentialLifetime): number | undefined {
  if (l.kind === 'keyPair' || l.kind === 'unknown') return undefined;
  if (l.kind === 'oauth' && l.renewable) return l.refreshExpiresAt;
  return l.expiresAt;
}

/** The end of the sign-in when it is within `windowMs` (or past), else undefined. */
export function expiringSoon(l: CredentialLifetime, now: number, windowMs = SOON_MS): number | undefined {
  const end = signInEndsAt(l);
  return end !== undefined && end - now <= windowMs ? end : undefined;
}
