// The same integration suites under @vscode/test-electron, for a desktop machine that can download VS Code.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../../scripts/editor-deps.mjs';
import { startSandbox } from '../../scripts/sandbox.mjs';
import { stageTestHost } from '../../scripts/testHost.mjs';

const runDir = path.join(ROOT, '.test-runs', 'desktop');
mkdirSync(path.join(runDir, 'workspace'), { recursive: true });
const extension = await stageTestHost(path.join(runDir, 'extension'), { suites: true });
const sandbox = await startSandbox(path.join(runDir, 'sandbox'));
try {
  await runTests({
    extensionDevelopmentPath: extension,
    extensionTestsPath: path.join(extension, 'tests', 'index.js'),
    launchArgs: [path.join(runDir, 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: {
      ...(sandbox.info.env ?? {}),
      POSIT_SNOWFLAKE_EMULATOR: sandbox.info.snowflake,
      POSIT_SNOWFLAKE_SANDBOX: JSON.stringify(sandbox.info),
    },
  });
} catch (err) {
  process.stderr.write(`Desktop integration tests failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await sandbox.stop();
}
