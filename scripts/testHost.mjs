// Stages the extension as the real-editor tests load it: our package.json and media with a bundle built from
// test/integration/host/extension.ts, which composes the same extension and adds what only the tests may look at.
// The runner loads this folder instead of the repository, so nothing of the kind ships in dist/.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleOptions, driverProcessEntry, gridBundleOptions, sqlDriverChunk } from './bundleOptions.mjs';
import { ROOT } from './editor-deps.mjs';

/**
 * Builds the test host into `dir` (dist/extension.js beside its own SQL driver chunk) and returns `dir`. With
 * `suites`, the built integration suites are copied to `dir/tests`: code inside an extension's folder gets that
 * extension's vscode API object, so a suite can stand in for the person at a prompt.
 */
export async function stageTestHost(dir, { minify = false, suites = false } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const common = { ...bundleOptions({ production: minify }), absWorkingDir: ROOT };
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { extension: 'test/integration/host/extension.ts', ...driverProcessEntry },
      outdir: path.join(dir, 'dist'),
      plugins: [sqlDriverChunk],
    }),
    esbuild.build({
      ...common,
      entryPoints: { sqlDriver: 'src/core/snowflake/sqlDriverEntry.ts' },
      outdir: path.join(dir, 'dist'),
    }),
    esbuild.build({
      ...gridBundleOptions({ production: minify, outdir: path.join(dir, 'dist') }),
      absWorkingDir: ROOT,
    }),
  ]);
  writeFileSync(path.join(dir, 'package.json'), readFileSync(path.join(ROOT, 'package.json')));
  symlinkSync(path.join(ROOT, 'media'), path.join(dir, 'media'), 'dir');
  if (suites) cpSync(path.join(ROOT, 'out', 'test', 'integration'), path.join(dir, 'tests'), { recursive: true });
  return dir;
}
