// Running a script through the SQL session manager and real snowflake-sdk against the emulator: statements in order,
// the first error stops the run and is located in the script, USE holds for the rest of the run, results are
// capped in memory, a cancel aborts the running statement at the server.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/index';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { SnowflakeExtError, toExtError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';
import { runScript, summaryLine, type RunScriptOptions } from '../../../src/core/snowflake/scriptRunner';
import { createSnowflakeSdkDriver } from '../../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import { splitStatements } from '../../../src/core/snowflake/statementSplitter';
import { EmulatorAuth, emulatorProfile } from './emulatorAuth';

describe('Running a SQL script against the emulator', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let sessions: SqlSessionManager;
  let p: ConnectionProfile;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    const logger = new MemoryLogger();
    sessions = new SqlSessionManager({ auth: new EmulatorAuth(emu), driver: createSnowflakeSdkDriver(logger), logger });
    p = emulatorProfile(emu);
  });
  afterEach(async () => {
    await sessions.reset('emu');
    sessions.dispose();
  });

  const run = (sql: string, extra: Partial<RunScriptOptions> = {}, maxRows?: number) =>
    runScript({
      statements: splitStatements(sql),
      execute: (text, signal) => sessions.query(p, text, { signal, what: 'Running the statement', maxRows }),
      toError: toExtError,
      ...extra,
    });

  it('runs statements in order and stops at the first error, marking its line and position', async () => {
    const sql = 'SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS;\n\n  SELEC 1;\nSELECT 2;';
    const summary = await run(sql);
    assert.deepEqual(
      summary.steps.map((s) => s.status),
      ['succeeded', 'failed', 'skipped'],
    );
    const [first, second] = summary.steps;
    assert.ok(first?.result && first.result.rows.length > 0, 'the first statement returned rows');
    assert.equal(first.result.columns[0]?.name, 'CUSTOMER_ID');
    assert.match(first.result.queryId ?? '', /^[0-9a-f-]{36}$/, 'the query id is reported');
    // Snowflake says "syntax error line 1 at position 0"; in the script that is line 2 (0-based), column 2.
    assert.deepEqual(second?.errorAt, { line: 2, column: 2 });
    assert.ok(second?.error instanceof SnowflakeExtError);
    assert.match(second.error.message, /syntax error line 1 at position 0 unexpected 'SELEC'/);
    assert.equal(
      summaryLine(summary).replace(/in .*$/, ''),
      '3 statements: 1 succeeded, 1 failed (line 3), 1 not run, ',
    );
  });

  it('a USE statement holds for the rest of the run', async () => {
    const summary = await run('USE ROLE FINANCE; SELECT CURRENT_ROLE()');
    assert.equal(summary.failed, 0, summary.steps[0]?.error?.message);
    assert.equal(summary.steps[1]?.result?.rows[0]?.[0], 'FINANCE');
    const state = sessions.state('emu');
    assert.equal(state.status === 'connected' ? state.role : state.status, 'FINANCE', 'the session reports the role');
  });

  it('keeps only the first rows of a result in memory and says how many there were', async () => {
    const full = await run('SELECT * FROM SALES_DB.PUBLIC.ORDERS');
    const total = full.steps[0]?.result?.rows.length ?? 0;
    assert.ok(total > 3, `ORDERS has more than 3 rows (${total})`);
    const capped = await run('SELECT * FROM SALES_DB.PUBLIC.ORDERS', {}, 3);
    const r = capped.steps[0]?.result;
    assert.equal(r?.rows.length, 3);
    assert.equal(r?.totalRows, total);
    assert.deepEqual(r?.rows, full.steps[0]?.result?.rows.slice(0, 3));
  });

  it('a result in chunks: the first 10,000 of 50,000 rows are kept, in order', async () => {
    const summary = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 50000))', {}, 10_000);
    const r = summary.steps[0]?.result;
    assert.equal(summary.failed, 0, summary.steps[0]?.error?.message);
    assert.equal(r?.rows.length, 10_000);
    assert.equal(r?.totalRows, 50_000);
    assert.deepEqual([r?.rows[0]?.[0], r?.rows[9_999]?.[0]], ['0', '9999']);
  });

  it('a missing warehouse is an error of its own kind, so the editor can offer Switch Warehouse', async () => {
    emu.state.user('DEMO_USER')!.defaultWarehouse = undefined;
    try {
      p = { ...p, warehouse: undefined };
      const summary = await run('SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS LIMIT 1');
      assert.equal(summary.steps[0]?.error?.refusal, 'warehouse-missing');
      assert.equal(summary.steps[0]?.error?.fix?.command, 'positSnowflake.switchWarehouse');
    } finally {
      emu.state.user('DEMO_USER')!.defaultWarehouse = 'DEMO_WH';
    }
  });

  it('cancel aborts the running statement and the rest are not run', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const summary = await run('SELECT SYSTEM$WAIT(30); SELECT 1', {
      signal: controller.signal,
      onStep: (i, outcome) => {
        if (i === 0 && !outcome) setTimeout(() => controller.abort(), 300);
      },
    });
    assert.deepEqual(
      summary.steps.map((s) => s.status),
      ['cancelled', 'skipped'],
    );
    assert.ok(summary.cancelled);
    assert.ok(Date.now() - started < 10_000, 'the wait did not run to its end');
  });
});
