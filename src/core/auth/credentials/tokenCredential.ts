// Tokens a connection already holds: OAuth (token, token_file_path, Posit Workbench's rotating file, the SPCS session
// token) and programmatic access tokens (file or SecretStore). File tokens are re-read when the file changes.
import { SnowflakeExtError } from '../../shared/errors';
import type { TokenContext } from '../authContext';
import { userPath } from '../../connections/connectionDirectory';
import { stringParam } from '../../connections/connectionParams';
import { jwtExpiry } from './keyPairJwt';
import { SPCS_TOKEN_FILE } from '../../connections/resolveConnections';
import type { ConnectionProfile } from '../types';

export type TokenOrigin = 'workbench' | 'token_file_path' | 'token' | 'spcs' | 'secretStorage';

export interface HeldToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly origin: TokenOrigin;
}

/** File tokens may be rewritten at any time: callers are told to ask again soon rather than keep them. */
const FILE_TOKEN_REASK_MS = 60_000;
const INLINE_TOKEN_REASK_MS = 10 * 60_000;

async function fromFile(ctx: TokenContext, profile: ConnectionProfile, force: boolean): Promise<HeldToken | undefined> {
  const tokenFile = stringParam(profile.params, 'token_file_path');
  if (tokenFile) {
    const read = await ctx.files.tokenFile(userPath(ctx.host, tokenFile), profile.name, force);
    return held(ctx, read.token, 'token_file_path', true);
  }
  if (profile.source === 'workbench' && profile.file) {
    const read = await ctx.files.tomlToken(profile.file, profile.name, force);
    if (read.rotated) {
      ctx.logger.info(`Posit Workbench wrote a new token for connection '${profile.name}'.`);
      ctx.cache.invalidate(profile.name);
      ctx.changed.fire({ connections: [profile.name], reason: 'workbenchToken' });
    }
    return held(ctx, read.token, 'workbench', true);
  }
  return undefined;
}

function held(ctx: Pick<TokenContext, 'now'>, token: string, origin: TokenOrigin, fromFile: boolean): HeldToken {
  const now = ctx.now();
  const exp = jwtExpiry(token);
  const reask = now + (fromFile ? FILE_TOKEN_REASK_MS : INLINE_TOKEN_REASK_MS);
  return { token, origin, expiresAt: exp !== undefined ? Math.min(exp, reask) : reask };
}

/** OAUTH: the token from the Workbench file, token_file_path, token, or inside SPCS the session token file. */
export async function oauthToken(ctx: TokenContext, profile: ConnectionProfile, force = false): Promise<HeldToken> {
  const file = await fromFile(ctx, profile, force);
  if (file) return file;
  const inline = stringParam(profile.params, 'token');
  if (inline) return held(ctx, inline, 'token', false);
  if ((await ctx.host.fs.stat(SPCS_TOKEN_FILE))?.isFile()) {
    const read = await ctx.files.tokenFile(SPCS_TOKEN_FILE, profile.name, force);
    return held(ctx, read.token, 'spcs', true);
  }
  throw new SnowflakeExtError(
    'config',
    `Connection '${profile.name}' uses OAuth but has no token.`,
    {
      text: `Add token_file_path (or token) to connection '${profile.name}', or set authenticator = "oauth_authorization_code" to sign in with the browser.`,
    },
    'tokenMissing',
  );
}

/** PROGRAMMATIC_ACCESS_TOKEN: token_file_path, token, or the PAT saved with 'Snowflake: Set PAT'. */
export async function programmaticAccessToken(
  ctx: TokenContext,
  profile: ConnectionProfile,
  force = false,
): Promise<HeldToken> {
  const file = await fromFile(ctx, profile, force);
  if (file) return file;
  const inline = stringParam(profile.params, 'token');
  if (inline) return held(ctx, inline, 'token', false);
  const stored = await ctx.secrets.get({ kind: 'pat', id: profile.name });
  if (stored) return held(ctx, stored, 'secretStorage', false);
  throw new SnowflakeExtError(
    'config',
    `Connection '${profile.name}' uses a programmatic access token, but none is set.`,
    {
      text: "Run 'Snowflake: Set PAT', or add token_file_path to the connection.",
      command: 'positSnowflake.setPat',
      commandTitle: 'Set PAT',
    },
    'patMissing',
  );
}
