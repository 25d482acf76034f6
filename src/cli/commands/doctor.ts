// `posit-snowflake doctor [<name>] [--offline]`: where each connection comes from and what is wrong with it.
// --offline checks files, keys and settings only (no login attempt), for scripts and CI.
import { runDoctor } from '../../core/auth/diagnostics/doctor';
import { formatDoctorReport } from '../../core/auth/diagnostics/formatDoctorReport';
import { parseArgs, type CliIo, type CliOptions } from '../io';
import type { CliAuth } from '../cliAuth';

export async function doctorCommand(
  args: readonly string[],
  io: CliIo,
  auth: CliAuth,
  opts: CliOptions,
): Promise<number> {
  const { positional, options } = parseArgs(args, [], ['offline']);
  const report = await runDoctor(auth.host, auth.service, positional[0], {
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(options.offline === true ? { skipLogin: true } : {}),
  });
  io.stdout.write(formatDoctorReport(report));
  return report.problemCount === 0 ? 0 : 1;
}
