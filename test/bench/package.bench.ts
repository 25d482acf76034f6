// Package weight: the main bundle (what activation loads), the lazily loaded SQL driver chunk, and the .vsix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { printResults, type BenchResult } from './types';

const ROOT = path.resolve(__dirname, '..', '..');

export async function run(): Promise<BenchResult[]> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const kb = (p: string): number => fs.statSync(path.join(ROOT, p)).size / 1024;
  // What `npm run package` staged (the minified bundles that go into the .vsix).
  const main = kb('.cache/package/dist/extension.js');
  const driver = kb('.cache/package/dist/sqlDriver.js');
  const vsix = kb(`${pkg.name}-${pkg.version}.vsix`);
  return [
    { name: 'package: dist/extension.js (minified)', value: main, unit: 'KB', target: '< 400 KB', met: main < 400 },
    {
      name: 'package: dist/sqlDriver.js (lazy chunk)',
      value: driver,
      unit: 'KB',
      target: 'separate chunk',
      met: driver > 0,
    },
    { name: 'package: .vsix', value: vsix, unit: 'KB', target: 'reported', met: true },
  ];
}

if (require.main === module) void run().then(printResults);
