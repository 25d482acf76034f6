// Runs the integration suites inside a real VS Code extension host: code-server (Node 24) + headless Chromium,
// with the emulator and a sandbox Snowflake home behind it. Prints a summary and writes it for `npm test`.
// Env: POSIT_SNOWFLAKE_TEST_GREP=<pattern> runs a subset.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/editor-deps.mjs';
import { runInEditor } from '../../scripts/editorRun.mjs';
import { startSandbox } from '../../scripts/sandbox.mjs';

const summaryFile = path.join(ROOT, '.test-runs', 'integration-summary.json');

function say(msg) {
  process.stdout.write(`[integration] ${msg}\n`);
}

async function main() {
  const t0 = Date.now();
  const runDir = path.join(ROOT, '.test-runs', 'integration');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const resultsFile = path.join(runDir, 'results.json');
  const sandbox = await startSandbox(path.join(runDir, 'sandbox'));
  let exitCode;
  try {
    say(`emulator at ${sandbox.info.snowflake}`);
    exitCode = await runInEditor({
      runDir,
      testsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
      env: {
        ...(sandbox.info.env ?? {}),
        POSIT_SNOWFLAKE_EMULATOR: sandbox.info.snowflake,
        POSIT_SNOWFLAKE_SANDBOX: JSON.stringify(sandbox.info),
        POSIT_SNOWFLAKE_TEST_RESULTS: resultsFile,
        POSIT_SNOWFLAKE_TEST_GREP: process.env.POSIT_SNOWFLAKE_TEST_GREP ?? '',
      },
    });
  } finally {
    await sandbox.stop();
  }
  let results = { passed: 0, failed: 1, failures: [{ title: 'integration runner', error: `the editor exited with ${exitCode} before writing results; see .test-runs/integration/code-server.log` }] };
  if (existsSync(resultsFile)) results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const f of results.failures) say(`FAILED ${f.title}\n${f.error}`);
  say(`${results.passed} passed, ${results.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  writeFileSync(summaryFile, JSON.stringify(results));
  process.exitCode = results.failed > 0 || exitCode !== 0 ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`[integration] ${err instanceof Error ? err.message : String(err)}\n`);
  mkdirSync(path.dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, JSON.stringify({ passed: 0, failed: 1, failures: [{ title: 'integration runner', error: String(err) }] }));
  process.exitCode = 1;
});
