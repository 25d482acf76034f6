// `npm start`: the sandbox. Installs what is missing, packages the extension, starts the emulator with a sandbox
// Snowflake home, opens code-server with the extension on 127.0.0.1 and prints the URL. Ctrl-C stops everything.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureEditor, ROOT } from './editor-deps.mjs';
import { installVsix, startCodeServer } from './codeServer.mjs';
import { sandboxGuide } from './sandboxGuide.mjs';
import { startSandbox } from './sandbox.mjs';

function say(msg) {
  process.stdout.write(`[sandbox] ${msg}\n`);
}

/**
 * The sandbox workspace sits inside this repository, so Git would offer to open the parent repository on the first
 * open; the journeys switch that off the same way. Settings the person changed since are kept.
 */
function writeSandboxSettings(file) {
  mkdirSync(path.dirname(file), { recursive: true });
  let settings = {};
  try {
    settings = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // first start (or a file we cannot read as plain JSON: start over with ours)
  }
  writeFileSync(file, JSON.stringify({ 'git.openRepositoryInParentFolders': 'never', ...settings }, null, 2));
}

async function main() {
  process.chdir(ROOT);
  if (!existsSync(path.join(ROOT, 'node_modules', '.package-lock.json')))
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  const editor = ensureEditor();
  execFileSync('node', ['scripts/package.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const runDir = path.join(ROOT, '.sandbox');
  mkdirSync(runDir, { recursive: true });
  const workspace = path.join(runDir, 'workspace');
  if (!existsSync(workspace))
    cpSync(path.join(ROOT, 'test', 'fixtures', 'sandbox-workspace'), workspace, { recursive: true });
  const extensionsDir = path.join(runDir, 'extensions');
  writeSandboxSettings(path.join(runDir, 'user-data', 'User', 'settings.json'));
  await installVsix({ ...editor, extensionsDir, vsix: path.join(ROOT, `${name}-${version}.vsix`), runDir });

  const sandbox = await startSandbox(path.join(runDir, 'snowflake'), ['--rotate-seconds', '180']);
  const stops = [sandbox.stop];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  const cs = await startCodeServer({
    ...editor,
    runDir,
    workspace,
    extensionsDir,
    smokeTestDriver: false,
    env: sandbox.info.editorEnv ?? sandbox.info.env ?? {},
  });
  stops.push(cs.stop);
  writeFileSync(path.join(runDir, 'sandbox.json'), JSON.stringify({ ...sandbox.info, editor: cs.url }, null, 2));
  for (const line of sandboxGuide(sandbox.info, `${cs.url}/?folder=${encodeURIComponent(workspace)}`)) say(line);
}

main().catch((err) => {
  process.stderr.write(`[sandbox] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
