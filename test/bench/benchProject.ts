// Generates (once, cached under the OS temp dir) the benchmark project: 200 MB in 10,000 files with realistic
// compressibility — text-like files (CSV, code, prose) that gzip 3–6×, and random-ish binaries that hardly compress.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchProject {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

const VERSION = 'v1';
const TOTAL_BYTES = 200 * 1024 * 1024;
const FILE_COUNT = 10_000;
const BINARY_SHARE = 0.35;

/** A small seeded PRNG (mulberry32): the same project on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is for on with as by at from that this be are was it an or sales region revenue quarter ' +
  'customer order product price total count date value model data table report average growth forecast ' +
  'snowflake connect publish posit analysis mean median weight score user session warehouse schema query ' +
  'import def return class self if else for while print function const let var async await true false none'
).split(' ');

function textContent(size: number, rand: () => number): Buffer {
  const kind = Math.floor(rand() * 3);
  const parts: string[] = [];
  let len = 0;
  let row = 0;
  while (len < size) {
    let line: string;
    if (kind === 0) {
      line = `${row},${WORDS[Math.floor(rand() * WORDS.length)]},${(rand() * 10000).toFixed(2)},2024-${1 + (row % 12)}-${1 + (row % 28)},${Math.floor(rand() * 1e6)}`;
    } else if (kind === 1) {
      const indent = '    '.repeat(Math.floor(rand() * 3));
      const n = 3 + Math.floor(rand() * 8);
      const words: string[] = [];
      for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
      line = `${indent}${words.join(rand() < 0.3 ? '_' : ' ')}(${Math.floor(rand() * 100)})`;
    } else {
      const n = 8 + Math.floor(rand() * 14);
      const words: string[] = [];
      for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
      line = `${words.join(' ')}.`;
    }
    parts.push(line);
    len += line.length + 1;
    row++;
  }
  return Buffer.from(parts.join('\n') + '\n').subarray(0, size);
}

function binaryContent(size: number, rand: () => number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  // Mostly random words with short repeated runs, like images or parquet pages: gzip saves a few percent.
  let x = Math.floor(rand() * 0xffffffff) >>> 0;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf.writeUInt32LE((x & 0xff) < 24 ? 0 : x, i);
  }
  for (let i = size - (size % 4); i < size; i++) buf[i] = 0;
  return buf;
}

function plannedSizes(rand: () => number): number[] {
  // Log-normal sizes (median ≈ 7 KB, a long tail up to a few MB), scaled to the total.
  const raw: number[] = [];
  for (let i = 0; i < FILE_COUNT; i++) {
    const u1 = Math.max(rand(), 1e-12);
    const u2 = rand();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    raw.push(Math.exp(1.5 * z));
  }
  const sum = raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.max(1, Math.floor((r / sum) * TOTAL_BYTES)));
  sizes[0]! += TOTAL_BYTES - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

function generate(dir: string): void {
  const rand = prng(20240607);
  const sizes = plannedSizes(rand);
  const dirs: string[] = [''];
  for (let i = 0; i < 200; i++) {
    const parent = dirs[Math.floor(rand() * dirs.length)]!;
    if (parent.split('/').length > 4) continue;
    dirs.push(path.posix.join(parent, `dir${i}`));
  }
  for (const d of dirs) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Bench</title><p>Benchmark project.</p>\n');
  sizes.forEach((size, i) => {
    const binary = rand() < BINARY_SHARE;
    const where = dirs[Math.floor(rand() * dirs.length)]!;
    const name = `${binary ? 'blob' : 'file'}${i}.${binary ? 'bin' : ['csv', 'py', 'md'][i % 3]}`;
    fs.writeFileSync(path.join(dir, where, name), binary ? binaryContent(size, rand) : textContent(size, rand));
  });
}

/** The cached project, generated on first use (about 20 s). */
export function ensureBenchProject(): BenchProject {
  const root = path.join(os.tmpdir(), 'posit-snowflake-bench', `project-${VERSION}`);
  const marker = path.join(root, '.complete');
  if (!fs.existsSync(marker)) {
    fs.rmSync(root, { recursive: true, force: true });
    const dir = path.join(root, 'project');
    fs.mkdirSync(dir, { recursive: true });
    generate(dir);
    fs.writeFileSync(marker, new Date().toISOString());
  }
  return { dir: path.join(root, 'project'), files: FILE_COUNT + 1, bytes: TOTAL_BYTES + 60 };
}
