// A tiny SQL tokenizer and cursor for the statements the emulator understands; anything else becomes the
// "syntax error line 1 at position N unexpected '<token>'" Snowflake prints.
import { SqlError } from './show';

export interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'number' | 'punct';
  readonly text: string;
  readonly value: string;
  readonly pos: number;
}

const TOKEN =
  /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|("(?:[^"]|"")*")|('(?:[^'\\]|''|\\.)*')|(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_$]*)|([.,()*;=])/gy;

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    const pos = TOKEN.lastIndex;
    const m = TOKEN.exec(sql);
    if (!m) throw syntaxError(sql, pos, sql.slice(pos, pos + 1));
    const [text, quoted, str, num, word, punct] = m;
    if (quoted) out.push({ kind: 'quoted', text, value: quoted.slice(1, -1).replace(/""/g, '"'), pos });
    else if (str)
      out.push({ kind: 'string', text, value: str.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1'), pos });
    else if (num) out.push({ kind: 'number', text, value: num, pos });
    else if (word) out.push({ kind: 'word', text, value: word.toUpperCase(), pos });
    else if (punct) out.push({ kind: 'punct', text, value: punct, pos });
  }
  while (out.length && out[out.length - 1]!.value === ';' && out[out.length - 1]!.kind === 'punct') out.pop();
  return out;
}

export function syntaxError(sql: string, pos: number, unexpected: string): SqlError {
  const before = sql.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - (before.lastIndexOf('\n') + 1);
  return new SqlError(
    '001003',
    '42000',
    `SQL compilation error:\nsyntax error line ${line} at position ${col} unexpected '${unexpected}'.`,
  );
}

export class Cursor {
  private i = 0;
  constructor(
    readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  /** Consumes the keyword sequence if it is next (e.g. accept('STARTS', 'WITH')). */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.tokens[this.i + k];
      if (!t || (t.kind !== 'word' && t.kind !== 'punct') || t.value !== words[k]) return false;
    }
    this.i += words.length;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) throw this.unexpected();
  }

  /** An identifier: unquoted is upper-cased, quoted keeps its case. */
  ident(): string {
    const t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) throw this.unexpected();
    this.i++;
    return t.value;
  }

  /** `a`, `a.b` or `a.b.c`. */
  qualified(maxParts = 3): string[] {
    const parts = [this.ident()];
    while (parts.length < maxParts && this.accept('.')) parts.push(this.ident());
    return parts;
  }

  string(): string {
    const t = this.peek();
    if (!t || t.kind !== 'string') throw this.unexpected();
    this.i++;
    return t.value;
  }

  integer(): number {
    const t = this.peek();
    if (!t || t.kind !== 'number' || !/^\d+$/.test(t.value)) throw this.unexpected();
    this.i++;
    return Number(t.value);
  }

  next(): Token {
    const t = this.peek();
    if (!t) throw this.unexpected();
    this.i++;
    return t;
  }

  end(): void {
    if (!this.done) throw this.unexpected();
  }

  unexpected(): SqlError {
    const t = this.peek();
    return t ? syntaxError(this.sql, t.pos, t.text) : syntaxError(this.sql, this.sql.trimEnd().length, '<EOF>');
  }
}
