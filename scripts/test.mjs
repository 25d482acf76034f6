// `npm test`: lint, type-check, unit and emulator tests in Node, the suites inside a real VS Code, then a person's
// journeys through the packaged extension's UI.
// Ends with one line "N passed, N failed" counting every test and check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './editor-deps.mjs';

const runs = path.join(ROOT, '.test-runs');
mkdirSync(runs, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const failedSteps = [];

function step(name, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${name}\n`);
  const t0 = Date.now();
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  process.stdout.write(
    `=== ${name}: ${res.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
  if (res.status !== 0) failedSteps.push(name);
  return res.status === 0;
}

function check(name, cmd, args) {
  if (step(name, cmd, args)) passed++;
  else failed++;
}

/** A step that writes its counts ({passed, failed, pending?}) to a file; no file counts as one failure. */
function suite(name, cmd, args, countsFile) {
  rmSync(countsFile, { force: true });
  const ok = step(name, cmd, args, { POSIT_SNOWFLAKE_COUNTS: countsFile });
  if (existsSync(countsFile)) {
    const c = JSON.parse(readFileSync(countsFile, 'utf8'));
    passed += c.passed;
    failed += c.failed;
    skipped += c.pending ?? 0;
    if (!ok && c.failed === 0) failed++;
  } else {
    failed++;
  }
}

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
check('format', bin('prettier'), ['--check', '.']);
check('type-check', bin('tsc'), ['--noEmit', '-p', '.']);
check('type-check tests', bin('tsc'), ['--noEmit', '-p', 'test']);
suite('unit and emulator tests', bin('mocha'), [], path.join(runs, 'unit-counts.json'));
check('build', 'node', ['scripts/build.mjs']);
suite(
  'integration tests in a real VS Code',
  'node',
  ['test/integration/run.mjs'],
  path.join(runs, 'integration-summary.json'),
);
// A person's journeys through the packaged extension (test/e2e): about 1.5 minutes for the four on 2 cores.
suite(
  'journeys through the real UI (packaged .vsix)',
  bin('tsx'),
  ['test/e2e/run.ts'],
  path.join(runs, 'e2e-summary.json'),
);

if (failedSteps.length) process.stdout.write(`\nFailed steps: ${failedSteps.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || failedSteps.length > 0 ? 1 : 0;
