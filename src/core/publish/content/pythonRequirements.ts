// What a Python project asks of the server when it says so in its own files: the interpreter constraint
// (`.python-version`, pyproject's `requires-python`; rsconnect-python rsconnect/pyproject.py, in the order it reads
// them) and, when there is no requirements.txt, requirements generated from pylock.toml, uv.lock or pyproject's
// dependencies, in that order and the same way as Publisher (interpreters/pythonDependencySources.ts).
import fs from 'node:fs';
import path from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// smol-toml ships ESM types only; its CommonJS build is what the bundle and tsx load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('smol-toml') as typeof SmolToml;

async function readToml(file: string): Promise<Record<string, unknown> | undefined> {
  const text = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A plain version as a PEP 440 constraint, as rsconnect-python's adapt_python_requires does: `3.11` or `3.11.9` →
 * `~=3.11.0`, `3` → `~=3.0`, `3.11.*` → `==3.11.*`; constraints with an operator stay. Undefined for what Connect
 * cannot use (implementations such as `pypy@3.10`, pre-releases).
 */
export function adaptPythonRequires(text: string): string | undefined {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const c = raw.trim();
    if (!c || /[@/]|-/.test(c) || /\d(a|b|rc)\d*$/.test(c)) return undefined;
    if (/^(===|==|!=|~=|<=|>=|<|>)/.test(c)) out.push(c);
    else if (!/^\d+(\.(\d+|\*))*$/.test(c)) return undefined;
    else if (c.includes('*')) out.push(`==${c}`);
    else out.push(`~=${[...c.split('.').slice(0, 2), '0'].join('.')}`);
  }
  return out.length ? out.join(',') : undefined;
}

/** `environment.python.requires` for the manifest: from `.python-version`, else pyproject's `requires-python`. */
export async function pythonRequires(dir: string): Promise<string | undefined> {
  const pinned = await fs.promises.readFile(path.join(dir, '.python-version'), 'utf8').catch(() => undefined);
  const first = pinned
    ?.split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#'));
  if (first) return adaptPythonRequires(first);
  const project = (await readToml(path.join(dir, 'pyproject.toml')))?.project as Record<string, unknown> | undefined;
  return typeof project?.['requires-python'] === 'string' ? project['requires-python'] : undefined;
}

export interface GeneratedRequirements {
  /** The file they came from, for the message that says so. */
  readonly source: 'pylock.toml' | 'uv.lock' | 'pyproject.toml';
  readonly lines: readonly string[];
}

function pinned(packages: unknown, skip: (p: Record<string, unknown>) => boolean): string[] | undefined {
  if (!Array.isArray(packages)) return undefined;
  return (packages as Record<string, unknown>[])
    .filter((p) => typeof p.name === 'string' && typeof p.version === 'string' && !skip(p))
    .map((p) => `${String(p.name)}==${String(p.version)}`);
}

/** Requirements from the project's lock file or pyproject.toml, or undefined when it has none of them. */
export async function generateRequirements(dir: string): Promise<GeneratedRequirements | undefined> {
  const pylock = pinned((await readToml(path.join(dir, 'pylock.toml')))?.packages, () => false);
  if (pylock) return { source: 'pylock.toml', lines: pylock };
  // The project itself (editable or virtual source) is not a requirement.
  const uv = pinned((await readToml(path.join(dir, 'uv.lock')))?.package, (p) => {
    const source = p.source as Record<string, unknown> | undefined;
    return source?.editable !== undefined || source?.virtual !== undefined;
  });
  if (uv) return { source: 'uv.lock', lines: uv };
  const project = (await readToml(path.join(dir, 'pyproject.toml')))?.project as Record<string, unknown> | undefined;
  const deps = project?.dependencies;
  if (Array.isArray(deps)) return { source: 'pyproject.toml', lines: deps.filter((d) => typeof d === 'string') };
  return undefined;
}
