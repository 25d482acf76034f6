// Golden files for converter tests: the expected JSON lives in golden/<name>.json. Run with UPDATE_GOLDEN=1 to
// (re)write them after an intended change, then review the diff.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, 'golden');

export function assertGolden(name: string, actual: unknown): void {
  const file = path.join(dir, `${name}.json`);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(
    fs.existsSync(file),
    `golden file ${path.relative(process.cwd(), file)} is missing; run with UPDATE_GOLDEN=1 to create it`,
  );
  assert.deepEqual(
    JSON.parse(text),
    JSON.parse(fs.readFileSync(file, 'utf8')),
    `differs from ${name}.json (UPDATE_GOLDEN=1 rewrites it)`,
  );
}
