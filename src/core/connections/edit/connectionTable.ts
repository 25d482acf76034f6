// Remove Connection and Edit Connection without the prompts: delete one connection's table, or change values in it,
// leaving every other byte of the user's file (comments, other tables) as it was; the file stays 0600.
import {
  editTomlFile,
  formatTomlKey,
  lookup,
  parseTomlText,
  setTableKey,
  tableBody,
  verify,
  withKey,
  type EditFileResult,
  type TomlScalar,
} from './connectionsFileEditor';
import { scanTomlStatements } from './tomlStatements';
import { isTable } from '../tomlFiles';
import { OPEN_FILE_FIX } from './tomlFileWriter';
import type { AuthService, ConnectionProfile } from '../../auth/types';
import type { ConnectionSecretKind, ConnectionSecretWriter } from '../../auth/secretWriter';
import { SnowflakeExtError } from '../../shared/errors';

/** Where a connection's table is: `[name]` in connections.toml, `[connections.name]` in config.toml. */
export function connectionTable(profile: ConnectionProfile): { file: string; path: string[] } {
  if (!profile.file || (profile.source !== 'connections.toml' && profile.source !== 'config.toml')) {
    const where = profile.source === 'workbench' ? 'Posit Workbench manages it' : 'it comes from the environment';
    throw new SnowflakeExtError(
      'notSupported',
      `Connection "${profile.name}" is not in a file this can edit (${where}).`,
      {
        text:
          profile.source === 'workbench'
            ? 'Change it in Posit Workbench.'
            : 'Change the SNOWFLAKE_CONNECTIONS or SNOWFLAKE_CONNECTIONS_* variables it comes from.',
      },
    );
  }
  return {
    file: profile.file,
    path: profile.source === 'config.toml' ? ['connections', profile.name] : [profile.name],
  };
}

/** The text without the table: its header and lines up to its last key (comments that lead into the next table stay). */
export function removeTable(text: string, tablePath: readonly string[], file = 'connections.toml'): string {
  const doc = parseTomlText(text, file);
  const label = tablePath.map(formatTomlKey).join('.');
  if (!isTable(lookup(doc, tablePath)))
    throw new SnowflakeExtError('notFound', `${file} has no [${label}] table. Nothing was changed.`, OPEN_FILE_FIX);
  const statements = scanTomlStatements(text);
  const body = tableBody(statements, tablePath);
  if (!body)
    throw new SnowflakeExtError(
      'config',
      `[${label}] in ${file} is not written as its own table, so it was not removed.`,
      OPEN_FILE_FIX,
    );
  let last = body.header;
  for (let i = body.from; i < body.to; i++) if (statements[i]?.kind === 'keyValue') last = i;
  let end = last + 1;
  while (end < body.to && statements[end]?.kind === 'blank') end++;
  const to = end < statements.length ? statements[end]!.start : text.length;
  // The last table takes the blank lines above it along (the separator an append put there), not any comment.
  let first = body.header;
  while (to === text.length && first > 0 && statements[first - 1]?.kind === 'blank') first--;
  const from = statements[first]!.start;
  const expected = withKey(doc, tablePath.slice(0, -1), tablePath[tablePath.length - 1]!, undefined);
  return verify(text.slice(0, from) + text.slice(to), file, expected);
}

/** Sets (undefined: removes) several keys of one table, each rewritten on its own line. */
export function setTableValues(
  text: string,
  tablePath: readonly string[],
  values: Readonly<Record<string, TomlScalar | undefined>>,
  file = 'connections.toml',
): string {
  let out = text;
  for (const [key, value] of Object.entries(values)) out = setTableKey(out, tablePath, key, value, file);
  return out;
}

const SECRET_KINDS: readonly ConnectionSecretKind[] = ['keyPassphrase', 'pat', 'oauthClientSecret'];

/** Deletes the connection's table, then its secrets (stored passphrase, PAT, OAuth sign-in) through the auth service. */
export async function removeConnection(
  auth: Pick<AuthService, 'getConnection' | 'reload' | 'signOut'> & ConnectionSecretWriter,
  name: string,
): Promise<EditFileResult> {
  const profile = await auth.getConnection(name);
  const table = connectionTable(profile);
  const res = await editTomlFile(table.file, (text) => removeTable(text, table.path, table.file));
  await auth.signOut(profile);
  for (const kind of SECRET_KINDS) await auth.setSecret(name, kind, undefined);
  await auth.reload();
  return res;
}

/** Changes values of one connection's table (undefined removes the key); secrets are refused here. */
export async function editConnection(
  auth: Pick<AuthService, 'getConnection' | 'reload'>,
  name: string,
  values: Readonly<Record<string, TomlScalar | undefined>>,
): Promise<EditFileResult> {
  const secret = Object.keys(values).find((k) => /password|passphrase|token$|secret|_pwd$/i.test(k));
  if (secret)
    throw new SnowflakeExtError('config', `"${secret}" is a secret, so it is not written to the connections file.`, {
      text: "Use 'Snowflake: Set Key Passphrase' or 'Snowflake: Set PAT' to keep it in the editor's secret storage.",
    });
  const table = connectionTable(await auth.getConnection(name));
  const res = await editTomlFile(table.file, (text) => setTableValues(text, table.path, values, table.file));
  await auth.reload();
  return res;
}
