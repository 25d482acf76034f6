// The journeys: each in a fresh code-server with the packaged .vsix installed, against one emulator. Each asserts
// what is on screen and saves screenshots; a failure saves a screenshot and the logs. Ends "N passed, N failed".
// Usage: npm run test:e2e [-- <journey name filter>]   (POSIT_SNOWFLAKE_README_SHOTS=1 refreshes media/*.png)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Person, ROOT, RUN_DIR, type Journey, type SandboxInfo } from './harness';

interface Modules {
  deps: typeof import('../../scripts/editor-deps.mjs');
  cs: typeof import('../../scripts/codeServer.mjs');
  sandbox: typeof import('../../scripts/sandbox.mjs');
}

async function loadModules(): Promise<Modules> {
  const load = async (name: string): Promise<any> => import(path.join(ROOT, 'scripts', name));
  return { deps: await load('editor-deps.mjs'), cs: await load('codeServer.mjs'), sandbox: await load('sandbox.mjs') };
}

async function journeys(): Promise<[string, Journey][]> {
  const dir = path.join(__dirname, 'journeys');
  const out: [string, Journey][] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
    const mod = (await import(path.join(dir, f))) as { journey: Journey };
    out.push([f.replace(/\.ts$/, ''), mod.journey]);
  }
  return out;
}

async function runJourney(m: Modules, name: string, journey: Journey, sandbox: SandboxInfo & { editorEnv?: Record<string, string>; env?: Record<string, string> }, vsix: string): Promise<string | undefined> {
  const runDir = path.join(RUN_DIR, name);
  fs.rmSync(runDir, { recursive: true, force: true });
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'sandbox-workspace'), workspace, { recursive: true });
  const editor = m.deps.ensureEditor();
  const extensionsDir = path.join(runDir, 'extensions');
  await m.cs.installVsix({ ...editor, extensionsDir, vsix, runDir });
  const cs = await m.cs.startCodeServer({ ...editor, runDir, workspace, extensionsDir, smokeTestDriver: false, env: sandbox.editorEnv ?? sandbox.env ?? {} });
  const browser = await m.cs.launchChromium(editor.chromium, runDir);
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleLines: string[] = [];
  page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  const shots = path.join(runDir, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  const person = new Person(page, browser, sandbox, workspace, shots);
  try {
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await journey(person);
    return undefined;
  } catch (err) {
    await page.screenshot({ path: path.join(runDir, 'failure.png') }).catch(() => undefined);
    fs.writeFileSync(path.join(runDir, 'browser-console.log'), consoleLines.join('\n'));
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
  }
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const m = await loadModules();
  fs.mkdirSync(RUN_DIR, { recursive: true });
  execFileSync('node', ['scripts/package.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const sb = await m.sandbox.startSandbox(path.join(RUN_DIR, 'sandbox'));
  let passed = 0;
  let failed = 0;
  try {
    for (const [name, journey] of await journeys()) {
      if (filter && !name.includes(filter)) continue;
      const t0 = Date.now();
      const error = await runJourney(m, name, journey, sb.info, vsix);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (error) {
        failed++;
        process.stdout.write(`  ✘ ${name} (${secs} s)\n${error}\n    screenshot and logs: ${path.relative(ROOT, path.join(RUN_DIR, name))}\n`);
      } else {
        passed++;
        process.stdout.write(`  ✔ ${name} (${secs} s)\n`);
      }
    }
  } finally {
    await sb.stop();
  }
  fs.writeFileSync(path.join(ROOT, '.test-runs', 'e2e-summary.json'), JSON.stringify({ passed, failed }));
  process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
