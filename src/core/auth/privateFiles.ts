// New files that hold a secret (a private key, a token): created with mode 0600 in a 0700 folder, never replacing an
// existing file, and every failure said in the person's words.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { SnowflakeExtError } from '../shared/errors';

export interface PrivateFileKind {
  /** "key file", "token file". */
  readonly what: string;
  /** The error for a file that is already there. */
  readonly exists: (file: string) => SnowflakeExtError;
}

/** Creates the file with mode 0600; an existing one is refused, never replaced. */
export async function writeNewPrivateFile(file: string, text: string, kind: PrivateFileKind): Promise<void> {
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fsp.writeFile(file, text, { mode: 0o600, flag: 'wx' });
    await fsp.chmod(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw kind.exists(file);
    throw new SnowflakeExtError(
      'config',
      `Could not write the ${kind.what} ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      { text: 'Check that you can write to that folder, then try again.' },
      undefined,
      { cause: err },
    );
  }
}
