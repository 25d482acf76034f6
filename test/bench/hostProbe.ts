// Runs a probe module inside the real VS Code extension host (the minified build staged as the test host, the
// emulator sandbox behind it) and returns the JSON the probe wrote to POSIT_SNOWFLAKE_BENCH_OUT.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export async function runHostProbe<T>(name: string, probe: string, timeoutMs = 300_000): Promise<T> {
  const { runInEditor } = (await import(
    path.join(ROOT, 'scripts', 'editorRun.mjs')
  )) as typeof import('../../scripts/editorRun.mjs');
  const { startSandbox } = (await import(
    path.join(ROOT, 'scripts', 'sandbox.mjs')
  )) as typeof import('../../scripts/sandbox.mjs');
  const { stageTestHost } = (await import(
    path.join(ROOT, 'scripts', 'testHost.mjs')
  )) as typeof import('../../scripts/testHost.mjs');
  const runDir = path.join(ROOT, '.test-runs', `bench-${name}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  const out = path.join(runDir, 'result.json');
  const extension = await stageTestHost(path.join(runDir, 'extension'), { minify: true });
  const sandbox = await startSandbox(path.join(runDir, 'sandbox'));
  try {
    const code = await runInEditor({
      runDir,
      // Minified like the package, so the figure is close to what users run.
      devPaths: [extension],
      testsPath: path.join(ROOT, 'out', 'test', 'bench', `${probe}.js`),
      env: { ...sandbox.info.env, POSIT_SNOWFLAKE_BENCH_OUT: out },
      onLog: () => undefined,
      timeoutMs,
    });
    if (code !== 0) throw new Error(`the ${name} probe failed in the extension host`);
  } finally {
    await sandbox.stop();
  }
  return JSON.parse(fs.readFileSync(out, 'utf8')) as T;
}
