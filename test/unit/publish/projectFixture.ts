// Temporary projects for the publish tests: a folder built from a map of relative paths to contents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type FixtureFiles = Record<string, string | Buffer | { text: string | Buffer; mode: number }>;

const made: string[] = [];

/** Creates a project under a fresh temp dir; `removeProjects()` deletes them all. */
export function makeProject(files: FixtureFiles, name = 'project'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-sf-publish-'));
  made.push(root);
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) {
      fs.writeFileSync(p, content.text);
      fs.chmodSync(p, content.mode);
    } else {
      fs.writeFileSync(p, content);
    }
  }
  return dir;
}

/** A fresh empty temp dir (for bundles' temp files), removed with the projects. */
export function makeTempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-sf-bundles-'));
  made.push(d);
  return d;
}

export function removeProjects(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Deterministic pseudo-random bytes (incompressible content that is the same on every run). */
export function noise(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}
