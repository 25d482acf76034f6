// Edits a user's connections.toml / config.toml as text: appends one table or patches one key in place, so their
// formatting and comments survive byte for byte; every edit is re-parsed and checked before it is handed back.
import { SnowflakeExtError } from '../../shared/errors';
import { scanTomlStatements, type TomlKeyValue, type TomlStatement } from './tomlStatements';
import { OPEN_FILE_FIX } from './tomlFileWriter';
import { isTable, tryParseToml, type TomlTable } from '../tomlFiles';
import { tomlPosition } from '../tomlErrors';

export type TomlScalar = string | number | boolean;

const BARE = /^[A-Za-z0-9_-]+$/;

/** A key as TOML needs it written: bare when it can be, else a quoted basic string. */
export function formatTomlKey(key: string): string {
  return BARE.test(key) ? key : formatTomlValue(key);
}

export function formatTomlValue(value: TomlScalar): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new SnowflakeExtError('internal', `Only whole numbers can be written to a connection file, not ${value}.`);
    return String(value);
  }
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Checks a connection name the user typed; returns it, or throws a config error saying what is wrong. */
export function validateConnectionName(name: string): string {
  if (name.trim() === '')
    throw new SnowflakeExtError('config', 'A connection needs a name.', {
      text: 'Type a name such as "prod" or "my_account".',
    });
  if (name !== name.trim())
    throw new SnowflakeExtError('config', `The connection name "${name}" starts or ends with spaces.`, {
      text: 'Remove the spaces.',
    });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new SnowflakeExtError('config', 'The connection name contains a control character.', {
      text: 'Use letters, digits, "_" or "-".',
    });
  if (name.length > 200)
    throw new SnowflakeExtError('config', 'The connection name is longer than 200 characters.', {
      text: 'Choose a shorter name.',
    });
  return name;
}

/** Parses TOML or throws a config error that names the file and the line. */
export function parseTomlText(text: string, file: string): TomlTable {
  const parsed = tryParseToml(text);
  if ('data' in parsed) return parsed.data;
  const where = tomlPosition(parsed.problem);
  throw new SnowflakeExtError(
    'config',
    `${file} is not valid TOML${where ? ` at ${where}` : ''}: ${parsed.problem.expected}. It was left unchanged.`,
    {
      text: `Fix that line first. ${OPEN_FILE_FIX.text}`,
      command: OPEN_FILE_FIX.command,
      commandTitle: OPEN_FILE_FIX.commandTitle,
    },
  );
}

function newline(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lookup(doc: TomlTable, path: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const part of path) cur = isTable(cur) ? cur[part] : undefined;
  return cur;
}

/** Deep equality that ignores key order (a parsed table's key order depends on where sub-tables are written). */
function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isTable(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isTable(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v; // scalars and dates are never mutated
}

/** A copy of the parsed document with one key of one table set (or deleted), creating missing parent tables. */
export function withKey(doc: TomlTable, tablePath: readonly string[], key: string, value: unknown): TomlTable {
  const copy = deepCopy(doc) as TomlTable;
  let cur: TomlTable = copy;
  for (const part of tablePath) {
    if (!isTable(cur[part])) cur[part] = {};
    cur = cur[part] as TomlTable;
  }
  if (value === undefined) delete cur[key];
  else cur[key] = value;
  return copy;
}

/** The edit re-parsed and compared with what was meant; a scanner slip becomes an error, never a damaged file. */
export function verify(result: string, file: string, expected: TomlTable): string {
  const after = tryParseToml(result);
  if (!('data' in after) || !sameValue(after.data, expected)) {
    throw new SnowflakeExtError(
      'internal',
      `Could not edit ${file} safely (its layout is unusual). It was left unchanged.`,
      OPEN_FILE_FIX,
    );
  }
  return result;
}

export interface AppendOptions {
  /** Where the connection tables live: [] in connections.toml, ['connections'] in config.toml. */
  readonly tablePrefix?: readonly string[];
  /** For messages. */
  readonly file?: string;
}

/**
 * Appends `[name]` (or `[connections.name]`) with `params` to the text. The original text is kept as the exact prefix
 * of the result. Refuses a name that exists already, including one that differs only in case (the SNOWFLAKE_CONNECTIONS_
 * <NAME>_<KEY> overrides upper-case names, so two such connections could not be told apart).
 */
export function appendConnection(
  text: string,
  name: string,
  params: Readonly<Record<string, TomlScalar | undefined>>,
  opts: AppendOptions = {},
): string {
  const file = opts.file ?? 'connections.toml';
  const prefix = opts.tablePrefix ?? [];
  validateConnectionName(name);
  const doc = parseTomlText(text, file);
  const container = lookup(doc, prefix);
  if (container !== undefined && !isTable(container)) {
    throw new SnowflakeExtError(
      'config',
      `${file} defines "${prefix.join('.')}" as something other than a table, so a connection cannot be added to it.`,
      OPEN_FILE_FIX,
    );
  }
  const existing = Object.keys(container ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  if (existing !== undefined) {
    const what =
      existing === name
        ? `A connection named "${name}" already exists`
        : `A connection named "${existing}" already exists (the names differ only in case)`;
    throw new SnowflakeExtError('config', `${what} in ${file}. Nothing was changed.`, {
      ...OPEN_FILE_FIX,
      text: "Choose another name, or edit the existing connection with 'Snowflake: Open Connections File'.",
    });
  }
  const nl = newline(text);
  const lines = [`[${[...prefix, name].map(formatTomlKey).join('.')}]`];
  const written: TomlTable = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    lines.push(`${formatTomlKey(key)} = ${formatTomlValue(value)}`);
    written[key] = value;
  }
  // One blank line between the user's last line and the new table, whatever their file ended with.
  let sep = '';
  if (text.length > 0 && !text.endsWith('\n')) sep = nl + nl;
  else if (text.length > 0 && !/\n[ \t\r]*\n$/.test(text)) sep = nl;
  const result = `${text}${sep}${lines.join(nl)}${nl}`;
  return verify(result, file, withKey(doc, prefix, name, written));
}

/** The statements of one table: from its header (exclusive) to the next header. */
export function tableBody(
  statements: readonly TomlStatement[],
  path: readonly string[],
): { header: number; from: number; to: number } | undefined {
  const header = statements.findIndex((s) => s.kind === 'table' && !s.array && sameValue(s.path, path));
  if (header < 0) return undefined;
  let to = header + 1;
  while (to < statements.length && statements[to]?.kind !== 'table') to++;
  return { header, from: header + 1, to };
}

function findKey(
  statements: readonly TomlStatement[],
  from: number,
  to: number,
  key: string,
): TomlKeyValue | undefined {
  for (let i = from; i < to; i++) {
    const s = statements[i];
    if (s?.kind === 'keyValue' && s.path.length === 1 && s.path[0] === key) return s;
  }
  return undefined;
}

/** Offset after the last key/value line in [from, to), or after the header when the table has none. */
function insertionPoint(statements: readonly TomlStatement[], from: number, to: number, fallback: number): number {
  let at = fallback;
  for (let i = from; i < to; i++) {
    const s = statements[i];
    if (s?.kind === 'keyValue') at = s.end;
  }
  return at;
}

function ensureLineEnd(text: string, at: number, nl: string): { text: string; at: number } {
  if (at > 0 && at === text.length && !text.endsWith('\n')) return { text: text + nl, at: at + nl.length };
  return { text, at };
}

/** Replaces, inserts or (value undefined) removes one key in a statement range. */
function patchKey(
  text: string,
  statements: readonly TomlStatement[],
  range: { from: number; to: number },
  fallback: number,
  key: string,
  value: TomlScalar | undefined,
  file: string,
): string {
  const nl = newline(text);
  const found = findKey(statements, range.from, range.to, key);
  if (found) {
    if (found.multiline)
      throw new SnowflakeExtError(
        'config',
        `"${key}" in ${file} spans several lines, so it was not changed.`,
        OPEN_FILE_FIX,
      );
    if (value === undefined) return text.slice(0, found.start) + text.slice(found.end);
    return text.slice(0, found.valueStart) + formatTomlValue(value) + text.slice(found.valueEnd);
  }
  if (value === undefined) return text;
  const fixed = ensureLineEnd(text, insertionPoint(statements, range.from, range.to, fallback), nl);
  return `${fixed.text.slice(0, fixed.at)}${formatTomlKey(key)} = ${formatTomlValue(value)}${nl}${fixed.text.slice(fixed.at)}`;
}

/**
 * Sets (or, with `value` undefined, removes) one key of one table, e.g. `role` of `[prod]` or of
 * `[connections.prod]`, rewriting only that line. The table must be written as its own `[header]`.
 */
export function setTableKey(
  text: string,
  tablePath: readonly string[],
  key: string,
  value: TomlScalar | undefined,
  file = 'connections.toml',
): string {
  const doc = parseTomlText(text, file);
  const table = lookup(doc, tablePath);
  const label = tablePath.map(formatTomlKey).join('.');
  if (!isTable(table)) throw new SnowflakeExtError('notFound', `${file} has no [${label}] table.`, OPEN_FILE_FIX);
  const statements = scanTomlStatements(text);
  const body = tableBody(statements, tablePath);
  if (!body)
    throw new SnowflakeExtError(
      'config',
      `[${label}] in ${file} is not written as its own table, so it was not changed.`,
      OPEN_FILE_FIX,
    );
  const headerEnd = statements[body.header]?.end ?? text.length;
  const result = patchKey(text, statements, body, headerEnd, key, value, file);
  return verify(result, file, withKey(doc, tablePath, key, value));
}

/**
 * Sets a top-level key of config.toml (e.g. `default_connection_name`), which must come before any table to be
 * top-level. An existing top-level line is rewritten in place; otherwise the line goes after the last top-level key,
 * or before the first table (above the comment block attached to it, followed by a blank line).
 */
export function setTopLevelKey(text: string, key: string, value: TomlScalar, file = 'config.toml'): string {
  const doc = parseTomlText(text, file);
  const statements = scanTomlStatements(text);
  let firstTable = statements.findIndex((s) => s.kind === 'table');
  if (firstTable < 0) firstTable = statements.length;
  const topLevelKeys = statements.slice(0, firstTable).some((s) => s.kind === 'keyValue');
  let result: string;
  if (topLevelKeys || firstTable === statements.length) {
    result = patchKey(text, statements, { from: 0, to: firstTable }, text.length, key, value, file);
  } else {
    let i = firstTable - 1;
    while (i >= 0 && statements[i]?.kind === 'comment') i--;
    const at = statements[i + 1]?.start ?? 0;
    const nl = newline(text);
    result = `${text.slice(0, at)}${formatTomlKey(key)} = ${formatTomlValue(value)}${nl}${nl}${text.slice(at)}`;
  }
  return verify(result, file, withKey(doc, [], key, value));
}

export { editTomlFile, type AtomicWriteIo, type EditFileResult } from './tomlFileWriter';
