// Starts the sandbox process (emulator + Snowflake home) and returns what it printed; shared by the test runners
// and `npm start`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { ROOT } from './editor-deps.mjs';

/** @returns {Promise<{ info: any, stop: () => Promise<void> }>} */
export async function startSandbox(dir, extraArgs = []) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'integration', 'sandboxProcess.ts'), '--dir', dir, ...extraArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the sandbox emulator exited with code ${code} before it was ready`)),
    );
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`the sandbox emulator printed something unexpected: ${line}`));
      }
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
    });
  return { info, stop };
}
