// Starts code-server (a real VS Code server) on 127.0.0.1 with its state in a folder of the run, and stops it with
// every helper it spawned (by process group).
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}; see its log`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

/**
 * @param {{ node: string, entry: string, runDir: string, workspace: string, env?: Record<string,string>,
 *           extensionsDir?: string, port?: number, smokeTestDriver?: boolean }} opts
 */
export async function startCodeServer(opts) {
  const port = opts.port ?? (await freePort());
  const dirs = {
    userData: path.join(opts.runDir, 'user-data'),
    extensions: opts.extensionsDir ?? path.join(opts.runDir, 'extensions'),
    xdgConfig: path.join(opts.runDir, 'xdg-config'),
    xdgData: path.join(opts.runDir, 'xdg-data'),
    tmp: path.join(opts.runDir, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const args = [
    opts.entry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
  ];
  if (opts.smokeTestDriver !== false) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(opts.workspace);
  const logFile = path.join(opts.runDir, 'code-server.log');
  const out = openSync(logFile, 'a');
  const child = spawn(opts.node, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: dirs.xdgConfig,
      XDG_DATA_HOME: dirs.xdgData,
      TMPDIR: dirs.tmp,
      ...opts.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, pid: child.pid, logFile, dirs, stop };
}

/** Installs a packaged extension into an extensions folder (a .vsix path is the only form code-server accepts). */
export async function installVsix({ node, entry, extensionsDir, vsix, runDir }) {
  mkdirSync(extensionsDir, { recursive: true });
  await new Promise((resolve, reject) => {
    const child = spawn(node, [entry, '--extensions-dir', extensionsDir, '--install-extension', vsix], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
        XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`installing ${vsix} failed (${code}):\n${output}`)),
    );
  });
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** @param {readonly string[]} [extraArgs] switches a journey adds, e.g. `--host-resolver-rules` */
export async function launchChromium(executablePath, runDir, extraArgs = []) {
  const { chromium } = await import('playwright-core');
  const userDataDir = path.join(runDir, 'chromium');
  mkdirSync(userDataDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1400, height: 900 },
  });
  return context;
}
