// Runs one benchmark module in its own process and writes its results as JSON (used by `npm run bench`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResult } from './types';

async function main(): Promise<void> {
  const [file, out] = process.argv.slice(2);
  if (!file || !out) throw new Error('usage: runOne <bench file> <out.json>');
  const mod = (await import(path.resolve(file))) as {
    run?: () => Promise<BenchResult[]>;
    default?: { run?: () => Promise<BenchResult[]> };
  };
  const run = mod.run ?? mod.default?.run;
  if (!run) throw new Error(`${file} exports no run()`);
  fs.writeFileSync(out, JSON.stringify(await run()));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
