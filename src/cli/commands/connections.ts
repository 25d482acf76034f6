// `posit-snowflake connections [--json]`: every connection the Snowflake clients would list, usable or not, with the
// sign-in method that will be used and, for each, the problems that make using it fail.
import { maskedParams } from '../../core/connections/secretParams';
import { parseArgs, type CliIo } from '../io';
import type { CliAuth } from '../cliAuth';
import type { ListedConnection } from '../../core/auth/types';

function jsonOf(c: ListedConnection): Record<string, unknown> {
  return {
    name: c.name,
    source: c.source,
    file: c.file ?? null,
    default: c.isDefault,
    authenticator: c.authenticator ?? null,
    params: maskedParams(c.params),
    errors: c.errors.map((e) => ({ code: e.code, message: e.message, fix: e.fix })),
  };
}

function lineOf(c: ListedConnection): string {
  const state = c.profile
    ? `${(c.authenticator ?? '').toLowerCase()}\t${c.profile.account}`
    : `unusable: ${c.errors[0]?.message ?? 'see doctor'}`;
  return `${c.isDefault ? '*' : ' '} ${c.name}\t${c.source}\t${state}\t${c.file ?? '(environment)'}\n`;
}

export async function connectionsCommand(args: readonly string[], io: CliIo, auth: CliAuth): Promise<number> {
  const json = parseArgs(args, [], ['json']).options.json === true;
  const resolved = await auth.service.connections();
  if (json) io.stdout.write(`${JSON.stringify(resolved.listed.map(jsonOf), null, 2)}\n`);
  else if (resolved.listed.length === 0) io.stdout.write(`No connections (directory ${resolved.directory}).\n`);
  else for (const c of resolved.listed) io.stdout.write(lineOf(c));
  // A connection's own problems are in its entry; problems of the files themselves go to stderr and fail the listing.
  // A missing default does not: the clients list the connections all the same.
  const fileErrors = resolved.diagnostics.filter(
    (d) => d.severity === 'error' && d.connection === undefined && d.code !== 'defaultNotFound',
  );
  for (const d of fileErrors) io.stderr.write(`posit-snowflake: ${d.message}${d.fix ? ` ${d.fix}` : ''}\n`);
  return fileErrors.length > 0 ? 1 : 0;
}
