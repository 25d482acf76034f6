// `posit-snowflake connection remove <name>`: deletes the connection's table from its file (the rest of the file kept).
import { removeConnection } from '../../core/connections/edit/connectionTable';
import { parseArgs, UsageError, type CliIo } from '../io';
import type { CliAuth } from '../cliAuth';

export async function connectionCommand(args: readonly string[], io: CliIo, auth: CliAuth): Promise<number> {
  const [sub, ...rest] = args;
  const { positional } = parseArgs(rest, []);
  if (sub !== 'remove' || positional.length !== 1)
    throw new UsageError('Usage: posit-snowflake connection remove <name>');
  const svc = auth.service;
  // The CLI stores no secrets, so there are none of its own to delete; the editor's are deleted by the editor command.
  const res = await removeConnection(
    {
      getConnection: (n) => svc.getConnection(n),
      reload: () => svc.reload(),
      signOut: (p) => svc.signOut(p),
      setSecret: async () => undefined,
    },
    positional[0]!,
  );
  io.stdout.write(`Connection '${positional[0]!}' removed from ${res.file}.\n`);
  return 0;
}
