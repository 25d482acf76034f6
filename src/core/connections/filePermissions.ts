// File permission checks of the Snowflake clients (PROTOCOLS §1.6): writable by others is an error (the file is
// not used), readable by others or owned by someone else is a warning unless a skip variable says otherwise.
import type { Diagnostic, HostEnvironment } from '../auth/types';

// snowflake-connector-python config_manager.py (_should_skip_warning_for_read_permissions_on_config_file): the public
// variable decides whenever it is set, then the one SPCS injects, then the deprecated one (with a warning). Values
// are compared as `value.lower() == "true"`, so " true" or "1" do not skip. Cases: test/unit/test_configmanager.py
// (TestShouldSkipWarningForReadPermissions).
export const SKIP_VARIABLE = 'SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION';
export const SPCS_SKIP_VARIABLE = 'SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION';
export const DEPRECATED_SKIP_VARIABLE = 'SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE';

export interface SkipDecision {
  readonly skip: boolean;
  /** The variable that decided, if any. */
  readonly by?: string;
}

export function readWarningSkip(env: HostEnvironment['env']): SkipDecision {
  for (const name of [SKIP_VARIABLE, SPCS_SKIP_VARIABLE, DEPRECATED_SKIP_VARIABLE]) {
    const value = env[name];
    if (value !== undefined) return { skip: value.toLowerCase() === 'true', by: name };
  }
  return { skip: false };
}

export function readWarningsSkipped(env: HostEnvironment['env']): boolean {
  return readWarningSkip(env).skip;
}

/** The connector's deprecation warning, when the deprecated variable is the one that decides. */
export function skipVariableDiagnostics(env: HostEnvironment['env']): Diagnostic[] {
  if (readWarningSkip(env).by !== DEPRECATED_SKIP_VARIABLE) return [];
  return [
    {
      severity: 'warning',
      code: 'deprecatedSkipVariable',
      message: `${DEPRECATED_SKIP_VARIABLE} is deprecated (the Python connector warns about it); ${SKIP_VARIABLE} replaces it.`,
      fix: `Set ${SKIP_VARIABLE}=${env[DEPRECATED_SKIP_VARIABLE]} instead of ${DEPRECATED_SKIP_VARIABLE}.`,
    },
  ];
}

export interface PermissionVerdict {
  /** False when the file must not be used (writable by group or others). */
  readonly usable: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Readable by group or others (whether or not the warning was skipped). */
  readonly readableByOthers?: boolean;
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
          code: 'fileWritableByOthers',
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
          code: 'fileWritableByOthers',
          file,
          message: `The ${what} ${file} is writable by group or others (mode ${octal(st.mode)}), so it is not used: anyone could change your connection.`,
          fix,
        },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const readableByOthers = (st.mode & 0o044) !== 0;
  if (!readWarningsSkipped(host.env)) {
    if (readableByOthers) {
      diagnostics.push({
        severity: 'warning',
        code: 'fileReadableByOthers',
        file,
        message: `The ${what} ${file} is readable by group or others (mode ${octal(st.mode)}).`,
        fix,
      });
    }
    // The connector warns only when the owner is neither root nor the current user (config_manager.py read_config).
    if (host.uid !== undefined && st.uid !== host.uid && st.uid !== 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'fileOwnedByOther',
        file,
        message: `The ${what} ${file} is owned by another user (uid ${st.uid}).`,
        fix: `Make it yours: chown $(id -u) ${file}; chmod 0600 ${file}`,
      });
    }
  }
  return { usable: true, diagnostics, readableByOthers };
}
