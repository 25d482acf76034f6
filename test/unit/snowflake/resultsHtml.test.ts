// The results panel's HTML: types as Snowflake writes them, NULL shown as NULL, capped rows said so, query id and
// elapsed time, the error of a failed statement, the Cancel link only while running, and errors located in scripts.
import assert from 'node:assert/strict';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { errorLocation, type ScriptSummary, type StepOutcome } from '../../../src/core/snowflake/scriptRunner';
import { splitStatements } from '../../../src/core/snowflake/statementSplitter';
import { resultsHtml } from '../../../src/core/tree/resultsHtml';

const [s1, s2] = splitStatements('SELECT a, b FROM t;\nSELEC <x>');
const ok: StepOutcome = {
  statement: s1!,
  status: 'succeeded',
  startedAt: 0,
  elapsedMs: 1500,
  result: {
    columns: [
      { name: 'A', type: 'fixed', nullable: false, precision: 38, scale: 0 },
      { name: 'B', type: 'text', nullable: true, length: 10 },
    ],
    rows: [
      ['1', null],
      ['2', '<b>'],
    ],
    totalRows: 12_000,
    queryId: '01b2-qid',
  },
};
const bad: StepOutcome = {
  statement: s2!,
  status: 'failed',
  startedAt: 0,
  elapsedMs: 3,
  error: new SnowflakeExtError('server', "syntax error line 1 at position 0 unexpected 'SELEC'"),
};

describe('resultsHtml', () => {
  it('shows types, NULL, escaped cells, query id, elapsed time and that more rows were not kept', () => {
    const html = resultsHtml({ title: 'Results: a.sql', connection: 'c', total: 2, done: [ok], running: 1 });
    assert.match(html, /A<br><span class="type">NUMBER\(38,0\)<\/span>/);
    assert.match(html, /B<br><span class="type">VARCHAR\(10\)<\/span>/);
    assert.match(html, /<td class="null">NULL<\/td>/);
    assert.match(html, /<td>&lt;b&gt;<\/td>/);
    assert.match(html, /Statement 1 · line 1 · succeeded · 12,000 rows · query id 01b2-qid · 1\.5 s/);
    assert.match(html, /First 2 rows of 12,000\./);
    assert.match(html, /Running statement 2 of 2… <a href="command:positSnowflake\.cancelQuery">Cancel<\/a>/);
  });

  it('shows the failed statement with its message and the summary, without a Cancel link', () => {
    const summary: ScriptSummary = {
      steps: [ok, bad],
      succeeded: 1,
      failed: 1,
      skipped: 0,
      cancelled: false,
      elapsedMs: 1503,
    };
    const html = resultsHtml({
      title: 'R',
      connection: 'c',
      total: 2,
      done: [ok, { ...bad, errorAt: { line: 1, column: 0 } }],
      summary,
    });
    assert.match(html, /Statement 2 · line 2 · failed · 3 ms/);
    assert.match(html, /SELEC &lt;x&gt;/);
    assert.match(html, /unexpected &#39;SELEC&#39;/);
    assert.doesNotMatch(html, /cancelQuery/);
  });
});

describe('errorLocation', () => {
  const [a, b] = splitStatements('SELECT 1;\n   SELECT\n  x y');
  const cases: readonly [string, string, { line: number; column: number }][] = [
    ['first line: column offset by the statement start', 'syntax error line 1 at position 3', { line: 1, column: 6 }],
    ['a later line: the position as is', 'syntax error line 2 at position 4', { line: 2, column: 4 }],
    ['no location: the statement start', 'Object does not exist', { line: 1, column: 3 }],
  ];
  for (const [name, message, want] of cases) it(name, () => assert.deepEqual(errorLocation(b!, message), want));
  it('the first statement at the top of the file', () =>
    assert.deepEqual(errorLocation(a!, 'line 1 at position 7'), { line: 0, column: 7 }));
});
