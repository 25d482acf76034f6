// A small SQL tokenizer for editor help (completion, hover): identifiers resolved the way Snowflake resolves them,
// with strings and comments skipped, so "what is before the cursor" can be read without a full parser.
//
// Identifier rules (docs.snowflake.com/en/sql-reference/identifiers-syntax): an unquoted identifier starts with a
// letter or underscore and holds letters, digits, underscores and dollar signs, and is stored and resolved in upper
// case; a double-quoted identifier keeps its case and may hold any character, a double quote written as two.

export type TokenKind = 'ident' | 'dot' | 'comma' | 'semicolon' | 'open' | 'close' | 'other';

export interface SqlToken {
  readonly kind: TokenKind;
  /** Offsets into the text: [start, end). */
  readonly start: number;
  readonly end: number;
  /** For identifiers: the name as Snowflake resolves it (unquoted → upper case, quoted → as written). */
  readonly name?: string;
  /** For identifiers: written in double quotes. */
  readonly quoted?: boolean;
  /** For a quoted identifier the cursor is still inside (no closing quote yet). */
  readonly unterminated?: boolean;
  /** For unquoted identifiers: the text as typed (keywords are compared on this, upper-cased). */
  readonly word?: string;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/** Index just past a region that starts at i (string, comment, $$ block), or undefined when none starts there. */
function skipRegion(sql: string, i: number): number | undefined {
  const c = sql[i];
  const n = sql[i + 1];
  if (c === "'") {
    for (let j = i + 1; j < sql.length; j++) {
      if (sql[j] === '\\') j++;
      else if (sql[j] === "'") {
        if (sql[j + 1] === "'") j++;
        else return j + 1;
      }
    }
    return sql.length;
  }
  if (c === '$' && n === '$') {
    const j = sql.indexOf('$$', i + 2);
    return j < 0 ? sql.length : j + 2;
  }
  if ((c === '-' && n === '-') || (c === '/' && n === '/')) {
    const j = sql.indexOf('\n', i);
    return j < 0 ? sql.length : j + 1;
  }
  if (c === '/' && n === '*') {
    const j = sql.indexOf('*/', i + 2);
    return j < 0 ? sql.length : j + 2;
  }
  return undefined;
}

function quotedIdent(sql: string, i: number): SqlToken {
  let name = '';
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] === '"') {
      if (sql[j + 1] === '"') {
        name += '"';
        j++;
        continue;
      }
      return { kind: 'ident', start: i, end: j + 1, name, quoted: true };
    }
    name += sql[j];
  }
  return { kind: 'ident', start: i, end: sql.length, name, quoted: true, unterminated: true };
}

const PUNCT: Record<string, TokenKind> = { '.': 'dot', ',': 'comma', ';': 'semicolon', '(': 'open', ')': 'close' };

/** The tokens of `sql`, strings and comments left out. */
export function tokenize(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const skipped = skipRegion(sql, i);
    if (skipped !== undefined) {
      // A string is a value: kept as one opaque token so "FROM t 'x'" does not read 'x' as an alias.
      if (c === "'" || c === '$') out.push({ kind: 'other', start: i, end: skipped });
      i = skipped;
      continue;
    }
    if (c === '"') {
      const t = quotedIdent(sql, i);
      out.push(t);
      i = t.end;
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql[j]!)) j++;
      const word = sql.slice(i, j);
      out.push({ kind: 'ident', start: i, end: j, name: word.toUpperCase(), quoted: false, word });
      i = j;
      continue;
    }
    out.push({ kind: PUNCT[c] ?? 'other', start: i, end: i + 1 });
    i++;
  }
  return out;
}

/** True when the token is the unquoted keyword `kw` (upper case). */
export function isKeyword(t: SqlToken | undefined, ...kws: readonly string[]): boolean {
  return !!t && t.kind === 'ident' && !t.quoted && kws.includes(t.name!);
}
