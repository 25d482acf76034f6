// The grid's logic without an editor: sorting and filtering loaded rows, tab-separated copies, the page shell's CSP,
// and the bounded window over a cursor (how many rows it holds, when it reads on and when it opens a new reader).
import assert from 'node:assert/strict';
import { arrange, gridColumns, tsvColumn, tsvLine } from '../../../src/core/results/gridProtocol';
import { gridHtml } from '../../../src/core/results/gridHtml';
import { ResultWindow } from '../../../src/core/results/resultWindow';
import type { ResultCursor, ResultRow } from '../../../src/core/snowflake/sqlDriver';

/**
 * A cursor over n generated rows that counts the readers it opened, the rows it handed out and (when `skips`) the
 * rows it passed over without handing them out.
 */
function countingCursor(
  n: number,
  skips = false,
): ResultCursor & { readers: number[]; served: number; passed: number } {
  const c = {
    columns: [{ name: 'N', type: 'fixed', nullable: false, precision: 38, scale: 0 }],
    totalRows: n,
    readers: [] as number[],
    served: 0,
    passed: 0,
    rows(start: number, end = n) {
      c.readers.push(start);
      let pos = start;
      return {
        read: async (max: number) => {
          const out: ResultRow[] = [];
          while (out.length < max && pos < end) out.push([String(pos++)]);
          c.served += out.length;
          return out;
        },
        ...(skips
          ? {
              skip: async (count: number) => {
                const passed = Math.min(count, end - pos);
                pos += passed;
                c.passed += passed;
                return passed;
              },
            }
          : {}),
        close: () => undefined,
      };
    },
  };
  return c;
}

describe('results grid logic', () => {
  const columns = gridColumns([
    { name: 'ID', type: 'fixed', nullable: false, precision: 38, scale: 0 },
    { name: 'NAME', type: 'text', nullable: true },
  ]);
  const rows: ResultRow[] = [
    ['10', 'Ada'],
    ['9', null],
    ['100', 'bob'],
    ['9', 'Cy'],
  ];

  it('names Snowflake types as users write them', () => {
    assert.deepEqual(
      columns.map((c) => c.type),
      ['NUMBER(38,0)', 'VARCHAR'],
    );
  });

  it('sorts numbers by value, keeps ties in result order and NULLs last either way', () => {
    assert.deepEqual(arrange(rows, columns, '', { column: 0, direction: 'asc' }), [1, 3, 0, 2]);
    assert.deepEqual(arrange(rows, columns, '', { column: 0, direction: 'desc' }), [2, 0, 1, 3]);
    assert.deepEqual(arrange(rows, columns, '', { column: 1, direction: 'asc' }), [0, 3, 2, 1]);
    assert.deepEqual(arrange(rows, columns, '', { column: 1, direction: 'desc' }), [2, 3, 0, 1]);
  });

  it('filters on any cell, case-insensitively, never matching NULL', () => {
    assert.deepEqual(arrange(rows, columns, 'B'), [2]);
    assert.deepEqual(arrange(rows, columns, '9'), [1, 3]);
    assert.deepEqual(arrange(rows, columns, 'null'), []);
  });

  it('copies as TSV: NULL as an empty field, tabs and line breaks inside a value as spaces', () => {
    assert.equal(tsvLine(['1', null, 'a\tb\nc']), '1\t\ta b c');
    assert.equal(tsvColumn('NAME', ['Ada', null]), 'NAME\nAda\n');
  });

  it('the page runs only its own script and styles, by nonce', () => {
    const html = gridHtml({ title: 'R <1>', cspSource: 'vscode-resource:', scriptUri: 'x/grid.js', body: '' }, 'N0NCE');
    assert.match(html, /default-src 'none'; style-src 'nonce-N0NCE'; script-src 'nonce-N0NCE'/);
    assert.match(html, /<script nonce="N0NCE" src="x\/grid.js"><\/script>/);
    assert.match(html, /<title>R &lt;1&gt;<\/title>/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('a window scrolled top to bottom reads every row once through one reader and holds a bounded number', async () => {
    const cursor = countingCursor(100_000);
    const w = new ResultWindow(cursor, { pageRows: 500, maxPages: 4 });
    for (let start = 0; start < 100_000; start += 1000) {
      const got = await w.range(start, start + 30);
      assert.equal(got[0]?.[0], String(start));
      assert.ok(w.heldRows <= 2000);
    }
    assert.deepEqual(await w.range(99_998, 100_005), [['99998'], ['99999']], 'the last rows, clamped to the result');
    assert.deepEqual(cursor.readers, [0]);
    assert.equal(cursor.served, 100_000);
    assert.ok(w.peakRows <= 2000, `peak ${w.peakRows}`);
    // Back to the top: a new reader there; a far jump opens another one instead of reading everything between.
    assert.deepEqual(await w.range(5, 7), [['5'], ['6']]);
    assert.deepEqual(await w.range(90_000, 90_001), [['90000']]);
    assert.deepEqual(cursor.readers, [0, 0, 90_000]);
  });

  it('a reader that can pass over rows hands out only the pages the grid shows', async () => {
    const cursor = countingCursor(100_000, true);
    const w = new ResultWindow(cursor, { pageRows: 500, maxPages: 4 });
    for (let start = 0; start < 100_000; start += 1000)
      assert.equal((await w.range(start, start + 30))[0]?.[0], String(start));
    assert.deepEqual(await w.range(99_998, 100_000), [['99998'], ['99999']]);
    assert.deepEqual(cursor.readers, [0], 'one reader from top to bottom');
    assert.equal(cursor.served, 100 * 500 + 500, 'the page of each screen, and the last one');
    assert.equal(cursor.passed + cursor.served, 100_000, 'every other row passed over');
  });
});
