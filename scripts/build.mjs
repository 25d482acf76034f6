// Bundles the extension, the CLI, the SQL driver process, the lazily loaded SQL driver chunk and the real-editor test suites with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions, driverProcessEntry, gridBundleOptions, sqlDriverChunk } from './bundleOptions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
// Where the extension's bundles go: dist/ by default; packaging builds into its own staging folder so a running
// test or editor using dist/ is never disturbed.
const outArg = process.argv.indexOf('--outdir');
const outdir = outArg > 0 ? process.argv[outArg + 1] : 'dist';
const watch = process.argv.includes('--watch');

const common = bundleOptions({ production });

function listFiles(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, suffix));
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out;
}

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts', cli: 'src/cli/index.ts', ...driverProcessEntry },
    outdir,
    plugins: [sqlDriverChunk],
  },
  {
    ...common,
    entryPoints: { sqlDriver: 'src/core/snowflake/sqlDriverEntry.ts' },
    outdir,
    // The SDK's optional cloud and native pieces that are not installed stay runtime requires.
    external: ['vscode'],
  },
  gridBundleOptions({ production, outdir }),
];

if (!production) {
  const integration = path.join(root, 'test', 'integration');
  const suites = [path.join(integration, 'index.ts'), ...listFiles(path.join(integration, 'suites'), '.test.ts')];
  builds.push({
    ...common,
    entryPoints: suites.map((f) => ({
      in: f,
      out: path.relative(path.join(root, 'test', 'integration'), f).replace(/\.ts$/, ''),
    })),
    outdir: 'out/test/integration',
    external: ['vscode', 'mocha'],
    plugins: [sqlDriverChunk],
  });
  builds.push({
    ...common,
    entryPoints: {
      activationProbe: 'test/bench/activationProbe.ts',
      treeHostProbe: 'test/bench/treeHostProbe.ts',
      gridHostProbe: 'test/bench/gridHostProbe.ts',
    },
    outdir: 'out/test/bench',
  });
}

process.chdir(root);
if (!watch) {
  rmSync(outdir, { recursive: true, force: true });
  if (!production) rmSync('out', { recursive: true, force: true });
}
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
