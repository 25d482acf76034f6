// Splits TOML text into statements (table headers, key/value lines, comments, blanks) with their exact offsets, so an
// editor can patch one line of a user's file and leave every other byte alone. It locates; smol-toml validates.

export interface TomlStatementBase {
  /** Offset of the start of the statement's first line. */
  readonly start: number;
  /** Offset just after the statement's terminating newline (or the end of the text). */
  readonly end: number;
}

export interface TomlHeader extends TomlStatementBase {
  readonly kind: 'table';
  readonly path: readonly string[];
  /** `[[name]]` (array of tables). */
  readonly array: boolean;
}

export interface TomlKeyValue extends TomlStatementBase {
  readonly kind: 'keyValue';
  /** The key as written, dotted keys split and quotes removed. */
  readonly path: readonly string[];
  /** Offsets of the value itself (no surrounding spaces, no trailing comment). */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** The value spans several lines (multi-line string, array or inline table). */
  readonly multiline: boolean;
}

export interface TomlTrivia extends TomlStatementBase {
  readonly kind: 'blank' | 'comment';
}

export type TomlStatement = TomlHeader | TomlKeyValue | TomlTrivia;

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  e: '\x1b',
  '"': '"',
  '\\': '\\',
};

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  get eof(): boolean {
    return this.i >= this.s.length;
  }
  peek(offset = 0): string {
    return this.s[this.i + offset] ?? '';
  }
  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  atNewline(): boolean {
    return this.peek() === '\n' || this.startsWith('\r\n');
  }
  /** Moves past the rest of the line, including its newline. */
  skipLine(): void {
    const nl = this.s.indexOf('\n', this.i);
    this.i = nl < 0 ? this.s.length : nl + 1;
  }
}

/** Reads a single-line basic string at the cursor (on the opening quote) and returns its decoded text. */
function readBasicString(c: Cursor): string {
  let out = '';
  c.i++;
  while (!c.eof && c.peek() !== '"' && !c.atNewline()) {
    const ch = c.peek();
    if (ch !== '\\') {
      out += ch;
      c.i++;
      continue;
    }
    const esc = c.peek(1);
    if (esc === 'u' || esc === 'U') {
      const len = esc === 'u' ? 4 : 8;
      out += String.fromCodePoint(parseInt(c.s.slice(c.i + 2, c.i + 2 + len), 16));
      c.i += 2 + len;
    } else {
      out += ESCAPES[esc] ?? esc;
      c.i += 2;
    }
  }
  c.i++; // closing quote
  return out;
}

/** Reads a (possibly dotted, possibly quoted) key up to the first character that cannot continue it. */
function readKey(c: Cursor): string[] {
  const parts: string[] = [];
  for (;;) {
    c.skipSpaces();
    if (c.peek() === '"') parts.push(readBasicString(c));
    else if (c.peek() === "'") {
      const close = c.s.indexOf("'", c.i + 1);
      parts.push(c.s.slice(c.i + 1, close));
      c.i = close + 1;
    } else {
      const from = c.i;
      while (BARE_KEY.test(c.peek())) c.i++;
      parts.push(c.s.slice(from, c.i));
    }
    c.skipSpaces();
    if (c.peek() !== '.') return parts;
    c.i++;
  }
}

/** Skips a string of any of TOML's four kinds, the cursor being on its opening quote. */
function skipString(c: Cursor): void {
  const q = c.peek();
  if (c.startsWith(q.repeat(3))) {
    c.i += 3;
    while (!c.eof && !c.startsWith(q.repeat(3))) c.i += q === '"' && c.peek() === '\\' ? 2 : 1;
    c.i += 3;
    // A closing delimiter may be preceded by up to two quotes that belong to the content: `""""" ` ends after five.
    for (let n = 0; n < 2 && c.peek() === q; n++) c.i++;
    return;
  }
  c.i++;
  while (!c.eof && c.peek() !== q && !c.atNewline()) c.i += q === '"' && c.peek() === '\\' ? 2 : 1;
  c.i++;
}

/** Moves past one value; returns the offset just after it (before trailing spaces or a comment). */
function skipValue(c: Cursor): number {
  let depth = 0;
  let end = c.i;
  while (!c.eof) {
    const ch = c.peek();
    if (ch === '"' || ch === "'") {
      skipString(c);
      end = c.i;
    } else if (ch === '[' || ch === '{') {
      depth++;
      c.i++;
    } else if (ch === ']' || ch === '}') {
      depth--;
      c.i++;
      end = c.i;
    } else if (ch === '#' || c.atNewline()) {
      if (depth <= 0) return end;
      c.skipLine(); // comments and newlines are allowed inside arrays
    } else {
      c.i++;
      if (ch !== ' ' && ch !== '\t') end = c.i;
    }
    if (depth <= 0 && end === c.i && (ch === ']' || ch === '}')) return end;
  }
  return end;
}

/** Splits TOML text into statements. The text should be valid TOML (parse it first); offsets cover every byte. */
export function scanTomlStatements(text: string): TomlStatement[] {
  const c = new Cursor(text);
  const out: TomlStatement[] = [];
  while (!c.eof) {
    const start = c.i;
    c.skipSpaces();
    if (c.eof || c.atNewline()) {
      c.skipLine();
      out.push({ kind: 'blank', start, end: c.i });
    } else if (c.peek() === '#') {
      c.skipLine();
      out.push({ kind: 'comment', start, end: c.i });
    } else if (c.peek() === '[') {
      const array = c.peek(1) === '[';
      c.i += array ? 2 : 1;
      const path = readKey(c);
      c.skipLine();
      out.push({ kind: 'table', path, array, start, end: c.i });
    } else {
      const path = readKey(c);
      c.i++; // '='
      c.skipSpaces();
      const valueStart = c.i;
      const valueEnd = skipValue(c);
      const multiline = /[\r\n]/.test(text.slice(valueStart, valueEnd));
      c.skipLine();
      out.push({ kind: 'keyValue', path, valueStart, valueEnd, multiline, start, end: c.i });
    }
  }
  return out;
}
