// Runs the integration suites inside a real VS Code extension host: code-server (Node 24) + headless Chromium,
// with the emulator and a sandbox Snowflake home behind it. Prints a summary and writes it for `npm test`.
// Env: POSIT_SNOWFLAKE_TEST_GREP=<pattern> runs a subset.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { ensureEditor, ROOT } from '../../scripts/editor-deps.mjs';
import { startCodeServer, launchChromium } from '../../scripts/codeServer.mjs';
import { startSandbox } from '../../scripts/sandbox.mjs';

const TIMEOUT_MS = Number(process.env.POSIT_SNOWFLAKE_INTEGRATION_TIMEOUT_MS ?? 12 * 60_000);

function say(msg) {
  process.stdout.write(`[integration] ${msg}\n`);
}

async function main() {
  const t0 = Date.now();
  const editor = ensureEditor();
  const runDir = path.join(ROOT, '.test-runs', 'integration');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const workspace = path.join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const resultsFile = path.join(runDir, 'results.json');
  const cleanups = [];
  let exitCode = 1;
  try {
    const sandbox = await startSandbox(path.join(runDir, 'sandbox'));
    cleanups.push(sandbox.stop);
    say(`emulator at ${sandbox.info.snowflake}`);
    const cs = await startCodeServer({
      ...editor,
      runDir,
      workspace,
      env: {
        ...(sandbox.info.env ?? {}),
        POSIT_SNOWFLAKE_EMULATOR: sandbox.info.snowflake,
        POSIT_SNOWFLAKE_SANDBOX: JSON.stringify(sandbox.info),
        POSIT_SNOWFLAKE_TEST_RESULTS: resultsFile,
        POSIT_SNOWFLAKE_TEST_GREP: process.env.POSIT_SNOWFLAKE_TEST_GREP ?? '',
      },
    });
    cleanups.push(cs.stop);
    say(`code-server at ${cs.url}`);
    const browser = await launchChromium(editor.chromium, runDir);
    cleanups.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    const done = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!text.startsWith('[AgentHost]')) process.stdout.write(`${text}\n`);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out', 'test', 'integration', 'index.js'))],
    ];
    const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS).unref());
    const code = await Promise.race([done, timeout]);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(runDir, 'timeout.png') }).catch(() => undefined);
      throw new Error(`the extension host did not finish within ${TIMEOUT_MS / 1000} s; see ${path.relative(ROOT, runDir)}/code-server.log and timeout.png`);
    }
    exitCode = code;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
  let results = { passed: 0, failed: exitCode === 0 ? 0 : 1, failures: [] };
  if (existsSync(resultsFile)) results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  else if (exitCode !== 0) say('the test runner inside the editor failed before running the suites; see .test-runs/integration/code-server.log');
  for (const f of results.failures) say(`FAILED ${f.title}\n${f.error}`);
  say(`${results.passed} passed, ${results.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  writeFileSync(path.join(ROOT, '.test-runs', 'integration-summary.json'), JSON.stringify(results));
  process.exitCode = results.failed > 0 || exitCode !== 0 ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`[integration] ${err instanceof Error ? err.message : String(err)}\n`);
  writeFileSync(path.join(ROOT, '.test-runs', 'integration-summary.json'), JSON.stringify({ passed: 0, failed: 1, failures: [{ title: 'integration runner', error: String(err) }] }));
  process.exitCode = 1;
});
