// The journeys: each in a fresh code-server with the packaged .vsix installed, against one emulator. Each asserts
// what is on screen and saves screenshots; a failure saves a screenshot and the logs. Ends "N passed, N failed".
// Usage: npm run test:e2e [-- <journey name filter>]
//        npm run screenshots   (= --readme-shots, or POSIT_SNOWFLAKE_README_SHOTS=1: also refreshes media/screenshot-*.png)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Person, ROOT, RUN_DIR, type JourneyModule, type SandboxInfo } from './harness';

interface Modules {
  deps: typeof import('../../scripts/editor-deps.mjs');
  cs: typeof import('../../scripts/codeServer.mjs');
  sandbox: typeof import('../../scripts/sandbox.mjs');
}

async function loadModules(): Promise<Modules> {
  const load = async (name: string): Promise<any> => import(path.join(ROOT, 'scripts', name));
  return { deps: await load('editor-deps.mjs'), cs: await load('codeServer.mjs'), sandbox: await load('sandbox.mjs') };
}

async function journeys(): Promise<[string, JourneyModule][]> {
  const dir = path.join(__dirname, 'journeys');
  const out: [string, JourneyModule][] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    out.push([f.replace(/\.ts$/, ''), (await import(path.join(dir, f))) as JourneyModule]);
  }
  return out;
}

/** The editor's environment: a Posit Workbench session or the user's own Snowflake home, plus the journey's extras. */
function editorEnvOf(mod: JourneyModule, sandbox: SandboxInfo, runDir: string, port: number): Record<string, string> {
  const base = mod.env === 'workbench' ? sandbox.workbenchEnv : sandbox.env;
  return { ...base, ...(mod.editorEnv?.(sandbox, runDir, { port }) ?? {}) };
}

/** User settings and keybindings, as a person would have them in their settings.json / keybindings.json. */
function writeUserFiles(mod: JourneyModule, sandbox: SandboxInfo, runDir: string): void {
  const userDir = path.join(runDir, 'user-data', 'User');
  fs.mkdirSync(userDir, { recursive: true });
  // The workspace is a copy inside this repository's folder: without this, Git offers to open the parent repository.
  const settings = {
    'workbench.tips.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    ...(mod.settings ?? {}),
  };
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
  if (mod.keybindings)
    fs.writeFileSync(path.join(userDir, 'keybindings.json'), JSON.stringify(mod.keybindings(sandbox), null, 2));
}

/** Leaves the shared emulator as the next journey expects it: no faults, Cortex at full speed. */
async function resetEmulator(sandbox: SandboxInfo): Promise<void> {
  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${sandbox.snowflake}/__emulator/${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).catch(() => undefined);
  await call('DELETE', 'faults');
  await call('POST', 'cortex', { frameDelayMs: 0, clear: true });
}

async function runJourney(
  m: Modules,
  name: string,
  mod: JourneyModule,
  sandbox: SandboxInfo,
  vsix: string,
): Promise<string | undefined> {
  const runDir = path.join(RUN_DIR, name);
  fs.rmSync(runDir, { recursive: true, force: true });
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'sandbox-workspace'), workspace, { recursive: true });
  const editor = m.deps.ensureEditor();
  const extensionsDir = path.join(runDir, 'extensions');
  await m.cs.installVsix({ ...editor, extensionsDir, vsix, runDir });
  writeUserFiles(mod, sandbox, runDir);
  const port = await m.cs.freePort();
  const cs = await m.cs.startCodeServer({
    ...editor,
    runDir,
    workspace,
    extensionsDir,
    port,
    smokeTestDriver: false,
    env: editorEnvOf(mod, sandbox, runDir, port),
  });
  cleanups.add(cs.stop);
  const browser = await m.cs.launchChromium(editor.chromium, runDir, mod.chromiumArgs ?? []);
  const closeBrowser = (): Promise<void> => browser.close().catch(() => undefined);
  cleanups.add(closeBrowser);
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleLines: string[] = [];
  page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  const shots = path.join(runDir, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  const person = new Person(page, browser, sandbox, workspace, shots);
  try {
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await mod.journey(person);
    return undefined;
  } catch (err) {
    await page.screenshot({ path: path.join(runDir, 'failure.png') }).catch(() => undefined);
    fs.writeFileSync(path.join(runDir, 'browser-console.log'), consoleLines.join('\n'));
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    await closeBrowser();
    await cs.stop();
    cleanups.delete(closeBrowser);
    cleanups.delete(cs.stop);
    await resetEmulator(sandbox);
  }
}

/** What must be stopped however the run ends (a failed journey, Ctrl-C, a crash): code-server, Chromium, the sandbox. */
const cleanups = new Set<() => Promise<void>>();

async function cleanUp(): Promise<void> {
  for (const stop of [...cleanups].reverse()) await stop().catch(() => undefined);
  cleanups.clear();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}
// A journey that leaves a promise failing after it ended must not kill the run before it cleans up.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `e2e: a promise failed after its journey moved on: ${reason instanceof Error ? reason.message : String(reason)}\n`,
  );
});

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--readme-shots')) process.env.POSIT_SNOWFLAKE_README_SHOTS = '1';
  const filter = args.find((a) => !a.startsWith('--'));
  const m = await loadModules();
  fs.mkdirSync(RUN_DIR, { recursive: true });
  execFileSync('node', ['scripts/package.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const sb = await m.sandbox.startSandbox(path.join(RUN_DIR, 'sandbox'));
  cleanups.add(sb.stop);
  let passed = 0;
  let failed = 0;
  const seconds: Record<string, number> = {};
  const started = Date.now();
  try {
    for (const [name, mod] of await journeys()) {
      if (filter && !name.includes(filter)) continue;
      const t0 = Date.now();
      const error = await runJourney(m, name, mod, sb.info, vsix);
      seconds[name] = (Date.now() - t0) / 1000;
      const secs = seconds[name].toFixed(1);
      if (error) {
        failed++;
        const dir = path.relative(ROOT, path.join(RUN_DIR, name));
        process.stdout.write(
          `  ✘ ${name} (${secs} s)\n${error}\n    screenshot and logs: ${dir}/failure.png, ${dir}/browser-console.log, ${dir}/code-server.log, extension logs under ${dir}/user-data/logs\n`,
        );
      } else {
        passed++;
        process.stdout.write(`  ✔ ${name} (${secs} s)\n`);
      }
    }
  } finally {
    await cleanUp();
  }
  const totalSeconds = (Date.now() - started) / 1000;
  fs.writeFileSync(
    path.join(ROOT, '.test-runs', 'e2e-summary.json'),
    JSON.stringify({ passed, failed, seconds, totalSeconds }),
  );
  process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch(async (err: unknown) => {
  await cleanUp();
  process.stderr.write(`e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  fs.mkdirSync(path.join(ROOT, '.test-runs'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, '.test-runs', 'e2e-summary.json'),
    JSON.stringify({ passed: 0, failed: 1, error: String(err) }),
  );
  process.exitCode = 1;
});
