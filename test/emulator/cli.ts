// `npm run emulator -- --port <p> --home <dir> [--rotate <seconds>] [--token-ttl <seconds>]`: starts the emulator,
// writes the sandbox home, prints one JSON line when ready, and stops cleanly on SIGINT/SIGTERM.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function num(name: string): number | undefined {
  const v = arg(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const home = path.resolve(arg('home') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'posit-snowflake-sandbox-')));
  const emulator = await startEmulator({
    port: num('port') ?? 0,
    home,
    accessTokenTtlSeconds: num('token-ttl'),
    workbenchRotateSeconds: num('rotate') ?? 240,
    workbenchGraceSeconds: num('grace'),
  });
  process.stdout.write(
    `${JSON.stringify({ snowflake: emulator.snowflakeUrl, connect: emulator.connectUrl, connectApiKey: emulator.connectApiKey, home, plainConnect: emulator.plainConnectUrl, workbenchHome: emulator.home?.workbenchHome })}\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
