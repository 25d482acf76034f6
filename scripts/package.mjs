// `npm run package`: a production build and a .vsix holding only dist/, media/ and the documents; prints its size.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './editor-deps.mjs';

process.chdir(ROOT);
execFileSync('node', ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = path.join(ROOT, `${name}-${version}.vsix`);
execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { stdio: 'inherit' });
const kb = (p) => `${(statSync(p).size / 1024).toFixed(0)} KB`;
process.stdout.write(`\n${path.basename(out)}: ${kb(out)} (dist/extension.js ${kb('dist/extension.js')}, dist/sqlDriver.js ${kb('dist/sqlDriver.js')})\n`);
