// `posit-snowflake token <name> [--ingress <host>] [--role <role>]`: a REST token, or an SPCS ingress token.
import { tokenOfIngressHeader } from '../../core/auth/credentials/ingress';
import { parseArgs, stringOption, UsageError, type CliIo } from '../io';
import type { CliAuth } from '../cliAuth';

export async function tokenCommand(args: readonly string[], io: CliIo, auth: CliAuth): Promise<number> {
  const { positional, options } = parseArgs(args, ['ingress', 'role']);
  if (positional.length !== 1)
    throw new UsageError('Usage: posit-snowflake token <name> [--ingress <host>] [--role <role>]');
  const ingress = stringOption(options, 'ingress');
  const role = stringOption(options, 'role');
  const profile = await auth.service.getConnection(positional[0]!);
  if (ingress) {
    const header = await auth.service.forIngress(profile, ingress, role, { silent: true });
    io.stdout.write(`${tokenOfIngressHeader(header) ?? header}\n`);
    return 0;
  }
  if (role) throw new UsageError('--role applies to --ingress tokens only.');
  const cred = await auth.service.forRest(profile, { silent: true });
  io.stdout.write(`${(cred.headers.Authorization ?? '').replace(/^Bearer\s+/i, '')}\n`);
  return 0;
}
