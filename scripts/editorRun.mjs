// Runs a tests module inside a real VS Code extension host (code-server + headless Chromium) and returns its exit
// code. Shared by the integration runner and the activation benchmark.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { ensureEditor, ROOT } from './editor-deps.mjs';
import { launchChromium, startCodeServer } from './codeServer.mjs';

/**
 * @param {{ runDir: string, testsPath: string, devPaths?: string[], env?: Record<string,string>,
 *           extensionsDir?: string, timeoutMs?: number, onLog?: (text: string) => void }} opts
 */
export async function runInEditor(opts) {
  const editor = ensureEditor();
  const workspace = path.join(opts.runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const cleanups = [];
  try {
    const cs = await startCodeServer({
      ...editor,
      runDir: opts.runDir,
      workspace,
      env: opts.env ?? {},
      extensionsDir: opts.extensionsDir,
    });
    cleanups.push(cs.stop);
    const browser = await launchChromium(editor.chromium, opts.runDir);
    cleanups.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    const done = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    const onLog = opts.onLog ?? ((text) => process.stdout.write(`${text}\n`));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!text.startsWith('[AgentHost]')) onLog(text);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const payload = [
      ...(opts.devPaths ?? [ROOT]).map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(opts.testsPath)],
    ];
    await page.goto(
      `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    const timeoutMs = opts.timeoutMs ?? 12 * 60_000;
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const code = await Promise.race([done, timeout]);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(opts.runDir, 'timeout.png') }).catch(() => undefined);
      throw new Error(
        `the extension host did not finish within ${timeoutMs / 1000} s; see ${path.relative(ROOT, opts.runDir)}/code-server.log and timeout.png`,
      );
    }
    return code;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
