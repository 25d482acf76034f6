// Connections tree costs against the emulator (run in a child process, so its memory is not counted):
//  - the first page of the 20,000-table schema through our tree model and through our catalog loader, each against
//    the bare snowflake-sdk running the same SHOW on its own warm connection in the same run (target ≤ 1.2×);
//  - memory (RSS and heap, after GC) after listing all 20,000 tables through the tree model, against before the first
//    query, so the SQL driver's own load is included (target < 150 MB more).
// Run alone: npx tsx test/bench/tree.bench.ts
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Connection } from 'snowflake-sdk';
import type { AuthService, ConnectionProfile, LoginCredential } from '../../src/core/auth/types';
import { nullLogger } from '../../src/core/shared/logger';
import { CatalogLoader } from '../../src/core/snowflake/catalogLoader';
import { createSnowflakeSdkDriver } from '../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../src/core/snowflake/sqlSessionManager';
import type { ConnectionsNode, LoadMoreNode } from '../../src/core/tree/connectionNodes';
import { ConnectionsTreeModel } from '../../src/core/tree/connectionsTreeModel';
import { printResults, type BenchResult } from './types';

const ROOT = path.resolve(__dirname, '..', '..');
const ROUNDS = 40;
const SHOW = 'SHOW TABLES IN SCHEMA "BIG_DB"."MANY_TABLES" LIMIT 501';

interface Sandbox {
  readonly snowflake: string;
  readonly pat: string;
  readonly account: string;
  readonly child: ChildProcess;
}

async function startSandbox(): Promise<Sandbox> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-snowflake-tree-bench-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'integration', 'sandboxProcess.ts'), '--dir', dir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  process.on('exit', () => child.kill('SIGTERM'));
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const info = JSON.parse(line) as { snowflake: string; pat: string };
  const account = (await (await fetch(`${info.snowflake}/__emulator/info`)).json()) as { account: string };
  return { snowflake: info.snowflake, pat: info.pat, account: account.account, child };
}

function gc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function memory(collect: () => void): { rss: number; heap: number } {
  for (let i = 0; i < 3; i++) collect();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function setup(sb: Sandbox) {
  const credential: LoginCredential = { authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: sb.pat };
  const auth: Pick<AuthService, 'forLogin' | 'invalidate'> = {
    forLogin: async () => credential,
    invalidate: () => undefined,
  };
  const profile: ConnectionProfile = {
    name: 'bench',
    source: 'connections.toml',
    isDefault: true,
    params: {},
    authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
    account: sb.account,
    baseUrl: sb.snowflake,
    user: 'DEMO_USER',
    role: 'ANALYST',
    warehouse: 'DEMO_WH',
  };
  const sessions = new SqlSessionManager({ auth, driver: createSnowflakeSdkDriver(nullLogger), logger: nullLogger });
  const model = new ConnectionsTreeModel({ connections: async () => [profile], sessions, logger: nullLogger });
  return { sessions, model, profile, credential };
}

async function find(
  model: ConnectionsTreeModel,
  parent: ConnectionsNode | undefined,
  test: (n: ConnectionsNode) => boolean,
): Promise<ConnectionsNode> {
  const kids = await model.children(parent);
  const n = kids.find(test);
  if (!n)
    throw new Error(
      `not found under ${parent?.id ?? 'root'}: ${kids
        .map((k) => k.id)
        .slice(0, 5)
        .join(', ')}`,
    );
  return n;
}

async function tablesFolder(model: ConnectionsTreeModel): Promise<ConnectionsNode> {
  const conn = await find(model, undefined, () => true);
  const db = await find(model, conn, (n) => n.kind === 'database' && n.database === 'BIG_DB');
  const schema = await find(model, db, (n) => n.kind === 'schema' && n.schema === 'MANY_TABLES');
  return find(model, schema, (n) => n.kind === 'folder' && n.objectKind === 'table');
}

/** Memory after listing every table through the tree model, against before the first query (fresh process). */
async function memoryResults(sb: Sandbox): Promise<BenchResult[]> {
  const collect = gc();
  const { model, sessions } = setup(sb);
  const before = memory(collect);
  const folder = await tablesFolder(model);
  let kids = await model.children(folder);
  while (kids[kids.length - 1]?.kind === 'loadMore') {
    await model.loadMore(kids[kids.length - 1] as LoadMoreNode);
    kids = await model.children(folder);
  }
  if (kids.length !== 20_000) throw new Error(`listed ${kids.length} tables, not 20,000`);
  const after = memory(collect);
  const keep = [model, kids];
  await sessions.reset('bench');
  const rss = after.rss - before.rss;
  const heap = after.heap - before.heap;
  return [
    {
      name: 'tree: RSS after listing 20,000 tables (incl. SQL driver load)',
      value: Math.round(rss * 10) / 10,
      unit: 'MB',
      baseline: Math.round(before.rss),
      baselineName: 'RSS before',
      ratio: after.rss / before.rss,
      target: '< 150 MB more',
      met: rss < 150 && keep.length === 2,
    },
    {
      name: 'tree: heap after listing 20,000 tables',
      value: Math.round(heap * 10) / 10,
      unit: 'MB',
      baseline: Math.round(before.heap),
      baselineName: 'heap before',
      ratio: after.heap / before.heap,
      target: '< 150 MB more',
      met: heap < 150,
    },
  ];
}

function bareShow(conn: Connection): Promise<number> {
  return new Promise((resolve, reject) => {
    conn.execute({ sqlText: SHOW, complete: (err, _stmt, rows) => (err ? reject(err) : resolve(rows?.length ?? 0)) });
  });
}

/** First page: our model and our loader, each against the bare SDK, rounds interleaved so drift hits all alike. */
async function firstPageResults(sb: Sandbox): Promise<BenchResult[]> {
  const { model, sessions, profile } = setup(sb);
  const loader = new CatalogLoader((sql, what, signal, options) =>
    sessions.query(profile, sql, { what, signal, ...options }),
  );
  // The same SDK module our driver loads (with its side effects switched off), on its own connection.
  const sdk = (await import('../../src/core/snowflake/sqlDriverEntry')).default;
  const bare = sdk.createConnection({
    account: sb.account,
    accessUrl: sb.snowflake,
    authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
    token: sb.pat,
    role: 'ANALYST',
    warehouse: 'DEMO_WH',
  });
  await bare.connectAsync();
  const folder = await tablesFolder(model);
  const times = { model: [] as number[], loader: [] as number[], bare: [] as number[] };
  const steps: Record<keyof typeof times, () => Promise<unknown>> = {
    model: async () => {
      model.refresh(folder);
      const kids = await model.children(folder);
      if (kids.length !== 501) throw new Error(`model page had ${kids.length} nodes`);
    },
    loader: async () => {
      const page = await loader.listTables('BIG_DB', 'MANY_TABLES');
      if (page.items.length !== 500) throw new Error(`loader page had ${page.items.length} tables`);
    },
    bare: async () => {
      if ((await bareShow(bare)) !== 501) throw new Error('bare page size');
    },
  };
  for (const step of Object.values(steps)) await step(); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    const order = (['model', 'loader', 'bare'] as const).slice();
    if (i % 2) order.reverse();
    for (const k of order) {
      const t0 = performance.now();
      await steps[k]();
      times[k].push(performance.now() - t0);
    }
  }
  await new Promise<void>((resolve) => bare.destroy(() => resolve()));
  await sessions.reset('bench');
  const b = median(times.bare);
  const result = (name: string, xs: number[]): BenchResult => {
    const v = median(xs);
    return {
      name,
      value: Math.round(v * 100) / 100,
      unit: 'ms',
      baseline: Math.round(b * 100) / 100,
      baselineName: 'bare snowflake-sdk',
      ratio: v / b,
      target: '≤ 1.2×',
      met: v / b <= 1.2,
    };
  };
  return [
    result('tree: first page of 20,000 tables (tree model)', times.model),
    result('tree: first page of 20,000 tables (catalog loader)', times.loader),
  ];
}

export async function run(): Promise<BenchResult[]> {
  const sb = await startSandbox();
  try {
    const mem = await memoryResults(sb);
    const page = await firstPageResults(sb);
    return [...page, ...mem];
  } finally {
    sb.child.kill('SIGTERM');
  }
}

if (require.main === module) {
  run().then(
    (results) => {
      printResults(results);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
