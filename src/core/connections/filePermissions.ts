// File permission checks of the Snowflake clients (PROTOCOLS §1.6): writable by others is an error (the file is
// not used), readable by others or owned by someone else is a warning unless a skip variable says otherwise.
import type { Diagnostic, HostEnvironment } from '../auth/types';

const SKIP_VARIABLES = [
  'SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
  'SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
  'SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE',
];

export function readWarningsSkipped(env: HostEnvironment['env']): boolean {
  return SKIP_VARIABLES.some((v) => (env[v] ?? '').trim().toLowerCase() === 'true');
}

export interface PermissionVerdict {
  /** False when the file must not be used (writable by group or others). */
  readonly usable: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** Checks one file; `what` names it for the user ("connections file", "token file", "private key"). */
export async function checkFilePermissions(
  host: HostEnvironment,
  file: string,
  what: string,
  opts: { writableIsError?: boolean } = {},
): Promise<PermissionVerdict> {
  if (host.platform === 'win32') return { usable: true, diagnostics: [] };
  const st = await host.fs.stat(file);
  // Modes of a folder or device say nothing about a credential (and "chmod 0600 /dev/zero" would harm the system);
  // using such a path fails later with "is not a regular file".
  if (!st || !st.isFile()) return { usable: true, diagnostics: [] };
  const fix = `Run: chmod 0600 ${file}`;
  if (st.mode & 0o022 && opts.writableIsError === false) {
    return {
      usable: true,
      diagnostics: [
        {
          severity: 'warning',
          file,
          message: `The ${what} ${file} is writable by group or others (mode ${octal(st.mode)}).`,
          fix,
        },
      ],
    };
  }
  if (st.mode & 0o022) {
    return {
      usable: false,
      diagnostics: [
        {
          severity: 'error',
          file,
          message: `The ${what} ${file} is writable by group or others (mode ${octal(st.mode)}), so it is not used: anyone could change your connection.`,
          fix,
        },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  if (!readWarningsSkipped(host.env)) {
    if (st.mode & 0o044) {
      diagnostics.push({
        severity: 'warning',
        file,
        message: `The ${what} ${file} is readable by group or others (mode ${octal(st.mode)}).`,
        fix,
      });
    }
    if (host.uid !== undefined && st.uid !== host.uid) {
      diagnostics.push({
        severity: 'warning',
        file,
        message: `The ${what} ${file} is owned by another user (uid ${st.uid}).`,
        fix: `Make it yours: chown $(id -u) ${file}; chmod 0600 ${file}`,
      });
    }
  }
  return { usable: true, diagnostics };
}
