// Reads and parses the connection files: permission verdict first, then TOML with the line, column and what was
// expected at any mistake. Parse errors never quote the offending text (it may hold a token).
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { checkFilePermissions, readWarningsSkipped, type PermissionVerdict } from './filePermissions';
import { describeTomlError, tomlPosition, type TomlProblem } from './tomlErrors';
import type { Diagnostic, HostEnvironment } from '../auth/types';

// smol-toml ships ESM types only; its CommonJS build is what the bundle and tsx load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('smol-toml') as typeof SmolToml;

export type TomlTable = Record<string, unknown>;

export interface LoadedToml {
  readonly file: string;
  /** False when the file does not exist. */
  readonly present: boolean;
  /** Parsed content when the file exists, may be used, and parses. */
  readonly data?: TomlTable;
  readonly diagnostics: readonly Diagnostic[];
}

/** The one TOML parser (smol-toml): the document, or where it stopped and what was expected there. */
export function tryParseToml(text: string): { data: TomlTable } | { problem: TomlProblem } {
  try {
    return { data: parse(text) as TomlTable };
  } catch (err) {
    return { problem: describeTomlError(err, text) };
  }
}

/** Parses TOML; on failure returns an error diagnostic naming `label`, the place and what was expected there. */
export function parseToml(text: string, label: string, file?: string): { data?: TomlTable; error?: Diagnostic } {
  const parsed = tryParseToml(text);
  if ('data' in parsed) return parsed;
  const where = tomlPosition(parsed.problem);
  return {
    error: {
      severity: 'error',
      code: 'tomlSyntax',
      ...(file ? { file } : {}),
      message: `${label} is not valid TOML${where ? ` at ${where}` : ''}: ${parsed.problem.expected}. None of its connections can be used until it is fixed.`,
      fix: `Fix ${where || 'the mistake'} of ${label}.`,
    },
  };
}

function isMissing(err: unknown): boolean {
  return (err as { code?: string })?.code === 'ENOENT';
}

/**
 * The Snowflake CLI refuses a group- or other-readable default config.toml / connections.toml (config.py,
 * _check_default_config_files_permissions), and under a skip variable still warns; the connector only warns
 * (config_manager.py read_config). We keep the connector's rule and say what `snow` does (PROTOCOLS §1.6).
 */
function withSnowStrictness(host: HostEnvironment, verdict: PermissionVerdict, file: string): Diagnostic[] {
  const out = verdict.diagnostics.map((d) =>
    d.code === 'fileReadableByOthers'
      ? {
          ...d,
          message: `${d.message} The Python connector and this extension only warn and use it, but the Snowflake CLI (snow) refuses it ("has too wide permissions").`,
        }
      : d,
  );
  if (verdict.readableByOthers && readWarningsSkipped(host.env)) {
    out.push({
      severity: 'info',
      code: 'fileReadableByOthers',
      file,
      message: `${file} is readable by group or others. The skip variable silences the Python connector's warning, but the Snowflake CLI (snow) still warns about it.`,
      fix: `Run: chmod 0600 ${file}`,
    });
  }
  return out;
}

export async function loadToml(
  host: HostEnvironment,
  file: string,
  what: string,
  opts: { snowChecks?: boolean } = {},
): Promise<LoadedToml> {
  const st = await host.fs.stat(file);
  if (!st) return { file, present: false, diagnostics: [] };
  if (!st.isFile()) {
    return {
      file,
      present: true,
      diagnostics: [
        {
          severity: 'error',
          code: 'notAFile',
          file,
          message: `${file} is not a regular file, so it is not used.`,
          fix: `Remove or rename ${file}, and put your connections in a regular file of that name.`,
        },
      ],
    };
  }
  const verdict = await checkFilePermissions(host, file, what);
  const permission =
    opts.snowChecks && host.platform !== 'win32' ? withSnowStrictness(host, verdict, file) : verdict.diagnostics;
  if (!verdict.usable) return { file, present: true, diagnostics: permission };
  let text: string;
  try {
    text = await host.fs.readFile(file);
  } catch (err) {
    if (isMissing(err)) return { file, present: false, diagnostics: [] };
    const code = (err as { code?: string })?.code ?? 'unreadable';
    return {
      file,
      present: true,
      diagnostics: [
        ...permission,
        {
          severity: 'error',
          code: 'fileUnreadable',
          file,
          message: `${file} could not be read (${code}), so it is not used.`,
          fix: `Run: chmod 0600 ${file}`,
        },
      ],
    };
  }
  const parsed = parseToml(text, file, file);
  const diagnostics = [...permission, ...(parsed.error ? [parsed.error] : [])];
  return { file, present: true, ...(parsed.data ? { data: parsed.data } : {}), diagnostics };
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
