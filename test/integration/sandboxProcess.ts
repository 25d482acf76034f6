// Starts the emulator with a sandbox Snowflake home for a test run (or `npm start`), prints one JSON line with every
// address and environment variable the editor needs, and runs until it is sent SIGTERM/SIGINT.
import * as path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startEmulator, writeSandboxHome } from '../emulator/index';

async function main(): Promise<void> {
  const dirArg = process.argv.indexOf('--dir');
  const dir = path.resolve(dirArg > 0 ? process.argv[dirArg + 1]! : '.sandbox');
  const rotateArg = process.argv.indexOf('--rotate-seconds');
  const workbenchRotateSeconds = rotateArg > 0 ? Number(process.argv[rotateArg + 1]) : undefined;
  mkdirSync(dir, { recursive: true });
  const emulator = await startEmulator({ workbenchRotateSeconds });
  // The user's own files go where the clients look by default (~/.snowflake of a sandbox HOME), so an editor started
  // as a Posit Workbench session (editorEnv) sees the Workbench-managed connection and the user's own ones.
  const userHome = path.join(dir, 'home');
  const home = writeSandboxHome(path.join(userHome, '.snowflake'), emulator);
  const info = {
    editorEnv: { ...home.workbenchEnv, HOME: userHome },
    snowflake: emulator.snowflakeUrl,
    connect: emulator.connectUrl,
    plainConnect: emulator.plainConnectUrl,
    connectApiKey: emulator.connectApiKey,
    ...home,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = (): void => {
    void emulator.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
