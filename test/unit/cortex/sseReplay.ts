// Test helpers: recorded SSE fixtures, a seeded random splitter, and a replay through parser + assembler.
import fs from 'node:fs';
import path from 'node:path';
import { CortexStreamParser } from '../../../src/core/cortex/convert/streamParser';
import { CortexResponseAssembler } from '../../../src/core/cortex/convert/responseConverter';
import type { ResponsePart } from '../../../src/core/cortex/types';

const dir = path.join(__dirname, 'fixtures');

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(dir, name));
}

/** Deterministic pseudo-random numbers (so a failing split can be replayed). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Cuts bytes at random points (1..maxLen bytes per piece). */
export function randomSplit(bytes: Uint8Array, rand: () => number, maxLen = 17): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = 1 + Math.floor(rand() * maxLen);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Feeds chunks through the parser and the assembler, as the client does; returns the parts in order. */
export function replay(chunks: readonly Uint8Array[]): ResponsePart[] {
  const parser = new CortexStreamParser();
  const assembler = new CortexResponseAssembler();
  const parts: ResponsePart[] = [];
  const take = (data: string): void => void parts.push(...assembler.push(JSON.parse(data)));
  for (const c of chunks) for (const ev of parser.push(c)) take(ev.data);
  for (const ev of parser.end()) take(ev.data);
  parts.push(...assembler.finish());
  return parts;
}

/** Adjacent text parts joined, so runs compare independent of how the text was cut. */
export function textOf(parts: readonly ResponsePart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}
