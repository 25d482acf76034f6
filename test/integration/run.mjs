// Runs the integration suites inside a real VS Code extension host: code-server (Node 24) + headless Chromium,
// with the emulator and a sandbox Snowflake home behind it, loading the test host (scripts/testHost.mjs) as our
// extension. Prints a summary and writes it for `npm test`.
// Env: POSIT_SNOWFLAKE_TEST_GREP=<pattern> runs a subset.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/editor-deps.mjs';
import { runInEditor } from '../../scripts/editorRun.mjs';
import { startSandbox } from '../../scripts/sandbox.mjs';
import { stageTestHost } from '../../scripts/testHost.mjs';

const summaryFile = path.join(ROOT, '.test-runs', 'integration-summary.json');

function say(msg) {
  process.stdout.write(`[integration] ${msg}\n`);
}

/** One pass: a fresh editor with the given environment, running the suites the grep selects. */
async function pass(name, sandbox, extension, env, grep, invert) {
  const runDir = path.join(ROOT, '.test-runs', 'integration', name);
  mkdirSync(runDir, { recursive: true });
  const resultsFile = path.join(runDir, 'results.json');
  say(`${name}: emulator at ${sandbox.info.snowflake}`);
  const exitCode = await runInEditor({
    runDir,
    testsPath: path.join(extension, 'tests', 'index.js'),
    devPaths: [extension],
    env: {
      ...env,
      POSIT_SNOWFLAKE_EMULATOR: sandbox.info.snowflake,
      POSIT_SNOWFLAKE_SANDBOX: JSON.stringify(sandbox.info),
      POSIT_SNOWFLAKE_TEST_RESULTS: resultsFile,
      POSIT_SNOWFLAKE_TEST_GREP: grep,
      POSIT_SNOWFLAKE_TEST_INVERT: invert ? '1' : '0',
    },
  });
  if (existsSync(resultsFile)) return JSON.parse(readFileSync(resultsFile, 'utf8'));
  return {
    passed: 0,
    failed: 1,
    failures: [
      {
        title: `integration runner (${name})`,
        error: `the editor exited with ${exitCode} before writing results; see .test-runs/integration/${name}/code-server.log`,
      },
    ],
  };
}

async function main() {
  const t0 = Date.now();
  const root = path.join(ROOT, '.test-runs', 'integration');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const extension = await stageTestHost(path.join(root, 'extension'), { suites: true });
  const sandbox = await startSandbox(path.join(root, 'sandbox'));
  const only = process.env.POSIT_SNOWFLAKE_TEST_GREP ?? '';
  const results = { passed: 0, failed: 0, failures: [] };
  try {
    // The user's own connections (SNOWFLAKE_HOME = the sandbox home); then a Posit Workbench session, where
    // SNOWFLAKE_HOME is Workbench's rotating directory and the user's own files sit in ~/.snowflake.
    const passes = [
      ['user', sandbox.info.env, only || '@workbench', !only],
      ['workbench', sandbox.info.editorEnv, '@workbench', false],
    ];
    for (const [name, env, grep, invert] of passes) {
      // A filter naming @workbench runs only the Workbench pass; any other filter only the user's.
      if (only && (name === 'workbench') !== only.includes('@workbench')) continue;
      const r = await pass(name, sandbox, extension, env, grep, invert);
      results.passed += r.passed;
      results.failed += r.failed;
      results.failures.push(...r.failures);
    }
  } finally {
    await sandbox.stop();
  }
  for (const f of results.failures) say(`FAILED ${f.title}\n${f.error}`);
  say(`${results.passed} passed, ${results.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  writeFileSync(summaryFile, JSON.stringify(results));
  process.exitCode = results.failed > 0 ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`[integration] ${err instanceof Error ? err.message : String(err)}\n`);
  mkdirSync(path.dirname(summaryFile), { recursive: true });
  writeFileSync(
    summaryFile,
    JSON.stringify({ passed: 0, failed: 1, failures: [{ title: 'integration runner', error: String(err) }] }),
  );
  process.exitCode = 1;
});
