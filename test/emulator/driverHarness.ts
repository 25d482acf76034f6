// Loads the official snowflake-sdk the way the extension does (side effects neutralised) and wraps its callbacks,
// so driver tests can let the real driver judge whether the emulator speaks Snowflake's protocol.
import fs from 'node:fs';
import path from 'node:path';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.SNOWFLAKE_DISABLE_MINICORE = '1';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';

const logFile = path.resolve('snowflake.log');
const hadLog = fs.existsSync(logFile);

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const sdk = require('snowflake-sdk') as typeof import('snowflake-sdk');
sdk.configure({ logLevel: 'OFF' } as never);

/** Removes ./snowflake.log if the driver created it during the tests. */
export function removeDriverLog(): void {
  if (!hadLog && fs.existsSync(logFile)) fs.rmSync(logFile);
}

export type Row = Record<string, unknown>;
export interface DriverError extends Error {
  code?: string | number;
  sqlState?: string;
}

export async function connect(options: Record<string, unknown>): Promise<import('snowflake-sdk').Connection> {
  const conn = sdk.createConnection({ ...options } as never);
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  return conn;
}

export function query(conn: import('snowflake-sdk').Connection, sqlText: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    conn.execute({ sqlText, complete: (err, _stmt, rows) => (err ? reject(err) : resolve((rows ?? []) as Row[])) });
  });
}

export function destroy(conn: import('snowflake-sdk').Connection): Promise<void> {
  return new Promise((resolve) => conn.destroy(() => resolve()));
}

export async function failure(p: Promise<unknown>): Promise<DriverError> {
  try {
    await p;
  } catch (e) {
    return e as DriverError;
  }
  throw new Error('expected the driver call to fail');
}
