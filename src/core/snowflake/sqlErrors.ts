// Turns what snowflake-sdk throws into typed errors with a fix, through the one code table (auth/serverCodes.ts) for
// Snowflake's and the driver's codes, and says which ones a fresh login may cure.
import type { ConnectionProfile } from '../auth/types';
import { codeRow, isCredentialRefused } from '../auth/serverCodes';
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';

/** Node's own codes for a connection that never got an answer (not Snowflake's: the socket's). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** SQLSTATEs (ISO SQL) the driver reports without a code we know: no data (02000), insufficient privilege (42501). */
const SQLSTATE_CODES: Readonly<Record<string, string>> = { '02000': '002003', '42501': '003001' };

interface DriverError {
  readonly message?: string;
  readonly code?: string | number;
  readonly sqlState?: string;
  readonly response?: { readonly statusCode?: number; readonly status?: number };
  readonly cause?: { readonly code?: string };
}

function httpStatusOf(e: DriverError): number | undefined {
  return e.response?.statusCode ?? e.response?.status;
}

/** True when logging in again with a freshly minted credential may make the failed call succeed. */
export function needsReauth(err: unknown): boolean {
  return isCredentialRefused(err);
}

/** Maps a driver error onto our kinds; `what` says what we were doing, in the user's words. */
export function toSqlError(err: unknown, what: string, profile: ConnectionProfile): SnowflakeExtError {
  if (err instanceof SnowflakeExtError) return err;
  if (isCancelled(err)) return new CancelledError();
  const e = (err ?? {}) as DriverError;
  const code = e.code !== undefined ? String(e.code) : undefined;
  const detail = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const status = httpStatusOf(e);
  const row = codeRow(code) ?? codeRow(e.sqlState ? SQLSTATE_CODES[e.sqlState] : undefined);
  if (row) {
    const known = row.explain({ profile, now: Date.now() }, code ?? '');
    return new SnowflakeExtError(
      row.kind,
      `${what}: ${known.message.replace(/\.$/, '')} (${detail}).`,
      {
        text: known.fix,
        ...(known.command ? { command: known.command } : {}),
        ...(known.commandTitle ? { commandTitle: known.commandTitle } : {}),
      },
      code,
      { cause: err, refusal: row.refusal },
    );
  }
  const opts = { cause: err };
  if (code && /^39\d{4}$/.test(code)) {
    // A login refusal the table does not know: no retry helps; the probe explains more.
    return new SnowflakeExtError(
      'auth',
      `${what}: Snowflake refused the login (${detail}).`,
      {
        text: "Run 'Snowflake: Test Connection' for details.",
        command: 'positSnowflake.testConnection',
        commandTitle: 'Test Connection',
      },
      code,
      opts,
    );
  }
  if ((code && SOCKET_CODES.has(code)) || (e.cause?.code && SOCKET_CODES.has(e.cause.code))) {
    return new SnowflakeExtError(
      'network',
      `${what}: could not reach Snowflake (${detail}).`,
      { text: "Check the network and the connection's host or account, then Retry." },
      code,
      { cause: err, refusal: 'network' },
    );
  }
  if (status === 403) {
    return new SnowflakeExtError(
      'permission',
      `${what}: access denied (HTTP 403).`,
      { text: 'A network policy may block this address; ask your Snowflake administrator.' },
      code,
      { cause: err, refusal: 'network-policy' },
    );
  }
  if (status === 429)
    return new SnowflakeExtError(
      'rateLimit',
      `${what}: Snowflake is throttling requests (HTTP 429).`,
      { text: 'Wait a moment, then Retry.' },
      code,
      { cause: err, refusal: 'throttled' },
    );
  if (status !== undefined && status >= 500) {
    return new SnowflakeExtError(
      'server',
      `${what}: Snowflake answered HTTP ${status}.`,
      { text: 'This is usually temporary: Retry in a moment.' },
      code,
      opts,
    );
  }
  return new SnowflakeExtError('server', `${what}: ${detail}`, undefined, code, opts);
}
