// Runs inside the extension host for the activation benchmark: times activate() of the empty baseline extension and
// of ours (order given by the runner), and checks that the SQL driver was not loaded.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

async function timeActivation(id: string): Promise<number> {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`extension ${id} is not loaded`);
  const t0 = performance.now();
  await ext.activate();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const order = (process.env.POSIT_SNOWFLAKE_BENCH_ORDER ?? 'empty,ours').split(',');
  const ids: Record<string, string> = {
    empty: 'posit-snowflake-bench.empty-extension',
    ours: 'posit-snowflake.posit-snowflake',
  };
  const ms: Record<string, number> = {};
  await timeActivation('posit-snowflake-bench.warmup-extension');
  for (const which of order) ms[which] = await timeActivation(ids[which]!);
  const sqlDriverLoaded = Object.keys(require.cache).some((m) => /sqlDriver\.js$|[\\/]snowflake-sdk[\\/]/.test(m));
  fs.writeFileSync(process.env.POSIT_SNOWFLAKE_BENCH_OUT!, JSON.stringify({ ...ms, sqlDriverLoaded }));
}
