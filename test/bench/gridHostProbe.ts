// Runs inside the extension host for the grid memory benchmark: the host's memory after activation, then after a
// 1,000,000-row result was run from a SQL editor and its grid scrolled from the first row to the last, a screen every
// thousand rows (the grid asks for the rows it shows; the host reads on through the result and keeps a bounded window),
// and the SQL driver process's own memory at that moment.
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { TestHostApi } from '../integration/host/extension';

const SQL = 'SELECT * FROM BIG_DB.PUBLIC.EVENTS';
const TOTAL = 1_000_000;
const STEP = 1000;

/** A full collection first, so the figures are what the host keeps, not garbage it has not collected yet. */
function memory(): { rss: number; heap: number; heapTotal: number; external: number } {
  v8.setFlagsFromString('--expose-gc');
  for (let i = 0; i < 3; i++) (vm.runInNewContext('gc') as () => void)();
  const m = process.memoryUsage();
  const mb = (n: number): number => Math.round(n / 2 ** 20);
  return { rss: mb(m.rss), heap: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
}

/** Resident memory (MB) of this process's children: the SQL driver process (Linux /proc; 0 elsewhere). */
function childrenRss(): number {
  let kb = 0;
  try {
    for (const task of fs.readdirSync(`/proc/${process.pid}/task`)) {
      const children = fs.readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
      for (const pid of children ? children.split(/\s+/) : []) {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        kb += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      }
    }
  } catch {
    return 0;
  }
  return Math.round(kb / 1024);
}

export async function run(): Promise<void> {
  const api = await vscode.extensions.getExtension<TestHostApi>('posit-snowflake.posit-snowflake')!.activate();
  const results = api.testDoors.results;
  await new Promise((r) => setTimeout(r, 500));
  const before = memory();
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: SQL });
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('positSnowflake.chooseEditorConnection', 'keypair');
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('positSnowflake.runStatement');
  await results.waitFor(0, (g) => g.visible[0]?.n === 1, 120_000);
  // First the host's side alone: every row read through the panel's window, as the grid would ask for them.
  for (let row = 0; row < TOTAL; row += STEP) await results.rows(0, row, row + 40);
  const hostOnly = memory();
  const started = Date.now();
  let peak = 0;
  for (let row = STEP; row < TOTAL; row += STEP) {
    results.act(0, { kind: 'scrollTo', row });
    await results.waitFor(0, (g) => g.visible[0]?.n === row + 1, 60_000);
    if (row % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
  }
  results.act(0, { kind: 'scrollTo', row: TOTAL - 1 });
  const last = await results.waitFor(0, (g) => g.visible.at(-1)?.n === TOTAL, 60_000);
  if (last.visible.at(-1)?.values[0] !== String(TOTAL)) throw new Error('the last row is not the millionth event');
  const scrollMs = Date.now() - started;
  const after = memory();
  const driverProcess = childrenRss();
  fs.writeFileSync(
    process.env.POSIT_SNOWFLAKE_BENCH_OUT!,
    JSON.stringify({ before, hostOnly, after, peak, rows: TOTAL, scrollMs, gridRows: last.loadedRows, driverProcess }),
  );
}
