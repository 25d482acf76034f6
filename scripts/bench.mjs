// `npm run bench`: every benchmark under test/bench/, each in its own process, then one table of figures, baselines
// measured in the same run, ratios and targets; the figures also go to bench-results.json. Nothing here fails on time.
// `npm run bench -- tree publish` runs only the benchmarks whose file names contain one of the words.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './editor-deps.mjs';

process.chdir(ROOT);
const only = process.argv.slice(2);
// The development build makes the in-editor probes (out/); the package is built from minified bundles, so every
// figure is of what users install.
for (const script of ['scripts/build.mjs', 'scripts/package.mjs']) {
  if (spawnSync('node', [script], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) process.exit(1);
}
const files = readdirSync('test/bench')
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((w) => f.includes(w))))
  .sort();
const runs = path.join(ROOT, '.test-runs');
mkdirSync(runs, { recursive: true });
const all = [];
const problems = [];
for (const f of files) {
  process.stdout.write(`[bench] ${f} …\n`);
  const out = path.join(runs, `bench-${f}.json`);
  const res = spawnSync(
    'node',
    ['--expose-gc', '--import', 'tsx', 'test/bench/runOne.ts', path.join('test/bench', f), out],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (res.status !== 0 || !existsSync(out)) {
    problems.push(`${f} did not finish (exit ${res.status})`);
    continue;
  }
  all.push(...JSON.parse(readFileSync(out, 'utf8')).map((r) => ({ ...r, bench: f })));
}
const { printResults } = await import('../test/bench/types.ts');
process.stdout.write('\n');
printResults(all);
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
writeFileSync(
  path.join(ROOT, 'bench-results.json'),
  JSON.stringify({ at: new Date().toISOString(), machine, results: all, problems }, null, 2),
);
for (const p of problems) process.stdout.write(`[bench] ${p}\n`);
process.stdout.write(
  `[bench] machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; figures in bench-results.json\n`,
);
