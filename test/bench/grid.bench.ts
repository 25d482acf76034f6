// The results grid's data path against bare snowflake-sdk on the emulator's 1,000,000-row result, same run, same SDK
// module and connection options (rows as arrays of text). Ours runs the SDK in the SQL driver process, as the
// extension does (rows cross its pipe); bare snowflake-sdk runs in this process:
//  - first 1,000 rows: our session → cursor → bounded window → the blocks the panel posts to the webview
//    (serialised as postMessage does), against `statement.streamRows({start: 0, end: 999})` (target ≤ 1.3×);
//  - CSV export of all rows: our exportResult (RFC 4180 quoting, temp file renamed at the end), against the SDK's
//    streamRows() joined with commas into a file write stream with backpressure (target ≥ 0.8× the throughput).
// Run alone: npx tsx test/bench/grid.bench.ts
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Connection, RowStatement } from 'snowflake-sdk';
import { startEmulator, type Emulator } from '../emulator/index';
import type { ConnectionProfile, LoginCredential } from '../../src/core/auth/types';
import { nullLogger } from '../../src/core/shared/logger';
import { exportResult } from '../../src/core/results/resultExport';
import { ResultWindow } from '../../src/core/results/resultWindow';
import { fork } from 'node:child_process';
import { createProcessSqlDriver } from '../../src/core/snowflake/driverProcess/processDriver';
import { toSdkOptions } from '../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../src/core/snowflake/sqlSessionManager';
import { emulatorProfile } from '../unit/snowflake/emulatorAuth';
import { printResults, type BenchResult } from './types';

const SQL = 'SELECT * FROM BIG_DB.PUBLIC.EVENTS';
const TOTAL = 1_000_000;
const FIRST = 1000;
/** What the panel pushes to the grid at a time (resultsPanel.ts). */
const PUSH_BLOCK = 200;
const ROUNDS = 12;
const EXPORT_ROUNDS = 2;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function profileOf(emu: Emulator): ConnectionProfile {
  return { ...emulatorProfile(emu), name: 'bench', role: 'ANALYST' };
}

async function bareConnection(emu: Emulator, credential: LoginCredential): Promise<Connection> {
  // The same SDK module our driver loads (its side effects off), with the options our driver passes.
  const sdk = (await import('../../src/core/snowflake/sqlDriverEntry')).default;
  const p = profileOf(emu);
  const conn = sdk.createConnection(
    toSdkOptions({ account: p.account, accessUrl: p.baseUrl, credential, role: p.role, warehouse: p.warehouse }),
  );
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  return conn;
}

function bareExecute(conn: Connection): Promise<RowStatement> {
  return new Promise((resolve, reject) => {
    conn.execute({ sqlText: SQL, streamResult: true, complete: (err, st) => (err ? reject(err) : resolve(st)) });
  });
}

async function bareFirst(conn: Connection): Promise<number> {
  const st = await bareExecute(conn);
  return new Promise((resolve, reject) => {
    const rows: unknown[] = [];
    st.streamRows({ start: 0, end: FIRST - 1 })
      .on('data', (r: unknown) => rows.push(r))
      .on('error', reject)
      .on('end', () => resolve(rows.length));
  });
}

async function bareExport(conn: Connection, file: string): Promise<number> {
  const st = await bareExecute(conn);
  const out = fs.createWriteStream(file);
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    const rows = st.streamRows();
    rows
      .on('data', (r: (string | null)[]) => {
        n++;
        if (!out.write(`${r.join(',')}\n`)) {
          rows.pause();
          out.once('drain', () => rows.resume());
        }
      })
      .on('error', reject)
      .on('end', () => out.end(() => resolve()));
  });
  return n;
}

export async function run(): Promise<BenchResult[]> {
  const emu = await startEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-bench-'));
  try {
    const credential: LoginCredential = { authenticator: 'OAUTH', token: emu.state.issueOAuthAccessToken('DEMO_USER') };
    // The driver process's source under tsx, like the unit tests (the extension runs the bundled script).
    const main = path.resolve(__dirname, '../../src/core/snowflake/driverProcess/driverProcessMain.ts');
    const driver = createProcessSqlDriver({
      modulePath: main,
      logger: nullLogger,
      start: (m) => fork(m, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' }),
    });
    const sessions = new SqlSessionManager({
      auth: { forLogin: async () => credential, invalidate: () => undefined },
      driver,
      logger: nullLogger,
    });
    const profile = profileOf(emu);
    const bare = await bareConnection(emu, credential);
    const open = async () => {
      const r = await sessions.query(profile, SQL, { cursor: true });
      if (!r.cursor || r.cursor.totalRows !== TOTAL) throw new Error('no cursor over 1,000,000 rows');
      return r.cursor;
    };
    const ours = async (): Promise<number> => {
      const w = new ResultWindow(await open());
      let n = 0;
      for (let start = 0; start < FIRST; start += PUSH_BLOCK) {
        const rows = await w.range(start, start + PUSH_BLOCK);
        n += rows.length;
        JSON.stringify({ type: 'rows', grid: 1, start, rows });
      }
      w.close();
      return n;
    };
    const time = async (f: () => Promise<number>, expect: number): Promise<number> => {
      const t0 = performance.now();
      const n = await f();
      if (n !== expect) throw new Error(`read ${n} rows, not ${expect}`);
      return performance.now() - t0;
    };
    await time(ours, FIRST); // warm-up, both sides
    await time(() => bareFirst(bare), FIRST);
    const first = { ours: [] as number[], bare: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      first.ours.push(await time(ours, FIRST));
      first.bare.push(await time(() => bareFirst(bare), FIRST));
    }
    const exp = { ours: [] as number[], bare: [] as number[] };
    for (let i = 0; i < EXPORT_ROUNDS; i++) {
      const csv = path.join(dir, `ours-${i}.csv`);
      exp.ours.push(await time(async () => exportResult(await open(), 'csv', csv), TOTAL));
      fs.rmSync(csv);
      const plain = path.join(dir, `bare-${i}.csv`);
      exp.bare.push(await time(() => bareExport(bare, plain), TOTAL));
      fs.rmSync(plain);
    }
    await sessions.reset('bench');
    driver.dispose();
    await new Promise<void>((resolve) => bare.destroy(() => resolve()));
    const f = { ours: median(first.ours), bare: median(first.bare) };
    const rate = { ours: TOTAL / (median(exp.ours) / 1000), bare: TOTAL / (median(exp.bare) / 1000) };
    return [
      {
        name: 'grid: first 1,000 rows of a 1,000,000-row result',
        value: Math.round(f.ours * 10) / 10,
        unit: 'ms',
        baseline: Math.round(f.bare * 10) / 10,
        baselineName: 'bare snowflake-sdk streamRows',
        ratio: f.ours / f.bare,
        target: '≤ 1.3×',
        met: f.ours / f.bare <= 1.3,
      },
      {
        name: 'grid: CSV export of 1,000,000 rows',
        value: Math.round(rate.ours),
        unit: 'rows/s',
        baseline: Math.round(rate.bare),
        baselineName: 'bare snowflake-sdk streamRows to a file',
        ratio: rate.ours / rate.bare,
        target: '≥ 0.8× throughput',
        met: rate.ours / rate.bare >= 0.8,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await emu.close();
  }
}

if (require.main === module) void run().then(printResults);
