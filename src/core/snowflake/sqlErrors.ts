// Turns what snowflake-sdk throws into typed errors with a fix, and says which ones a fresh login may cure.
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';

/** Server codes (strings) and driver codes (numbers) meaning "the session or its credential is no longer good". */
const REAUTH_CODES = new Set([
  '390104', // session token invalid
  '390111', // session gone
  '390112', // session token expired (the driver renews it itself; seen only when renewal failed)
  '390114', // master token expired
  '390303', // OAuth token invalid
  '390318', // OAuth token expired (a rotated Workbench token)
  '390144', // JWT invalid
  '394300',
  '394301', // JWT expired
  '394400', // PAT invalid
  '405503', // driver: connect on a disconnected connection
  '407002', // driver: request on a disconnected connection
]);

const NETWORK_CODES = new Set(['401001', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

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
  if (err instanceof SnowflakeExtError)
    return err.kind === 'auth' && err.code !== undefined && REAUTH_CODES.has(err.code);
  const code = (err as DriverError | undefined)?.code;
  return code !== undefined && REAUTH_CODES.has(String(code));
}

/** Maps a driver error onto our kinds; `what` says what we were doing, in the user's words. */
export function toSqlError(err: unknown, what: string): SnowflakeExtError {
  if (err instanceof SnowflakeExtError) return err;
  if (isCancelled(err)) return new CancelledError();
  const e = (err ?? {}) as DriverError;
  const code = e.code !== undefined ? String(e.code) : undefined;
  const detail = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const status = httpStatusOf(e);
  const opts = { cause: err };
  if (code && REAUTH_CODES.has(code)) {
    return new SnowflakeExtError(
      'auth',
      `${what}: Snowflake refused the credential (${detail}).`,
      {
        text: "Run 'Snowflake: Test Connection' to check the credential, then refresh.",
        command: 'positSnowflake.testConnection',
        commandTitle: 'Test Connection',
      },
      code,
      opts,
    );
  }
  if (code && /^39\d{4}$/.test(code)) {
    // Other login refusals (wrong user for the token, role not granted, authenticator not allowed): no retry helps.
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
  if (code?.startsWith('404')) {
    return new SnowflakeExtError(
      'config',
      `${what}: the connection's settings are not valid for the SQL driver (${detail}).`,
      {
        text: "Run 'Snowflake: Show Diagnostics' to check the connection.",
        command: 'positSnowflake.showDiagnostics',
        commandTitle: 'Show Diagnostics',
      },
      code,
      opts,
    );
  }
  if ((code && NETWORK_CODES.has(code)) || (e.cause?.code && NETWORK_CODES.has(e.cause.code))) {
    return new SnowflakeExtError(
      'network',
      `${what}: could not reach Snowflake (${detail}).`,
      {
        text: "Check the network and the connection's host or account, then Retry.",
      },
      code,
      opts,
    );
  }
  if (status === 403) {
    return new SnowflakeExtError(
      'permission',
      `${what}: access denied (HTTP 403).`,
      {
        text: 'A network policy may block this address; ask your Snowflake administrator.',
      },
      code,
      opts,
    );
  }
  if (status === 429)
    return new SnowflakeExtError(
      'rateLimit',
      `${what}: Snowflake is throttling requests (HTTP 429).`,
      { text: 'Wait a moment, then Retry.' },
      code,
      opts,
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
  if (e.sqlState === '02000' || code === '002003') {
    return new SnowflakeExtError(
      'notFound',
      `${what}: ${detail}`,
      { text: 'Refresh the parent, or switch to a role that can see it.' },
      code,
      opts,
    );
  }
  if (e.sqlState === '42501' || code === '003001') {
    return new SnowflakeExtError(
      'permission',
      `${what}: ${detail}`,
      { text: "Switch role ('Snowflake: Switch Role') or ask for the grant." },
      code,
      opts,
    );
  }
  return new SnowflakeExtError('server', `${what}: ${detail}`, undefined, code, opts);
}
