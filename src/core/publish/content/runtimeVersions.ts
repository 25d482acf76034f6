// Finds the versions the manifest must name: Python (the project's .python-version or virtualenv, else python3 on
// PATH) and Quarto (`quarto --version`). R's version comes from renv.lock (see renvPackages.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RuntimeProbe {
  /** Python version (e.g. "3.11.4") the project runs with, or undefined when no Python is found. */
  python(dir: string): Promise<string | undefined>;
  /** Quarto version, or undefined when Quarto is not installed. */
  quarto(): Promise<string | undefined>;
}

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000, env, windowsHide: true }, (err, stdout, stderr) =>
      resolve(err ? undefined : `${stdout}${stderr}`),
    );
  });
}

function versionIn(text: string | undefined): string | undefined {
  return text ? /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] : undefined;
}

/** Probes the machine: the project's own interpreter first, the way the person runs it. */
export function systemRuntimeProbe(env: NodeJS.ProcessEnv = process.env): RuntimeProbe {
  return {
    async python(dir) {
      const pinned = await fs.promises.readFile(path.join(dir, '.python-version'), 'utf8').catch(() => undefined);
      const fromPin = versionIn(pinned);
      if (fromPin && /^\d+\.\d+\.\d+$/.test(fromPin)) return fromPin;
      const bin = process.platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python'];
      for (const venv of ['.venv', 'venv']) {
        const candidate = path.join(dir, venv, ...bin);
        if (fs.existsSync(candidate)) {
          const v = versionIn(await run(candidate, ['--version'], env));
          if (v) return v;
        }
      }
      for (const cmd of process.platform === 'win32' ? ['python', 'py'] : ['python3', 'python']) {
        const v = versionIn(await run(cmd, ['--version'], env));
        if (v) return v;
      }
      return fromPin;
    },
    async quarto() {
      return versionIn(await run('quarto', ['--version'], env));
    },
  };
}
