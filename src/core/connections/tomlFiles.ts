// Reads and parses the connection files: permission verdict first, then TOML with the line of any mistake.
// Parse errors name the file and line, never the offending text (it may hold a token).
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { checkFilePermissions } from './filePermissions';
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

/** Where and why a text is not TOML, without the offending text (it may hold a token). */
export interface TomlSyntaxProblem {
  readonly line?: number;
  readonly column?: number;
  readonly reason: string;
}

/** The one TOML parser (smol-toml): the document, or the problem that stopped it. */
export function tryParseToml(text: string): { data: TomlTable } | { problem: TomlSyntaxProblem } {
  try {
    return { data: parse(text) as TomlTable };
  } catch (err) {
    const e = err as { message?: string; line?: number; column?: number };
    // smol-toml's first line says what is wrong; the lines after it quote the text.
    const reason = (e.message ?? 'unreadable').split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    return {
      problem: {
        ...(e.line !== undefined ? { line: e.line } : {}),
        ...(e.column !== undefined ? { column: e.column } : {}),
        reason,
      },
    };
  }
}

/** " at line 3, column 7", or nothing when the parser did not say. */
export function tomlProblemPlace(p: TomlSyntaxProblem): string {
  return p.line !== undefined ? ` at line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}` : '';
}

/** Parses TOML; on failure returns an error diagnostic naming `label` and the line. */
export function parseToml(text: string, label: string, file?: string): { data?: TomlTable; error?: Diagnostic } {
  const parsed = tryParseToml(text);
  if ('data' in parsed) return parsed;
  const { problem } = parsed;
  return {
    error: {
      severity: 'error',
      ...(file ? { file } : {}),
      message: `${label} is not valid TOML${tomlProblemPlace(problem)}: ${problem.reason}. Its connections are not used.`,
      fix: `Fix line ${problem.line ?? '?'} of ${label}.`,
    },
  };
}

function isMissing(err: unknown): boolean {
  return (err as { code?: string })?.code === 'ENOENT';
}

export async function loadToml(host: HostEnvironment, file: string, what: string): Promise<LoadedToml> {
  const st = await host.fs.stat(file);
  if (!st) return { file, present: false, diagnostics: [] };
  if (!st.isFile()) {
    return {
      file,
      present: true,
      diagnostics: [{ severity: 'error', file, message: `${file} is not a file, so it is not used.` }],
    };
  }
  const verdict = await checkFilePermissions(host, file, what);
  if (!verdict.usable) return { file, present: true, diagnostics: verdict.diagnostics };
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
        ...verdict.diagnostics,
        {
          severity: 'error',
          file,
          message: `${file} could not be read (${code}), so it is not used.`,
          fix: `Run: chmod 0600 ${file}`,
        },
      ],
    };
  }
  const parsed = parseToml(text, file, file);
  return {
    file,
    present: true,
    ...(parsed.data ? { data: parsed.data } : {}),
    diagnostics: parsed.error ? [...verdict.diagnostics, parsed.error] : verdict.diagnostics,
  };
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
