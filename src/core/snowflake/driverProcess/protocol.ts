// The messages between the extension host and the SQL driver process (see processDriver.ts): requests carry an id and
// are answered once; `abort` and the `close*`/`release` messages are one-way. Rows cross as arrays of text.
import type { ConnectOptions, ExecuteOptions, QueryResult, ResultColumn, ResultRow } from '../sqlDriver';

export type DriverRequest =
  | { readonly id: number; readonly op: 'connect'; readonly options: ConnectOptions }
  | {
      readonly id: number;
      readonly op: 'execute';
      readonly conn: number;
      readonly sql: string;
      readonly options?: ExecuteOptions;
    }
  | { readonly id: number; readonly op: 'close'; readonly conn: number }
  | { readonly id: number; readonly op: 'rows'; readonly cursor: number; readonly start: number; readonly end?: number }
  | { readonly id: number; readonly op: 'read'; readonly reader: number; readonly max: number }
  /** Answered with the rows passed over (fewer at the end of the result). */
  | { readonly id: number; readonly op: 'skip'; readonly reader: number; readonly count: number };

export type DriverNotice =
  /** Cancels the `execute` request `target` (at Snowflake too). */
  | { readonly op: 'abort'; readonly target: number }
  | { readonly op: 'closeReader'; readonly reader: number }
  | { readonly op: 'release'; readonly cursor: number };

export type ToDriver = DriverRequest | DriverNotice;

/** What the extension host needs of a driver error: its kind is decided there (sqlErrors.ts). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | number;
  readonly sqlState?: string;
  readonly status?: number;
  readonly causeCode?: string;
  readonly cancelled?: boolean;
}

export interface WireCursor {
  readonly id: number;
  readonly columns: readonly ResultColumn[];
  readonly totalRows: number;
  readonly queryId?: string;
}

export type WireResult = Omit<QueryResult, 'cursor'> & { readonly cursor?: WireCursor };

export type DriverReply =
  | { readonly id: number; readonly ok: true; readonly value: number | WireResult | readonly ResultRow[] | null }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type FromDriver =
  | DriverReply
  | { readonly log: LogLevel; readonly message: string }
  /** The process's resident memory in MB, sent when a result is let go (the host decides when to recycle). */
  | { readonly rssMb: number };

/** Flattens what a driver threw into what crosses the pipe (never the request, which may hold a credential). */
export function toWireError(err: unknown): WireError {
  const e = (err ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    sqlState?: unknown;
    response?: { statusCode?: unknown; status?: unknown };
    cause?: { code?: unknown };
  };
  const status = e.response?.statusCode ?? e.response?.status;
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.sqlState === 'string' ? { sqlState: e.sqlState } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof e.cause?.code === 'string' ? { causeCode: e.cause.code } : {}),
  };
}
