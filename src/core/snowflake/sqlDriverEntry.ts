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
interface AxiosLike {
  interceptors: { request: { use(f: (c: RequestConfig) => RequestConfig): number } };
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const axios = (require('snowflake-sdk/dist/lib/http/axios_instance') as { default: AxiosLike }).default;
  axios.interceptors.request.use((config) => {
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

export default sdk;
