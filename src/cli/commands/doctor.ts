// `posit-snowflake doctor [<name>]`: where each connection comes from and what is wrong with it.
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
  const { positional } = parseArgs(args, []);
  const report = await runDoctor(auth.host, auth.service, positional[0], {
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  io.stdout.write(formatDoctorReport(report));
  return report.problemCount === 0 ? 0 : 1;
}
