// Publish bundle benchmark: our bundler against GNU `tar czf` on the same generated project (200 MB in 10,000
// files, cached under the OS temp dir), in the same run, alternating, median of three; plus the bundler's peak RSS.
// Targets (issue 9): throughput ≥ 1.0× GNU tar czf, peak memory < 150 MB. Run alone: npx tsx test/bench/publish.bench.ts
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { ensureBenchProject } from './benchProject';
import { printResults, type BenchResult } from './types';

const ROUNDS = 3;
const MB = 2 ** 20;

interface WorkerRun {
  readonly ms: number;
  readonly contentBytes: number;
  readonly files: number;
  readonly size: number;
  readonly peakRssMb: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The worker as plain JavaScript, so the figures are node's, not the TypeScript loader's. */
function buildWorker(dir: string): string {
  const out = path.join(dir, 'publishBundleWorker.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'publishBundleWorker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

function runOurs(worker: string, project: string, temp: string): WorkerRun {
  const r = spawnSync(process.execPath, [worker, project, temp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundler worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as WorkerRun;
}

function runTar(project: string, temp: string): { ms: number; size: number } {
  const out = path.join(temp, 'gnu.tar.gz');
  const t0 = performance.now();
  const r = spawnSync('tar', ['czf', out, '-C', project, '.'], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`tar czf failed: ${r.stderr}`);
  const size = fs.statSync(out).size;
  fs.rmSync(out, { force: true });
  return { ms, size };
}

export async function run(): Promise<BenchResult[]> {
  const project = ensureBenchProject();
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-snowflake-bench-run-'));
  try {
    const worker = buildWorker(temp);
    runOurs(worker, project.dir, temp); // warm the page cache and the disk for both contenders
    const ours: WorkerRun[] = [];
    const tar: { ms: number; size: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      tar.push(runTar(project.dir, temp));
      ours.push(runOurs(worker, project.dir, temp));
    }
    const bytes = ours[0]!.contentBytes / MB;
    const oursRate = bytes / (median(ours.map((r) => r.ms)) / 1000);
    const tarRate = bytes / (median(tar.map((r) => r.ms)) / 1000);
    const peak = Math.max(...ours.map((r) => r.peakRssMb));
    const sizeRatio = median(ours.map((r) => r.size)) / median(tar.map((r) => r.size));
    return [
      {
        name: `publish: bundle ${Math.round(bytes)} MB / ${ours[0]!.files} files (throughput)`,
        value: oursRate,
        unit: 'MB/s',
        baseline: tarRate,
        baselineName: 'GNU tar czf',
        ratio: oursRate / tarRate,
        target: '≥ 1.0×',
        met: oursRate >= tarRate,
      },
      { name: 'publish: bundle peak memory (RSS)', value: peak, unit: 'MB', target: '< 150 MB', met: peak < 150 },
      {
        name: 'publish: bundle size vs tar czf',
        value: median(ours.map((r) => r.size)) / MB,
        unit: 'MB',
        baseline: median(tar.map((r) => r.size)) / MB,
        baselineName: 'GNU tar czf',
        ratio: sizeRatio,
        target: 'same compression (≤ 1.01×)',
        met: sizeRatio <= 1.01,
      },
    ];
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

if (require.main === module) void run().then(printResults);
