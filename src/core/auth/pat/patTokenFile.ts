// Where the CLI keeps a PAT it created (it has no secret storage): a new file of its own, mode 0600 in a 0700 folder
// under the Snowflake directory, that the connection names with token_file_path, as the Snowflake clients read it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { SnowflakeExtError } from '../../shared/errors';
import { writeNewPrivateFile } from '../privateFiles';

/** `<snowflake dir>/tokens/<connection>.pat`, the name cut down to characters safe in a file name. */
export function patTokenFileFor(snowflakeDirectory: string, connection: string): string {
  const safe = connection.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || 'snowflake';
  return path.join(snowflakeDirectory, 'tokens', `${safe}.pat`);
}

function exists(file: string): SnowflakeExtError {
  return new SnowflakeExtError(
    'config',
    `The token file ${file} exists already; it was left as it is.`,
    { text: 'Move or delete it if it is no longer used, or give the connection another name (--as NAME).' },
    'tokenFileExists',
  );
}

/** Throws when the file exists, before Snowflake is asked for anything. */
export async function refuseExistingTokenFile(file: string): Promise<void> {
  if (await fsp.lstat(file).catch(() => undefined)) throw exists(file);
}

/** Creates the file with mode 0600; an existing one is refused, never replaced. */
export async function writeNewTokenFile(file: string, secret: string): Promise<void> {
  await writeNewPrivateFile(file, `${secret}\n`, { what: 'token file', exists });
}
