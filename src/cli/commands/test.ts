// `posit-snowflake test <name>`: logs in and prints who Snowflake says we are.
import { loginProbe } from '../../core/auth/diagnostics/loginProbe';
import { parseArgs, UsageError, type CliIo, type CliOptions } from '../io';
import type { CliAuth } from '../cliAuth';

export async function testCommand(
  args: readonly string[],
  io: CliIo,
  auth: CliAuth,
  opts: CliOptions,
): Promise<number> {
  const { positional } = parseArgs(args, []);
  if (positional.length !== 1) throw new UsageError('Usage: posit-snowflake test <name>');
  const name = positional[0]!;
  const profile = await auth.service.getConnection(name);
  const who = await loginProbe(auth.service, profile, { silent: true, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  io.stdout.write(
    `Connection '${name}': logged in as ${who.user}, role ${who.role}, warehouse ${who.warehouse ?? '(none)'}.\n`,
  );
  return 0;
}
