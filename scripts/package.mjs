// `npm run package`: a production build and a .vsix holding only dist/, media/ and the documents; prints its size.
// Everything is assembled in .cache/package/ so the working dist/ (used by tests and the sandbox) is left alone.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './editor-deps.mjs';

export const STAGE = path.join(ROOT, '.cache', 'package');

process.chdir(ROOT);
rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
execFileSync('node', ['scripts/build.mjs', '--production', '--outdir', path.join(STAGE, 'dist')], { stdio: 'inherit' });
for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media'])
  cpSync(f, path.join(STAGE, f), { recursive: true });
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = path.join(ROOT, `${name}-${version}.vsix`);
execFileSync(
  path.join(ROOT, 'node_modules', '.bin', 'vsce'),
  [
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--skip-license',
    '--no-rewrite-relative-links',
    '--out',
    out,
  ],
  { cwd: STAGE, stdio: 'inherit' },
);
const kb = (p) => `${(statSync(p).size / 1024).toFixed(0)} KB`;
const dist = (f) => path.join(STAGE, 'dist', f);
process.stdout.write(
  `\n${path.basename(out)}: ${kb(out)} (dist/extension.js ${kb(dist('extension.js'))}, dist/sqlDriver.js ${kb(dist('sqlDriver.js'))})\n`,
);
