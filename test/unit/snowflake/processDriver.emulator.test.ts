// The SQL driver in a process of its own (the extension's driver), against the emulator: statements, cursors read in
// ranges and passed over, a statement cancelled at Snowflake, the driver's errors mapped as in-process ones are, a
// process that died under its sessions, and an idle process retired once its memory passed the limit.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/index';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';
import { ResultWindow } from '../../../src/core/results/resultWindow';
import { createProcessSqlDriver } from '../../../src/core/snowflake/driverProcess/processDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import { EmulatorAuth, emulatorProfile } from './emulatorAuth';

const MAIN = path.resolve(__dirname, '../../../src/core/snowflake/driverProcess/driverProcessMain.ts');

describe('SQL driver process against the emulator', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let p: ConnectionProfile;
  const started: ChildProcess[] = [];
  /** The driver process's source, run by this Node with tsx (the extension runs the bundled dist/sqlDriverProcess.js). */
  const start = (): ChildProcess => {
    const child = fork(MAIN, [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    started.push(child);
    return child;
  };
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once('exit', () => r()));

  before(async () => {
    emu = await startEmulator();
    p = emulatorProfile(emu);
  });
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill();
    await emu.close();
  });

  function setUp(opts: { recycleAboveMb?: number; idleMs?: number } = {}) {
    const logger = new MemoryLogger();
    const driver = createProcessSqlDriver({ modulePath: MAIN, logger, start, ...opts });
    const sessions = new SqlSessionManager({ auth: new EmulatorAuth(emu), driver, logger });
    return {
      logger,
      sessions,
      close: async () => {
        await sessions.reset('emu');
        sessions.dispose();
        driver.dispose();
      },
    };
  }

  it('runs statements and reads a cursor in ranges, passing over rows in the process', async () => {
    const s = setUp();
    try {
      const one = await s.sessions.query(p, 'SELECT CURRENT_USER()');
      assert.deepEqual(one.rows, [['DEMO_USER']]);
      const r = await s.sessions.query(p, 'SELECT EVENT_ID, KIND FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID', {
        cursor: true,
      });
      assert.ok(r.cursor);
      assert.equal(r.cursor.totalRows, 1_000_000);
      assert.deepEqual(
        r.cursor.columns.map((c) => `${c.name}:${c.type}`),
        ['EVENT_ID:fixed', 'KIND:text'],
      );
      const reader = r.cursor.rows(10);
      assert.deepEqual(await reader.read(2), [
        ['11', 'purchase'],
        ['12', 'refund'],
      ]);
      assert.equal(await reader.skip?.(100_000), 100_000);
      assert.deepEqual((await reader.read(1))[0]?.[0], '100013', 'the row after the ones passed over');
      reader.close();
      // A TIMESTAMP_NTZ in the session's default output format (YYYY-MM-DD HH24:MI:SS.FF3,
      // docs.snowflake.com/en/sql-reference/parameters#timestamp-ntz-output-format), the same when the chunk is read
      // again: cells are converted on copies, the chunk keeps Snowflake's text.
      const all = await s.sessions.query(p, 'SELECT * FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID', { cursor: true });
      const expected = ['60001', '1', 'view', '200.00', '2024-01-21 20:00:00.000'];
      for (let i = 0; i < 2; i++) {
        const again = all.cursor!.rows(60_000, 60_001);
        assert.deepEqual(await again.read(1), [expected]);
        again.close();
      }
      all.cursor!.release?.();
      const w = new ResultWindow(r.cursor);
      assert.deepEqual((await w.range(999_999, 1_000_000))[0], ['1000000', 'refund']);
      w.close();
    } finally {
      await s.close();
    }
  });

  it('maps a SQL error like the in-process driver, and cancels a running statement at once', async () => {
    const s = setUp();
    try {
      await assert.rejects(
        s.sessions.query(p, 'SELECT * FROM NO_SUCH_DB.PUBLIC.T', { what: 'Running the query' }),
        (err) => {
          assert.ok(err instanceof SnowflakeExtError);
          assert.equal(err.code, '002003');
          assert.match(err.message, /^Running the query: .*NO_SUCH_DB/);
          return true;
        },
      );
      const controller = new AbortController();
      const t0 = Date.now();
      const running = s.sessions.query(p, 'SELECT SYSTEM$WAIT(30)', { signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(running, CancelledError);
      assert.ok(Date.now() - t0 < 10_000, 'cancelled without waiting for the statement');
      assert.deepEqual((await s.sessions.query(p, 'SELECT 1')).rows, [['1']], 'the session still works');
    } finally {
      await s.close();
    }
  });

  it('logs in again through a new process when the process died under its session', async () => {
    const s = setUp();
    try {
      await s.sessions.query(p, 'SELECT 1');
      const first = started.at(-1)!;
      first.kill('SIGKILL');
      await exited(first);
      assert.deepEqual((await s.sessions.query(p, 'SELECT 2')).rows, [['2']]);
      assert.notEqual(started.at(-1), first, 'a new process');
      assert.ok(
        s.logger.lines.some((l) => /code 405503\); logging in again/.test(l)),
        s.logger.lines.join('\n'),
      );
    } finally {
      await s.close();
    }
  });

  it('retires an idle process over its memory limit once its results are let go; the next statement works', async () => {
    const s = setUp({ recycleAboveMb: 1, idleMs: 300 });
    try {
      const r = await s.sessions.query(p, 'SELECT EVENT_ID FROM BIG_DB.PUBLIC.EVENTS', { cursor: true });
      const w = new ResultWindow(r.cursor!);
      assert.equal((await w.range(0, 10)).length, 10);
      const proc = started.at(-1)!;
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(proc.exitCode, null, 'not while the result is open');
      w.close();
      await exited(proc);
      assert.ok(s.logger.lines.some((l) => /SQL driver process uses \d+ MB and is idle: retiring it/.test(l)));
      assert.deepEqual((await s.sessions.query(p, 'SELECT 3')).rows, [['3']]);
      assert.notEqual(started.at(-1), proc);
    } finally {
      await s.close();
    }
  });
});
