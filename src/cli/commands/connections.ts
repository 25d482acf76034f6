// `posit-snowflake connections [--json]`: the connections the Snowflake clients would see.
import { maskedParams } from '../../core/connections/connectionParams';
import { parseArgs, type CliIo } from '../io';
import type { CliAuth } from '../cliAuth';

export async function connectionsCommand(args: readonly string[], io: CliIo, auth: CliAuth): Promise<number> {
  const json = parseArgs(args, [], ['json']).options.json === true;
  const resolved = await auth.service.connections();
  const list = resolved.connections.map((c) => ({
    name: c.name,
    source: c.source,
    file: c.file ?? null,
    default: c.isDefault,
    params: maskedParams(c.params),
  }));
  if (json) io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  else if (list.length === 0) io.stdout.write(`No connections (directory ${resolved.directory}).\n`);
  else
    for (const c of resolved.connections)
      io.stdout.write(
        `${c.isDefault ? '*' : ' '} ${c.name}\t${c.source}\t${c.authenticator.toLowerCase()}\t${c.account}\t${c.file ?? '(environment)'}\n`,
      );
  const errors = resolved.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.stderr.write(`posit-snowflake: ${d.message}${d.fix ? ` ${d.fix}` : ''}\n`);
  // Listing succeeds unless a file itself could not be used; a connection's own problem is for `doctor`.
  return errors.some((d) => d.connection === undefined) ? 1 : 0;
}
