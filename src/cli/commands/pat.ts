// `posit-snowflake pat create <connection>`: a programmatic access token made over the connection's sign-in, from a
// terminal. The CLI keeps no secrets, so the token goes into a new 0600 file the new connection reads with
// token_file_path; the secret is never printed.
import { createPat, type PatCreateResult } from '../../core/auth/pat/patCreation';
import { patDeps } from '../../core/auth/pat/patDeps';
import { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { createSnowflakeSdkDriver } from '../../core/snowflake/snowflakeSdkDriver';
import { nullLogger } from '../../core/shared/logger';
import { parseArgs, stringOption, UsageError, type CliIo, type CliOptions } from '../io';
import type { CliAuth } from '../cliAuth';

const USAGE =
  'Usage: posit-snowflake pat create <connection> [--days N] [--role R] [--name TOKEN] [--as NEW_CONNECTION | --switch]\n';

function days(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--days needs a whole number of days, not "${v}".`);
  return Number(v);
}

function print(io: CliIo, r: PatCreateResult): number {
  const rec = r.record;
  io.stdout.write(
    `Created programmatic access token ${rec.name} for ${rec.user}${rec.role ? `, restricted to role ${rec.role}` : ''}.\n`,
  );
  io.stdout.write(`Expires: ${new Date(rec.expiresAt).toISOString()}\n`);
  if (r.tokenFile) io.stdout.write(`Token file: ${r.tokenFile} (mode 0600)\n`);
  io.stdout.write(`Connection '${r.connection}' written to ${r.connectionsFile}.\n`);
  if (r.login) {
    io.stdout.write(`Logged in with it as ${r.login.user}, role ${r.login.role}.\n`);
    return 0;
  }
  io.stderr.write(`Signing in with the new token failed: ${r.loginError ?? ''}\n`);
  return 1;
}

export async function patCommand(args: readonly string[], io: CliIo, auth: CliAuth, opts: CliOptions): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, options } = parseArgs(rest, ['days', 'role', 'name', 'as'], ['switch']);
  if (sub !== 'create' || positional.length !== 1) throw new UsageError(USAGE);
  const connection = positional[0]!;
  const as = stringOption(options, 'as');
  if (as && options.switch) throw new UsageError(`--as and --switch exclude each other.\n${USAGE}`);
  const logger = opts.logger ?? nullLogger;
  const sessions = new SqlSessionManager({ auth: auth.service, driver: createSnowflakeSdkDriver(logger), logger });
  const deps = patDeps(auth.service, sessions, { ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const role = stringOption(options, 'role');
  const name = stringOption(options, 'name');
  const d = days(stringOption(options, 'days'));
  try {
    const r = await createPat(deps, {
      connection,
      tokenFile: true,
      ...(options.switch
        ? { target: { kind: 'update', name: connection } }
        : as
          ? { target: { kind: 'new', name: as } }
          : {}),
      ...(role ? { role } : {}),
      ...(name ? { name } : {}),
      ...(d !== undefined ? { days: d } : {}),
    });
    return print(io, r);
  } finally {
    sessions.dispose();
  }
}
