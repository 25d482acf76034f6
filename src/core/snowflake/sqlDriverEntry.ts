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

export default sdk;
