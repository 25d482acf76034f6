// Splits a SQL script into statements at semicolons that are outside strings, quoted identifiers, comments and
// $$ blocks, keeping where each statement starts (0-based line and column) so errors can be marked in the editor.
//
// The lexical rules are Snowflake's (docs.snowflake.com/en/sql-reference/data-types-text, "Escape sequences in
// single-quoted string constants" and "Dollar-quoted string constants"; docs.snowflake.com/en/sql-reference/
// identifiers-syntax for "..." with "" inside): '...' with '' or a backslash escape, $$...$$ with no escapes,
// comments as --, // (to the end of the line) and /* ... */ (snowflake-connector-python's split_statements in
// util_text.py treats the same three comment forms and $$ blocks as statement text, not separators).

export interface SqlStatement {
  /** The statement's text without the separating semicolon, trimmed of surrounding whitespace. */
  readonly text: string;
  /** Offsets into the script: [start, end) of `text`. */
  readonly start: number;
  readonly end: number;
  /** 0-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
}

type Mode = 'code' | 'single' | 'double' | 'dollar' | 'line' | 'block';

/** Index just past the token that starts at i in `mode` 'code', and the mode it enters. */
function opener(sql: string, i: number): { mode: Mode; width: number } | undefined {
  const c = sql[i];
  const n = sql[i + 1];
  if (c === "'") return { mode: 'single', width: 1 };
  if (c === '"') return { mode: 'double', width: 1 };
  if (c === '$' && n === '$') return { mode: 'dollar', width: 2 };
  if ((c === '-' && n === '-') || (c === '/' && n === '/')) return { mode: 'line', width: 2 };
  if (c === '/' && n === '*') return { mode: 'block', width: 2 };
  return undefined;
}

/** Index just past the end of the quoted/comment region that began before i, or sql.length if it never ends. */
function closer(sql: string, i: number, mode: Exclude<Mode, 'code'>): number {
  switch (mode) {
    case 'single':
      for (let j = i; j < sql.length; j++) {
        if (sql[j] === '\\') j++;
        else if (sql[j] === "'") {
          if (sql[j + 1] === "'") j++;
          else return j + 1;
        }
      }
      return sql.length;
    case 'double':
      for (let j = i; j < sql.length; j++) {
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') j++;
          else return j + 1;
        }
      }
      return sql.length;
    case 'dollar': {
      const j = sql.indexOf('$$', i);
      return j < 0 ? sql.length : j + 2;
    }
    case 'line': {
      const j = sql.indexOf('\n', i);
      return j < 0 ? sql.length : j + 1;
    }
    case 'block': {
      const j = sql.indexOf('*/', i);
      return j < 0 ? sql.length : j + 2;
    }
  }
}

/** True when the text holds nothing but whitespace and comments (nothing to send). */
function onlyComments(sql: string): boolean {
  let i = 0;
  while (i < sql.length) {
    if (/\s/.test(sql[i] ?? '')) {
      i++;
      continue;
    }
    const o = opener(sql, i);
    if (!o || (o.mode !== 'line' && o.mode !== 'block')) return false;
    i = closer(sql, i + o.width, o.mode);
  }
  return true;
}

function positionAt(sql: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (sql[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

function piece(sql: string, from: number, to: number): SqlStatement | undefined {
  const raw = sql.slice(from, to);
  if (onlyComments(raw)) return undefined;
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  const start = from + lead;
  return { text, start, end: start + text.length, ...positionAt(sql, start) };
}

/** The script's statements in order; empty ones (only whitespace or comments between semicolons) are left out. */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    if (sql[i] === ';') {
      const s = piece(sql, from, i);
      if (s) out.push(s);
      from = ++i;
      continue;
    }
    const o = opener(sql, i);
    i = o ? closer(sql, i + o.width, o.mode as Exclude<Mode, 'code'>) : i + 1;
  }
  const last = piece(sql, from, sql.length);
  if (last) out.push(last);
  return out;
}

/** The statement the cursor (an offset) is in: the one whose span, with its semicolon, holds it, else the next one. */
export function statementAt(sql: string, offset: number): SqlStatement | undefined {
  const all = splitStatements(sql);
  const containing = all.find((s) => offset >= s.start && offset <= s.end + 1);
  if (containing) return containing;
  // Between statements: the one before the cursor on the same line, else the next one, else the last.
  return all.find((s) => s.start >= offset) ?? all[all.length - 1];
}
