// Runs inside the real VS Code extension host: mocha over every bundled suite, results written for the runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // The runner makes two passes: a user's own connections, then a Posit Workbench session (suites tagged @workbench).
  const grep = process.env.POSIT_SNOWFLAKE_TEST_GREP;
  if (grep) mocha.grep(grep);
  if (process.env.POSIT_SNOWFLAKE_TEST_INVERT === '1') mocha.invert();
  const suitesDir = path.join(__dirname, 'suites');
  for (const file of fs
    .readdirSync(suitesDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(suitesDir, file));
  }
  const failures: { title: string; error: string }[] = [];
  let passed = 0;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => passed++);
    runner.on('fail', (test, err: Error) =>
      failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) }),
    );
  });
  const resultsFile = process.env.POSIT_SNOWFLAKE_TEST_RESULTS;
  if (resultsFile)
    fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed: failures.length, failures }, null, 2));
  if (failures.length > 0) throw new Error(`${failures.length} integration test(s) failed`);
}
