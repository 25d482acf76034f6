// One bundling run in a process of its own (bundled with esbuild and run by plain node, like the shipped extension),
// so its peak memory is the bundler's alone. Prints one JSON line: time, sizes, peak RSS.
import fs from 'node:fs';
import { createBundle } from '../../src/core/publish/bundle/bundler';
import { detectContent } from '../../src/core/publish/content/detectContent';
import { buildManifest, gatherManifestInputs, manifestBytes } from '../../src/core/publish/content/manifest';
import { listProjectFiles } from '../../src/core/publish/bundle/projectFiles';
import { fixedRuntimeProbe } from '../support/fixedRuntimeProbe';

function peakRssMb(sampled: number): number {
  try {
    const hwm = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hwm) return Number(hwm) / 1024;
  } catch {
    // not Linux: the sampled figure is all there is
  }
  return sampled;
}

async function main(): Promise<void> {
  const [dir, tempDir] = process.argv.slice(2);
  if (!dir || !tempDir) throw new Error('usage: publishBundleWorker <project dir> <temp dir>');
  let sampled = process.memoryUsage().rss;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  const detection = await detectContent(dir);
  if (!detection) throw new Error('the bench project was not detected');
  const listing = await listProjectFiles(dir);
  const inputs = await gatherManifestInputs(dir, detection, listing, fixedRuntimeProbe({}));
  const bundle = await createBundle({
    entries: listing.entries,
    manifest: (c) => manifestBytes(buildManifest(inputs, c)),
    tempDir,
  });
  const ms = performance.now() - t0;
  clearInterval(timer);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  process.stdout.write(
    `${JSON.stringify({ ms, contentBytes: bundle.contentBytes, files: bundle.fileCount, size: bundle.size, peakRssMb: peakRssMb(sampled / 2 ** 20), sampledRssMb: sampled / 2 ** 20 })}\n`,
  );
  await bundle.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
