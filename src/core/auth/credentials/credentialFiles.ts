// Reads the small files credentials live in (private keys, token files): only regular files, never more than a
// credential can hold, with errors that say what is wrong with the file (no chmod advice for a device or a folder).
import { SnowflakeExtError } from '../../shared/errors';
import type { HostEnvironment } from '../types';

/** A PEM private key (RSA 8192 is under 7 KB) or a token (OAuth tokens and PATs are a few KB) fits many times. */
export const CREDENTIAL_FILE_MAX_BYTES = 64 * 1024;

export interface CredentialFileUse {
  /** "The private key file /k.p8 (private_key_file of connection 'c')" */
  readonly label: string;
  /** "private key" or "token" */
  readonly holds: string;
  /** What to change: "Fix private_key_file in connection 'c'." */
  readonly fixPath: string;
  /** Error code prefix: 'keyFile' or 'tokenFile'. */
  readonly code: string;
}

function kindOf(st: { isDirectory(): boolean }): string {
  return st.isDirectory() ? 'a folder' : 'a pipe, socket or device';
}

/** Refuses anything but a regular file before it is opened (a pipe would hang, a device never end). */
export function notRegularFile(
  use: CredentialFileUse,
  st: { isFile(): boolean; isDirectory(): boolean },
): SnowflakeExtError | undefined {
  if (st.isFile()) return undefined;
  return new SnowflakeExtError(
    'config',
    `${use.label} is not a regular file (it is ${kindOf(st)}).`,
    { text: `${use.fixPath} It must name the file that holds the ${use.holds}.` },
    `${use.code}NotRegular`,
  );
}

/** The file's text, read with the cap; every failure is a config error naming the file. */
export async function readCredentialFile(host: HostEnvironment, file: string, use: CredentialFileUse): Promise<string> {
  try {
    return await host.fs.readFile(file, { maxBytes: CREDENTIAL_FILE_MAX_BYTES });
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unreadable';
    if (code === 'ENOTREG' || code === 'EISDIR') {
      const st = await host.fs.stat(file);
      throw notRegularFile(use, st ?? { isFile: () => false, isDirectory: () => code === 'EISDIR' })!;
    }
    if (code === 'EFBIG') {
      throw new SnowflakeExtError(
        'config',
        `${use.label} is larger than ${CREDENTIAL_FILE_MAX_BYTES / 1024} KiB, far more than a ${use.holds} takes, so it is not read.`,
        { text: `${use.fixPath} It must name the file that holds the ${use.holds}.` },
        `${use.code}TooLarge`,
      );
    }
    const denied = code === 'EACCES' || code === 'EPERM';
    throw new SnowflakeExtError(
      'config',
      `${use.label} could not be read (${code}).`,
      { text: denied ? `Make it readable by you: chmod 0600 ${file}` : `Check the file, then try again.` },
      `${use.code}Unreadable`,
    );
  }
}
