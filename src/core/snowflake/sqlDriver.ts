// The contract between SQL sessions and a driver: snowflake-sdk in production, a small fake in unit tests.
import type { LoginCredential } from '../auth/types';

export interface ResultColumn {
  readonly name: string;
  /** Snowflake's type name, lower case as the protocol sends it (fixed, text, timestamp_ntz, ...). */
  readonly type: string;
  readonly nullable: boolean;
  readonly precision?: number;
  readonly scale?: number;
  readonly length?: number;
}

/** One row: every value as text (null stays null), in column order. */
export type ResultRow = readonly (string | null)[];

/** Reads a range of a result in order, a batch at a time, pulling from the driver only as fast as it is read. */
export interface RowReader {
  /** The next rows, at most `max`; an empty array once the range is read. Rejects with the driver's error. */
  read(max: number): Promise<ResultRow[]>;
  /** Passes over the next `count` rows without handing them out (where they are read: no copy crosses to the caller). */
  skip?(count: number): Promise<number>;
  /** Stops reading; rows buffered are dropped. */
  close(): void;
}

/**
 * A statement's result left on the server: the columns and the row count are known, the rows are read in ranges
 * (the driver downloads only the result chunks a range overlaps), so no caller ever has to hold the whole result.
 */
export interface ResultCursor {
  readonly columns: readonly ResultColumn[];
  readonly totalRows: number;
  readonly queryId?: string;
  /** Reads rows [start, end) in order; `end` defaults to the end of the result. */
  rows(start: number, end?: number): RowReader;
  /** Nobody reads this result any more: the driver may drop what it holds for it. */
  release?(): void;
}

/** Every value as text (null stays null), rows as arrays in column order. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Session context after the statement (from the response's final* fields), when the driver reports it. */
  readonly role?: string;
  readonly warehouse?: string;
  /** Snowflake's query id, when the driver reports it. */
  readonly queryId?: string;
  /** Rows in the whole result (more than `rows` when ExecuteOptions.maxRows cut it). */
  readonly totalRows?: number;
  /** With ExecuteOptions.cursor: the result to read in ranges (`rows` is then empty). */
  readonly cursor?: ResultCursor;
}

export interface ConnectOptions {
  /** Account as written in the connection (always passed, even with an explicit URL). */
  readonly account: string;
  /** e.g. https://myorg-myacct.snowflakecomputing.com, or http://127.0.0.1:<port> for the emulator. */
  readonly accessUrl: string;
  readonly credential: LoginCredential;
  readonly user?: string;
  readonly role?: string;
  readonly warehouse?: string;
  readonly database?: string;
  readonly schema?: string;
}

/**
 * 'text' (default): dates and times in the session's output formats, for rows a person reads. 'iso': ISO 8601.
 * 'none': left as Snowflake sends them (seconds since the epoch, as text), for catalog listings, which show no dates:
 * converting every row's created_on is most of what a page of SHOW costs the extension host's memory.
 */
export type DatesAs = 'text' | 'iso' | 'none';

export interface ExecuteOptions {
  readonly datesAs?: DatesAs;
  /** Keep at most this many rows in memory (the rest are not fetched; totalRows says how many there were). */
  readonly maxRows?: number;
  /** Fetch no rows now; hand back a cursor over the result instead (QueryResult.cursor). */
  readonly cursor?: boolean;
}

/** One logged-in session. */
export interface SqlConnection {
  /** Runs one statement; rejects with CancelledError as soon as `signal` aborts (and cancels it server-side). */
  execute(sqlText: string, signal?: AbortSignal, options?: ExecuteOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

export interface SqlDriver {
  connect(options: ConnectOptions): Promise<SqlConnection>;
}
