// The SQL driver's own chunk (dist/sqlDriver.js): loaded on first use, never during activation.
// Its side effects are switched off before the SDK is required; its log goes to our Logger, never a file or stdout.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SNOWFLAKE_DISABLE_MINICORE ??= '1';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('snowflake-sdk') as typeof import('snowflake-sdk');

export interface SdkLogSink {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
}

const silent: SdkLogSink = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
let sink: SdkLogSink = silent;

// A custom logger replaces the driver's winston transports (./snowflake.log and the console) entirely.
sdk.configure({
  logLevel: 'WARN',
  additionalLogToConsole: false,
  customLogger: {
    error: (m) => sink.error(m),
    warn: (m) => sink.warn(m),
    info: (m) => sink.info(m),
    debug: (m) => sink.debug(m),
    trace: (m) => sink.trace(m),
  },
});

/** Routes the driver's log lines (already secret-masked by the driver; our Logger redacts again). */
export function setSdkLogSink(next: SdkLogSink | undefined): void {
  sink = next ?? silent;
}

interface RetryConfig {
  maxRetries?: number;
  sleepCap?: number;
}
interface RequestConfig {
  useSnowflakeRetryMiddleware?: boolean;
  snowflakeRetryConfig?: RetryConfig;
}
interface ResponseLike {
  config?: { url?: string };
  data?: unknown;
}
interface AxiosLike {
  interceptors: {
    request: { use(f: (c: RequestConfig) => RequestConfig): number };
    response: { use(f: (r: ResponseLike) => ResponseLike): number };
  };
}

/** The driver's own HTTP client (the one its statement requests go through). */
function axiosInstance(): AxiosLike {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('snowflake-sdk/dist/lib/http/axios_instance') as { default: AxiosLike }).default;
}

let retryInterceptorInstalled = false;

/**
 * Caps the driver's HTTP retries of statement requests. By default it retries a 5xx seven times with up to 16 s
 * between tries (over a minute); a tree that waits that long looks frozen, while an error node with Retry does not.
 * The driver offers no option for this, so we add a request interceptor on its HTTP client that lowers the retry
 * configuration the driver's own interceptor reads (interceptors added later run first).
 */
export function capStatementRetries(maxRetries: number, sleepCapSeconds: number): void {
  if (retryInterceptorInstalled) return;
  retryInterceptorInstalled = true;
  axiosInstance().interceptors.request.use((config) => {
    if (config.useSnowflakeRetryMiddleware) {
      const given = config.snowflakeRetryConfig ?? {};
      config.snowflakeRetryConfig = {
        ...given,
        maxRetries: Math.min(given.maxRetries ?? maxRetries, maxRetries),
        sleepCap: Math.min(given.sleepCap ?? sleepCapSeconds, sleepCapSeconds),
      };
    }
    return config;
  });
}

/** Statements (by request id) whose date columns stay as Snowflake sent them. */
const rawDateRequests = new Set<string>();
let rawDatesInstalled = false;
/** A result column's type in the response's rowtype (compact JSON; a value inside a string would be escaped). */
const TIMESTAMP_TYPE = /"type"\s*:\s*"timestamp_(?:ltz|ntz|tz)"/g;
const REQUEST_ID = /[?&]requestId=([0-9a-fA-F-]+)/;

/**
 * Marks a statement (by the request id it is sent with) whose timestamp columns are not to be converted: the answer's
 * rowtype reads them as text before the driver parses it, so each value stays the epoch-seconds text Snowflake sent
 * (snowflake-connector-nodejs result/column.js turns every TIMESTAMP_* cell into a Date through moment and BigNumber;
 * for a SHOW page that is most of the garbage the page makes). Returns the function that unmarks it.
 */
export function keepDatesRaw(requestId: string): () => void {
  if (!rawDatesInstalled) {
    rawDatesInstalled = true;
    axiosInstance().interceptors.response.use((response) => {
      const id = REQUEST_ID.exec(response.config?.url ?? '')?.[1];
      if (id && rawDateRequests.has(id) && typeof response.data === 'string')
        response.data = response.data.replace(TIMESTAMP_TYPE, '"type":"text"');
      return response;
    });
  }
  rawDateRequests.add(requestId);
  return () => rawDateRequests.delete(requestId);
}

interface SdkRow {
  values: unknown[];
  _arrayProcessedColumns: unknown[];
  getColumnValue(id: unknown): unknown;
  getColumnValueAsString(id: unknown): unknown;
}
interface ChunkPrototype {
  getRows(this: unknown): SdkRow[] | undefined;
}
/** The rows of each chunk whose value getters were wrapped already. */
const wrappedRows = new WeakSet<SdkRow[]>();

/**
 * Converts each cell on a copy of its row, so the chunk keeps Snowflake's text rather than the converted values. The
 * driver converts a cell in place the first time it is read (snowflake-connector-nodejs result/column.js,
 * extractFromRow: `values[i] = context.convert(...)`), and a chunk holds its rows until the next chunk is read: a
 * 50,000-row chunk of TIMESTAMPs then holds ~100 MB of Date, Moment and SfTimestamp objects that live long enough to
 * fill the old generation. Converted on a copy, they are young garbage once the row is handed out.
 */
function convertOnCopies(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Chunk = require('snowflake-sdk/dist/lib/connection/result/chunk') as { prototype: ChunkPrototype };
  const getRows = Chunk.prototype.getRows;
  Chunk.prototype.getRows = function (this: unknown) {
    const rows = getRows.call(this);
    if (!rows?.length || wrappedRows.has(rows)) return rows;
    wrappedRows.add(rows);
    const onCopy = (get: (id: unknown) => unknown) =>
      function (this: SdkRow, id: unknown): unknown {
        const values = this.values;
        this.values = values.slice();
        this._arrayProcessedColumns = [];
        try {
          return get.call(this, id);
        } finally {
          this.values = values;
          this._arrayProcessedColumns = [];
        }
      };
    const asString = onCopy(rows[0]!.getColumnValueAsString);
    const asValue = onCopy(rows[0]!.getColumnValue);
    for (const row of rows) {
      row.getColumnValueAsString = asString;
      row.getColumnValue = asValue;
    }
    return rows;
  };
}
convertOnCopies();

export default sdk;
