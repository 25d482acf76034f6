// Reads the SQL around the cursor for completion and hover: the dotted name being typed (`DB.SCHEMA.par|`), the
// tables the statement refers to with their aliases (FROM / JOIN), and the database and schema that USE statements
// earlier in the file switched to.
import { isKeyword, tokenize, type SqlToken } from './sqlTokens';

/** A table the statement names: its parts as written (1 to 3, resolved names) and its alias, if any. */
export interface TableReference {
  readonly parts: readonly string[];
  readonly alias?: string;
}

export interface NameAtCursor {
  /** The qualifiers before the part being typed, resolved (`sales_db.public.` → ['SALES_DB', 'PUBLIC']). */
  readonly qualifiers: readonly string[];
  /** What is typed of the last part so far (as typed, without a leading quote) and where it starts. */
  readonly partial: string;
  readonly partialStart: number;
  /** The last part was begun with a double quote (so it is matched with its case). */
  readonly quoted: boolean;
}

export interface CompletionContext extends NameAtCursor {
  /** The keyword before the name calls for a table (FROM, JOIN, INTO, UPDATE, TABLE, DESCRIBE...). */
  readonly wantsTable: boolean;
  readonly references: readonly TableReference[];
  /** The database and schema in effect at the cursor after the file's USE statements (undefined: the session's). */
  readonly use: { readonly database?: string; readonly schema?: string };
}

/** Keywords after which a table name comes. */
const TABLE_KEYWORDS = ['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'DESCRIBE', 'DESC', 'TRUNCATE', 'VIEW'];

/** Words that end a FROM list or follow a table without being its alias. */
const NOT_ALIAS = new Set(
  (
    'WHERE JOIN ON INNER LEFT RIGHT FULL OUTER CROSS NATURAL GROUP ORDER LIMIT UNION HAVING QUALIFY USING LATERAL ' +
    'SAMPLE TABLESAMPLE AT BEFORE CHANGES MATCH_RECOGNIZE PIVOT UNPIVOT WINDOW MINUS EXCEPT INTERSECT SET VALUES ' +
    'FETCH OFFSET ASOF SELECT WITH AS'
  ).split(' '),
);

/** The statement's tokens: those between the semicolons around `offset`, comments already left out. */
function statementTokens(tokens: readonly SqlToken[], offset: number): { before: SqlToken[]; all: SqlToken[] } {
  let from = 0;
  let to = tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'semicolon') continue;
    if (t.end <= offset) from = i + 1;
    else {
      to = i;
      break;
    }
  }
  const all = tokens.slice(from, to);
  return { before: all.filter((t) => t.start < offset), all };
}

/** Reads `a.b.c` starting at tokens[i]: the names and the index after the chain. */
function readChain(tokens: readonly SqlToken[], i: number): { parts: string[]; next: number } {
  const parts: string[] = [];
  let j = i;
  while (tokens[j]?.kind === 'ident') {
    parts.push(tokens[j]!.name!);
    if (tokens[j + 1]?.kind === 'dot' && tokens[j + 2]?.kind === 'ident') j += 2;
    else {
      j += 1;
      break;
    }
  }
  return { parts, next: j };
}

/** Tables named after FROM (a comma list) and JOIN, with their aliases; subqueries and functions are skipped. */
export function tableReferences(tokens: readonly SqlToken[]): TableReference[] {
  const out: TableReference[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isKeyword(tokens[i], 'FROM', 'JOIN', 'UPDATE', 'INTO')) continue;
    let j = i + 1;
    for (;;) {
      if (tokens[j]?.kind !== 'ident' || (isKeyword(tokens[j]) && NOT_ALIAS.has(tokens[j]!.name!))) break;
      const { parts, next } = readChain(tokens, j);
      j = next;
      if (tokens[j]?.kind === 'open') break; // a table function such as TABLE(...) or FLATTEN(...)
      if (isKeyword(tokens[j], 'AS')) j++;
      let alias: string | undefined;
      const a = tokens[j];
      if (a?.kind === 'ident' && !(isKeyword(a) && NOT_ALIAS.has(a.name!))) {
        alias = a.name;
        j++;
      }
      if (parts.length >= 1 && parts.length <= 3) out.push(alias ? { parts, alias } : { parts });
      if (tokens[j]?.kind !== 'comma' || !isKeyword(tokens[i], 'FROM')) break;
      j++;
    }
  }
  return out;
}

/** The database and schema the file's USE statements before `offset` switched to. */
function useBefore(tokens: readonly SqlToken[], offset: number): { database?: string; schema?: string } {
  let database: string | undefined;
  let schema: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start >= offset) break;
    if (!isKeyword(t, 'USE') || (i > 0 && tokens[i - 1]!.kind !== 'semicolon')) continue;
    let j = i + 1;
    // USE ROLE / WAREHOUSE / SECONDARY ROLES change nothing of where names resolve.
    if (isKeyword(tokens[j], 'ROLE', 'WAREHOUSE', 'SECONDARY')) continue;
    const kind = isKeyword(tokens[j], 'DATABASE') ? 'database' : isKeyword(tokens[j], 'SCHEMA') ? 'schema' : 'any';
    if (kind !== 'any') j++;
    const { parts } = readChain(tokens, j);
    if (kind === 'database' && parts.length === 1) {
      database = parts[0];
      schema = undefined;
    } else if (parts.length === 2) {
      [database, schema] = parts;
    } else if (kind === 'schema' && parts.length === 1) {
      schema = parts[0];
    } else if (kind === 'any' && parts.length === 1) {
      // `USE x` is `USE DATABASE x` (docs.snowflake.com/en/sql-reference/sql/use).
      database = parts[0];
      schema = undefined;
    }
  }
  return { ...(database ? { database } : {}), ...(schema ? { schema } : {}) };
}

/** The dotted name that ends at `offset` in the statement's tokens. */
function nameAt(before: readonly SqlToken[], offset: number): NameAtCursor & { chainStart: number } {
  let i = before.length - 1;
  const last = before[i];
  let partial = '';
  let partialStart = offset;
  let quoted = false;
  if (last?.kind === 'ident' && last.end >= offset) {
    quoted = !!last.quoted;
    partialStart = last.start;
    partial = quoted
      ? last.name!.slice(0, Math.max(0, offset - last.start - 1))
      : last.word!.slice(0, offset - last.start);
    i--;
  }
  const qualifiers: string[] = [];
  let chainStart = i + 1;
  while (before[i]?.kind === 'dot' && before[i - 1]?.kind === 'ident') {
    qualifiers.unshift(before[i - 1]!.name!);
    chainStart = i - 1;
    i -= 2;
  }
  return { qualifiers, partial, partialStart, quoted, chainStart };
}

const CLAUSES = ['SELECT', 'FROM', 'WHERE', 'ON', 'GROUP', 'ORDER', 'HAVING', 'QUALIFY', 'SET', 'VALUES', 'USING'];

/** The clause keyword (outside parentheses) that the token at `i` is in: a comma after FROM separates tables. */
function clauseOf(tokens: readonly SqlToken[], i: number): string | undefined {
  let depth = 0;
  for (let j = i; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.kind === 'close') depth++;
    else if (t.kind === 'open') depth = Math.max(0, depth - 1);
    else if (depth === 0 && isKeyword(t, ...CLAUSES)) return t.name;
  }
  return undefined;
}

/** What completion needs to know at `offset`, or undefined inside a string or a comment. */
export function completionContextAt(text: string, offset: number): CompletionContext | undefined {
  if (insideStringOrComment(text, offset)) return undefined;
  const tokens = tokenize(text);
  const { before, all } = statementTokens(tokens, offset);
  const at = nameAt(before, offset);
  const { chainStart, ...name } = at;
  return {
    ...name,
    wantsTable:
      isKeyword(before[chainStart - 1], ...TABLE_KEYWORDS) ||
      (before[chainStart - 1]?.kind === 'comma' && clauseOf(before, chainStart - 1) === 'FROM'),
    references: tableReferences(all),
    use: useBefore(tokens, offset),
  };
}

/** True when the offset lies inside a '...' string, a $$ block or a comment. */
export function insideStringOrComment(text: string, offset: number): boolean {
  let i = 0;
  while (i < offset) {
    const c = text[i];
    const n = text[i + 1];
    let end: number | undefined;
    if (c === '"') end = closeAt(text, i + 1, '"');
    else if (c === "'") end = closeAt(text, i + 1, "'");
    else if (c === '$' && n === '$') end = ((j) => (j < 0 ? Infinity : j + 2))(text.indexOf('$$', i + 2));
    else if ((c === '-' && n === '-') || (c === '/' && n === '/'))
      end = ((j) => (j < 0 ? Infinity : j + 1))(text.indexOf('\n', i));
    else if (c === '/' && n === '*') end = ((j) => (j < 0 ? Infinity : j + 2))(text.indexOf('*/', i + 2));
    if (end === undefined) {
      i++;
      continue;
    }
    // A double-quoted identifier being typed is a name, not a string.
    if (end > offset && c !== '"') return true;
    i = end;
  }
  return false;
}

function closeAt(text: string, from: number, quote: string): number {
  for (let j = from; j < text.length; j++) {
    if (quote === "'" && text[j] === '\\') j++;
    else if (text[j] === quote) {
      if (text[j + 1] === quote) j++;
      else return j + 1;
    }
  }
  return Infinity;
}
