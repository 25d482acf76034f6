// TOML mistakes in the user's terms: where (line, column) and what was expected there, instead of the parser's
// internal wording ("incomplete key-value: cannot find end of key"). The reasons are smol-toml's error messages;
// the expectations follow the TOML 1.0 specification (https://toml.io/en/v1.0.0). Never quotes the offending text:
// the line may hold a token.

const EXPECTED: readonly [RegExp, string][] = [
  [
    /incomplete key-value|cannot find end of key/,
    'expected `=` and a value after the key (a line like `user = "ada"`), or a [table] header',
  ],
  [/unexpected end of key|illegal empty bare key/, 'expected a key name before `=`'],
  [
    /illegal character in key/,
    'expected a key of letters, digits, `_` and `-` (quote any other key), then `=`; a [table] header ends with `]`',
  ],
  [/illegal quoted key/, 'expected a quoted key in "..." or \'...\', not triple quotes'],
  [/unfinished string/, 'expected the closing quote of the string on the same line'],
  [
    /unrecognised escape|invalid escape|unicode escape|non-hex character/,
    "expected a valid escape after a backslash (\\\\, \\\", \\n, \\t, \\uXXXX); for a Windows path use single quotes ('C:\\keys\\rsa.p8') or double each backslash",
  ],
  [/control characters are not allowed/, 'expected printable text (a control character is in a string or comment)'],
  [
    /unfinished array|expected comma or end of structure/,
    'expected `,` between the values and `]` at the end of the list',
  ],
  [/unfinished table|end of table array/, 'expected `]` (or `]]`) at the end of the table header'],
  [
    /already defined/,
    'expected each key and [table] once: this one is already defined above (rename the connection or remove the duplicate)',
  ],
  [
    /followed by an end-of-line/,
    'expected the end of the line after the value: one `key = value` per line, and quotes around text that holds spaces',
  ],
  [/invalid date|date-time/, 'expected a date like 2024-01-31 or a date-time like 2024-01-31T09:00:00Z'],
  [/leading zero|underscore|numeric value|losslessly/, 'expected a number like 443 (no leading zeros, no stray `_`)'],
  [
    /invalid value/,
    'expected a value: text in double quotes ("..."), a number, true or false (all lower case), or a date',
  ],
];

export interface TomlProblem {
  readonly line?: number;
  readonly column?: number;
  /** What the user should have written there. */
  readonly expected: string;
}

/** True when the column of the error is at the end of its line (a key with nothing after it). */
function atEndOfLine(text: string | undefined, line: unknown, column: unknown): boolean {
  if (text === undefined || typeof line !== 'number' || typeof column !== 'number') return false;
  const content = text.split(/\r?\n/)[line - 1];
  return content !== undefined && column > content.trimEnd().length;
}

/**
 * Reads a parse error of smol-toml (line, column, message) into where and what was expected. `text` (the document)
 * only serves to tell a key left without `= value` from a bad character; it is never quoted.
 */
export function describeTomlError(err: unknown, text?: string): TomlProblem {
  const e = err as { message?: unknown; line?: unknown; column?: unknown };
  let reason = String(e.message ?? '')
    .split('\n')[0]!
    .replace(/^Invalid TOML document:\s*/, '');
  if (/illegal character in key/.test(reason) && atEndOfLine(text, e.line, e.column)) reason = 'incomplete key-value';
  const expected =
    EXPECTED.find(([re]) => re.test(reason))?.[1] ?? `valid TOML (${reason || 'the file could not be parsed'})`;
  return {
    ...(typeof e.line === 'number' ? { line: e.line } : {}),
    ...(typeof e.column === 'number' ? { column: e.column } : {}),
    expected,
  };
}

/** "line 2, column 1" or "" */
export function tomlPosition(p: TomlProblem): string {
  if (p.line === undefined) return '';
  return `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}`;
}
