// The sign-ins a connection holds, as "Snowflake: Show Sign-Ins" lists them: how it signs in, for which role, when
// it was issued and when its tokens expire (the access and refresh tokens of an OAuth sign-in, a token file's or PAT's
// expiry), or a key's fingerprint. Read without prompting, from the store, the token cache and the files; no secret.
import type { CredentialContext } from './authContext';
import { toExtError } from '../shared/errors';
import { connectionKey } from './credentials/keyPairCredential';
import { jwtExpiry } from './credentials/keyPairJwt';
import { oauthToken, programmaticAccessToken, type HeldToken } from './credentials/tokenCredential';
import { signInsOf } from './oauth/oauthCredential';
import type { ConnectionProfile, SignInListing } from './types';
import { patRecordOf } from './credentialLifetime';
import type { PatRecord } from './pat/patRecord';

type Base = Pick<SignInListing, 'connection'>;

function oauthSignIns(ctx: CredentialContext, profile: ConnectionProfile, base: Base): Promise<SignInListing[]> {
  return signInsOf(ctx, profile).then((record) => {
    const now = ctx.now();
    if (!record)
      return [{ ...base, kind: 'oauthSignIn', role: profile.role ?? '', status: 'signedOut' } as SignInListing];
    const access = ctx.cache.peek({ kind: 'oauth', connection: profile.name });
    return Object.entries(record.roles).map(([role, s]): SignInListing => {
      const active = role === record.active;
      const expired = s.refreshToken === undefined || (s.refreshExpiresAt !== undefined && s.refreshExpiresAt <= now);
      return {
        ...base,
        kind: 'oauthSignIn',
        role,
        active,
        status: expired ? 'expired' : 'valid',
        issuedAt: s.issuedAt,
        ...(active && access && s.refreshToken ? { accessExpiresAt: access.expiresAt } : {}),
        ...(s.refreshExpiresAt !== undefined ? { refreshExpiresAt: s.refreshExpiresAt } : {}),
        ...(s.username ? { username: s.username } : {}),
        ...(s.refreshToken ? { storedSecret: 'oauthSignIn' as const } : {}),
        ...(s.issuedAt === 0 ? { note: 'signed in before issue times were recorded' } : {}),
      };
    });
  });
}

/** A token somebody else writes (Workbench's file, token_file_path, the connection's token, a PAT). */
function heldListing(
  ctx: CredentialContext,
  profile: ConnectionProfile,
  base: Base,
  held: HeldToken,
  mtime: number | undefined,
  pat: PatRecord | undefined,
): SignInListing {
  const exp = pat?.expiresAt ?? jwtExpiry(held.token);
  const kind =
    profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN'
      ? 'pat'
      : held.origin === 'workbench'
        ? 'workbench'
        : 'oauthToken';
  // A PAT we created has its recorded expiry; otherwise only a token that is a JWT says when it expires.
  const note = exp !== undefined ? undefined : kind === 'workbench' ? 'Posit Workbench renews it' : 'expiry unknown';
  return {
    ...base,
    kind,
    ...(profile.role || pat?.role ? { role: profile.role ?? pat?.role } : {}),
    status: exp !== undefined && exp <= ctx.now() ? 'expired' : 'valid',
    ...(pat ? { issuedAt: pat.createdAt } : {}),
    ...(exp !== undefined ? { tokenExpiresAt: exp } : {}),
    ...(mtime !== undefined ? { fileWrittenAt: mtime } : {}),
    ...(held.origin === 'secretStorage' ? { storedSecret: 'pat' as const } : {}),
    ...(note ? { note } : {}),
  };
}

async function tokenListing(ctx: CredentialContext, profile: ConnectionProfile, base: Base): Promise<SignInListing> {
  const held =
    profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN'
      ? await programmaticAccessToken(ctx, profile)
      : await oauthToken(ctx, profile);
  const file = held.origin === 'workbench' ? profile.file : undefined;
  const mtime = file ? (await ctx.host.fs.stat(file))?.mtimeMs : undefined;
  const pat =
    profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN' && held.origin === 'secretStorage'
      ? await patRecordOf(ctx, profile.name)
      : undefined;
  return heldListing(ctx, profile, base, held, mtime, pat);
}

async function keyListing(ctx: CredentialContext, profile: ConnectionProfile, base: Base): Promise<SignInListing> {
  const key = await connectionKey(ctx, profile, { silent: true });
  const jwt = ctx.cache.peek({ kind: 'jwt', connection: profile.name });
  const stored = await ctx.secrets.get({ kind: 'keyPassphrase', id: profile.name });
  return {
    ...base,
    kind: 'keyPair',
    ...(profile.role ? { role: profile.role } : {}),
    status: 'valid',
    fingerprint: key.info.fingerprint,
    ...(jwt ? { issuedAt: jwt.mintedAt, accessExpiresAt: jwt.expiresAt } : {}),
    ...(stored ? { storedSecret: 'keyPassphrase' as const } : {}),
  };
}

/** The connection's sign-ins; a credential that cannot be read without asking is listed with why. */
export async function listSignIns(ctx: CredentialContext, profile: ConnectionProfile): Promise<SignInListing[]> {
  const base: Base = { connection: profile.name };
  try {
    switch (profile.authenticator) {
      case 'OAUTH_AUTHORIZATION_CODE':
        return await oauthSignIns(ctx, profile, base);
      case 'OAUTH':
      case 'PROGRAMMATIC_ACCESS_TOKEN':
        return [await tokenListing(ctx, profile, base)];
      case 'SNOWFLAKE_JWT':
        return [await keyListing(ctx, profile, base)];
      default:
        return [{ ...base, kind: 'other', status: 'unknown', note: 'not a sign-in this extension manages' }];
    }
  } catch (err) {
    const kind =
      profile.authenticator === 'SNOWFLAKE_JWT'
        ? 'keyPair'
        : profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN'
          ? 'pat'
          : profile.source === 'workbench'
            ? 'workbench'
            : 'oauthToken';
    return [{ ...base, kind, status: 'unknown', note: toExtError(err).message }];
  }
}
