// The production SqlDriver: snowflake-sdk, required on first connect from its own chunk, results as plain strings.
import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionOptions, RowStatement } from 'snowflake-sdk';
import type * as DriverEntry from './sqlDriverEntry';
import type { LoginCredential } from '../auth/types';
import { CancelledError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { ConnectOptions, ExecuteOptions, QueryResult, ResultColumn, SqlConnection, SqlDriver } from './sqlDriver';
import { SdkResultCursor } from './sdkResultCursor';

/**
 * Statement retries on 5xx/429/network: a couple of quick ones, then the error reaches the tree (with Retry). The
 * driver sends a failed statement twice, so a statement gives up after 2 × (1 + 2) requests, about 6 s.
 */
const STATEMENT_MAX_RETRIES = 2;
const STATEMENT_RETRY_SLEEP_CAP_S = 4;
const LOGIN_MAX_RETRIES = 2;
/** The driver's heartbeat keeps the session (and its master token) alive while the editor stays open. */
const HEARTBEAT_SECONDS = 3600;

type FetchAsString = NonNullable<ConnectionOptions['fetchAsString']>;
const ALL_AS_TEXT: FetchAsString = ['String', 'Boolean', 'Number', 'Date', 'JSON', 'Buffer'];
/** Numbers as text keep NUMBER(38) exact; dates stay driver values and become ISO 8601 cheaply (see isoCell). */
const DATES_AS_VALUES: FetchAsString = ['String', 'Boolean', 'Number', 'JSON', 'Buffer'];

let entry: typeof DriverEntry | undefined;

/** Requires the driver chunk (dist/sqlDriver.js once bundled). Only ever called from connect(). */
function loadDriver(logger: Logger): typeof DriverEntry {
  if (!entry) {
    const started = Date.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    entry = require('./sqlDriverEntry') as typeof DriverEntry;
    entry.capStatementRetries(STATEMENT_MAX_RETRIES, STATEMENT_RETRY_SLEEP_CAP_S);
    logger.debug(`SQL driver loaded in ${Date.now() - started} ms`);
  }
  entry.setSdkLogSink({
    error: (m) => logger.warn(`snowflake-sdk: ${m}`),
    warn: (m) => logger.debug(`snowflake-sdk: ${m}`),
    info: (m) => logger.trace(`snowflake-sdk: ${m}`),
    debug: (m) => logger.trace(`snowflake-sdk: ${m}`),
    trace: () => undefined,
  });
  return entry;
}

function credentialOptions(cred: LoginCredential, user: string | undefined): Partial<ConnectionOptions> {
  switch (cred.authenticator) {
    case 'SNOWFLAKE_JWT':
      return { authenticator: 'SNOWFLAKE_JWT', username: cred.user, privateKey: cred.privateKeyPem };
    case 'OAUTH':
      return { authenticator: 'OAUTH', token: cred.token, username: cred.user ?? user };
    case 'PROGRAMMATIC_ACCESS_TOKEN':
      return { authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: cred.token, username: cred.user ?? user };
  }
}

/** The driver options for one login: side effects off, results as text, no surprises on disk. */
export function toSdkOptions(opts: ConnectOptions): ConnectionOptions {
  const o: ConnectionOptions = {
    account: opts.account,
    accessUrl: opts.accessUrl,
    ...credentialOptions(opts.credential, opts.user),
    clientSessionKeepAlive: true,
    clientSessionKeepAliveHeartbeatFrequency: HEARTBEAT_SECONDS,
    clientStoreTemporaryCredential: false,
    sfRetryMaxLoginRetries: LOGIN_MAX_RETRIES,
    rowMode: 'array',
    fetchAsString: ALL_AS_TEXT,
    representNullAsStringNull: false,
  };
  if (opts.role) o.role = opts.role;
  if (opts.warehouse) o.warehouse = opts.warehouse;
  if (opts.database) o.database = opts.database;
  if (opts.schema) o.schema = opts.schema;
  return o;
}

function columnsOf(stmt: RowStatement): ResultColumn[] {
  return (stmt.getColumns() ?? []).map((c) => ({
    name: c.getName(),
    type: c.getType(),
    nullable: c.isNullable(),
    precision: c.getPrecision() ?? undefined,
    scale: c.getScale() ?? undefined,
  }));
}

/** A cell as text without the driver's (slow) date formatting: dates as ISO 8601. */
function isoCell(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  const ms = typeof (v as { getTime?: unknown }).getTime === 'function' ? (v as Date).getTime() : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(v);
}

/** Role and warehouse the session has after a statement (the response's final* fields). */
function contextOf(st: RowStatement): { role?: string; warehouse?: string } {
  const state = st.getSessionState() as { getCurrentRole?(): string; getCurrentWarehouse?(): string } | undefined;
  return { role: state?.getCurrentRole?.() ?? undefined, warehouse: state?.getCurrentWarehouse?.() ?? undefined };
}

/** The first `max` rows through the driver's row stream: the rest of the result's chunks are never downloaded. */
function firstRows(st: RowStatement, max: number): Promise<unknown[][]> {
  const total = st.getNumRows();
  if (total <= 0 || max <= 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const rows: unknown[][] = [];
    st.streamRows({ start: 0, end: Math.min(total, max) - 1 })
      .on('data', (r: unknown[]) => rows.push(r))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

class SdkConnection implements SqlConnection {
  constructor(
    private readonly conn: Connection,
    private readonly driver: typeof DriverEntry,
  ) {}

  execute(sqlText: string, signal?: AbortSignal, options?: ExecuteOptions): Promise<QueryResult> {
    return new Promise<QueryResult>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        stmt.cancel(() => undefined);
        reject(new CancelledError());
      };
      const finish = (st: RowStatement, rows: unknown[][]): void => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        if (options?.cursor) {
          const cursor = new SdkResultCursor(st, columnsOf(st));
          resolve({
            columns: cursor.columns,
            rows: [],
            ...contextOf(st),
            queryId: cursor.queryId,
            totalRows: cursor.totalRows,
            cursor,
          });
          return;
        }
        resolve({
          columns: columnsOf(st),
          rows: options?.datesAs === 'iso' ? rows.map((r) => r.map(isoCell)) : (rows as (string | null)[][]),
          ...contextOf(st),
          queryId: st.getQueryId() || undefined,
          totalRows: options?.maxRows !== undefined ? st.getNumRows() : rows.length,
        });
      };
      const fail = (err: Error): void => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(err);
      };
      const maxRows = options?.cursor ? 0 : options?.maxRows;
      const requestId = options?.datesAs === 'none' ? randomUUID() : undefined;
      const unmark = requestId ? this.driver.keepDatesRaw(requestId) : undefined;
      const stmt = this.conn.execute({
        sqlText,
        ...(requestId ? { requestId } : {}),
        ...(options?.datesAs === 'iso' ? { fetchAsString: DATES_AS_VALUES } : {}),
        ...(maxRows !== undefined ? { streamResult: true } : {}),
        complete: (err, st, rows) => {
          unmark?.();
          if (err) return fail(err);
          if (maxRows === undefined) return finish(st, (rows ?? []) as unknown[][]);
          firstRows(st, maxRows).then((r) => finish(st, r), fail);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.conn.destroy(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

/** A SqlDriver over snowflake-sdk; the SDK itself is required on the first connect(). */
export function createSnowflakeSdkDriver(logger: Logger): SqlDriver {
  return {
    async connect(opts) {
      const entry = loadDriver(logger);
      const sdk = entry.default;
      const conn = sdk.createConnection(toSdkOptions(opts));
      // connectAsync() without a callback resolves even when the login is refused (snowflake-sdk 3.x passes the
      // error only to a callback), leaving a terminated connection; connect(callback) reports every failure.
      await new Promise<void>((resolve, reject) => {
        conn.connect((err) => (err ? reject(err) : resolve()));
      });
      return new SdkConnection(conn, entry);
    },
  };
}
