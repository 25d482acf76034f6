// Results read through a cursor over real snowflake-sdk against the emulator: a bounded window that scrolls a
// 1,000,000-row result from either end, and exports of the whole result to CSV and JSON (cancel leaves nothing).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/index';
import { EVENT_COUNT } from '../../emulator/catalog';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { CancelledError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';
import { exportResult } from '../../../src/core/results/resultExport';
import { ResultWindow } from '../../../src/core/results/resultWindow';
import { createSnowflakeSdkDriver } from '../../../src/core/snowflake/snowflakeSdkDriver';
import type { ResultCursor } from '../../../src/core/snowflake/sqlDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import { EmulatorAuth, emulatorProfile } from './emulatorAuth';

describe('Result cursors over snowflake-sdk against the emulator', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let sessions: SqlSessionManager;
  let p: ConnectionProfile;
  let dir: string;

  before(async () => {
    emu = await startEmulator();
    const logger = new MemoryLogger();
    sessions = new SqlSessionManager({ auth: new EmulatorAuth(emu), driver: createSnowflakeSdkDriver(logger), logger });
    p = emulatorProfile(emu);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-'));
  });
  after(async () => {
    await sessions.reset('emu');
    sessions.dispose();
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = async (sql: string): Promise<ResultCursor> => {
    const r = await sessions.query(p, sql, { cursor: true });
    assert.ok(r.cursor, 'a cursor came back');
    assert.deepEqual(r.rows, [], 'no rows were fetched with the statement');
    return r.cursor;
  };

  it('scrolls a million-row result within a bounded window, from the top, the bottom and back', async () => {
    const cursor = await open('SELECT EVENT_ID, KIND, AMOUNT FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID');
    assert.equal(cursor.totalRows, EVENT_COUNT);
    assert.deepEqual(
      cursor.columns.map((c) => `${c.name}:${c.type}`),
      ['EVENT_ID:fixed', 'KIND:text', 'AMOUNT:fixed'],
    );
    assert.match(cursor.queryId ?? '', /^[0-9a-f-]{36}$/);
    const w = new ResultWindow(cursor, { pageRows: 500, maxPages: 6 });
    const first = await w.range(0, 1000);
    assert.equal(first.length, 1000);
    assert.deepEqual(first[0], ['1', 'view', '0.00']);
    const last = await w.range(EVENT_COUNT - 3, EVENT_COUNT);
    assert.deepEqual(
      last.map((r) => r[0]),
      ['999998', '999999', '1000000'],
    );
    // Scrolling down page by page over a chunk boundary reads on from the open reader.
    for (let start = 40_000; start < 60_000; start += 500) {
      const rows = await w.range(start, start + 500);
      assert.equal(rows[0]?.[0], String(start + 1));
      assert.equal(rows.length, 500);
    }
    assert.deepEqual(
      (await w.range(10, 12)).map((r) => r[0]),
      ['11', '12'],
      'back at the top',
    );
    assert.ok(w.peakRows <= 500 * 6, `held at most ${w.peakRows} rows`);
    w.close();
  });

  it('exports a result to CSV per RFC 4180: header, quoted fields, CRLF, NULL as an empty field', async () => {
    const cursor = await open(
      `SELECT 'a,b' AS "TEXT", 'say "hi"' AS QUOTED, NULL AS NOTHING, '' AS EMPTY, 'two\nlines' AS MULTI, 42 AS N`,
    );
    const file = path.join(dir, 'odd.csv');
    assert.equal(await exportResult(cursor, 'csv', file), 1);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      'TEXT,QUOTED,NOTHING,EMPTY,MULTI,N\r\n"a,b","say ""hi""",,"","two\nlines",42\r\n',
    );
  });

  it('exports 120,000 rows across result chunks to CSV and JSON, every row once', async () => {
    const sql = 'SELECT EVENT_ID, KIND, AMOUNT FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID LIMIT 120000';
    const csv = path.join(dir, 'events.csv');
    const progress: number[] = [];
    assert.equal(
      await exportResult(await open(sql), 'csv', csv, { onProgress: (e) => progress.push(e.rows) }),
      120_000,
    );
    const lines = fs.readFileSync(csv, 'utf8').split('\r\n');
    assert.equal(lines.length, 120_002, 'a header, the rows, and the empty string after the last CRLF');
    assert.equal(lines[0], 'EVENT_ID,KIND,AMOUNT');
    assert.equal(lines[1], '1,view,0.00');
    assert.equal(lines[120_000], '120000,refund,399.63');
    assert.equal(progress.at(-1), 120_000);

    const json = path.join(dir, 'events.json');
    assert.equal(await exportResult(await open(sql), 'json', json), 120_000);
    const parsed = JSON.parse(fs.readFileSync(json, 'utf8')) as Record<string, unknown>[];
    assert.equal(parsed.length, 120_000);
    assert.deepEqual(parsed[0], { EVENT_ID: 1, KIND: 'view', AMOUNT: 0 });
    assert.deepEqual(parsed[119_999], { EVENT_ID: 120_000, KIND: 'refund', AMOUNT: 399.63 });
  });

  it('a cancelled export deletes its partial file and leaves the file it would have replaced as it was', async () => {
    const file = path.join(dir, 'keep.csv');
    fs.writeFileSync(file, 'what was there\n');
    const controller = new AbortController();
    const cursor = await open('SELECT EVENT_ID FROM BIG_DB.PUBLIC.EVENTS');
    await assert.rejects(
      exportResult(cursor, 'csv', file, {
        signal: controller.signal,
        onProgress: (e) => e.rows >= 10_000 && controller.abort(),
      }),
      CancelledError,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'what was there\n');
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('keep')),
      ['keep.csv'],
      'no partial file is left',
    );
  });
});
