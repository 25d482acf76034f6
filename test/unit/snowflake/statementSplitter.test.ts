// The statement splitter: semicolons inside strings, quoted identifiers, comments and $$ blocks are not separators
// (Snowflake's lexical rules, cited in src/core/snowflake/statementSplitter.ts), and each statement knows its start.
import assert from 'node:assert/strict';
import { splitStatements, statementAt } from '../../../src/core/snowflake/statementSplitter';

interface Case {
  readonly name: string;
  readonly sql: string;
  readonly texts: readonly string[];
}

const CASES: readonly Case[] = [
  { name: 'two statements', sql: 'SELECT 1; SELECT 2;', texts: ['SELECT 1', 'SELECT 2'] },
  { name: 'no final semicolon', sql: 'SELECT 1;\nSELECT 2', texts: ['SELECT 1', 'SELECT 2'] },
  { name: 'empty statements dropped', sql: ';;  ;\nSELECT 1;;', texts: ['SELECT 1'] },
  { name: "semicolon in '...'", sql: "SELECT 'a;b'; SELECT 2", texts: ["SELECT 'a;b'", 'SELECT 2'] },
  { name: "doubled '' in a string", sql: "SELECT 'it''s;'; SELECT 2", texts: ["SELECT 'it''s;'", 'SELECT 2'] },
  {
    name: "backslash-escaped \\' in a string",
    sql: "SELECT 'a\\';b'; SELECT 2",
    texts: ["SELECT 'a\\';b'", 'SELECT 2'],
  },
  {
    name: 'semicolon in a quoted identifier',
    sql: 'SELECT 1 AS "a;""b"; SELECT 2',
    texts: ['SELECT 1 AS "a;""b"', 'SELECT 2'],
  },
  { name: '-- comment', sql: 'SELECT 1 -- not; here\n; SELECT 2', texts: ['SELECT 1 -- not; here', 'SELECT 2'] },
  { name: '// comment', sql: 'SELECT 1 // not; here\n; SELECT 2', texts: ['SELECT 1 // not; here', 'SELECT 2'] },
  { name: '/* */ comment', sql: 'SELECT /* a; b */ 1; SELECT 2', texts: ['SELECT /* a; b */ 1', 'SELECT 2'] },
  { name: 'comment-only pieces dropped', sql: 'SELECT 1;\n-- trailing; note\n/* end */', texts: ['SELECT 1'] },
  {
    name: '$$ block with semicolons and quotes',
    sql: "CREATE FUNCTION f() RETURNS INT LANGUAGE JAVASCRIPT AS $$ var a = 'x'; return 1; $$; SELECT f()",
    texts: ["CREATE FUNCTION f() RETURNS INT LANGUAGE JAVASCRIPT AS $$ var a = 'x'; return 1; $$", 'SELECT f()'],
  },
  { name: 'single $ is not a block', sql: 'SELECT $1 FROM @st; SELECT 2', texts: ['SELECT $1 FROM @st', 'SELECT 2'] },
  { name: 'unterminated string runs to the end', sql: "SELECT 'a; SELECT 2", texts: ["SELECT 'a; SELECT 2"] },
  { name: 'empty script', sql: '  \n ', texts: [] },
];

describe('splitStatements', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(
        splitStatements(c.sql).map((s) => s.text),
        c.texts,
      );
    });
  }

  it('gives each statement its 0-based start line and column and its offsets', () => {
    const sql = 'SELECT 1;\n\n  SELECT\n  2;\n-- c\n   SELECT 3';
    const got = splitStatements(sql);
    assert.deepEqual(
      got.map((s) => [s.line, s.column]),
      [
        [0, 0],
        [2, 2],
        [4, 0],
      ],
    );
    for (const s of got) assert.equal(sql.slice(s.start, s.end), s.text);
  });

  it('keeps a leading comment as part of the statement that follows it', () => {
    const [s] = splitStatements('-- first\nSELECT 1');
    assert.equal(s?.line, 0);
    assert.equal(s?.text, '-- first\nSELECT 1');
  });
});

describe('statementAt', () => {
  const sql = 'SELECT 1;\nSELECT 2;\n\nSELECT 3';
  it('finds the statement under the cursor', () => {
    assert.equal(statementAt(sql, sql.indexOf('2'))?.text, 'SELECT 2');
  });
  it('right after a semicolon, still the statement it ends', () => {
    assert.equal(statementAt(sql, sql.indexOf(';') + 1)?.text, 'SELECT 1');
  });
  it('on a blank line between statements, the next one', () => {
    assert.equal(statementAt(sql, sql.indexOf('\n\n') + 1)?.text, 'SELECT 3');
  });
  it('nothing in an empty document', () => {
    assert.equal(statementAt('', 0), undefined);
  });
});
