// HTTP for the core: fetch with retry and backoff (429 and 5xx, honouring Retry-After), cancellation through an
// AbortSignal, and typed errors (HttpError for answers, 'network' errors when the server could not be reached).
import { CancelledError, SnowflakeExtError, isCancelled, type ErrorKind } from './errors';
import { sleep } from './abort';
import { redact, type Logger } from './logger';

export interface FetchRetryOptions {
  readonly signal?: AbortSignal;
  /** Retries after the first attempt for 429/5xx and dropped connections; default 3. */
  readonly retries?: number;
  readonly logger?: Logger;
  /** First backoff delay in ms (doubled each retry, with jitter); default 500. */
  readonly backoffMs?: number;
  /** Longest wait between attempts, including a server's Retry-After; a longer Retry-After ends the retries. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Statuses returned to the caller instead of raising HttpError (e.g. a 401 the caller explains itself). */
  readonly acceptStatus?: (status: number) => boolean;
  /** Per-attempt time limit in ms; none by default. */
  readonly timeoutMs?: number;
  /** Statuses worth another attempt; default 429 and 5xx. */
  readonly retryStatuses?: ReadonlySet<number>;
  /**
   * How long to wait for the server to connect and answer (the response headers) before giving up, in ms; default
   * 30 s (the editor passes its `RequestLimits`). It does not limit reading the body (streams have their own idle limit).
   */
  readonly answerTimeoutMs?: number;
  /**
   * False for a request that must not run twice (a create, a deploy): a dropped connection is then not retried, since
   * the server may have done it, and neither is a 500/502/504 (429 and 503 say it was not done). Default true: the
   * callers mark the requests that change state on the server.
   */
  readonly idempotent?: boolean;
}

const DEFAULT_LIMIT_MS = 30_000;

/**
 * The time limits of requests. One object, made by the composition root and handed to the auth service and the
 * Cortex and Connect clients, kept in step with the setting `positSnowflake.requestTimeoutSeconds`; whoever is
 * given none gets the defaults.
 */
export class RequestLimits {
  /** Connect and first-byte limit. */
  answerTimeoutMs = DEFAULT_LIMIT_MS;
  /** Longest silence between two events of a stream (a Cortex answer). */
  streamIdleTimeoutMs = DEFAULT_LIMIT_MS;

  /** Sets both limits from a setting in seconds (a missing, zero or negative value restores the default). */
  setTimeoutSeconds(seconds: number | undefined): void {
    const ms = seconds && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_LIMIT_MS;
    this.answerTimeoutMs = ms;
    this.streamIdleTimeoutMs = ms;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Which service a request went to, for the message a user sees: Connect's API lives under /__api__/. */
function serviceOf(url: string): string {
  try {
    return new URL(url).pathname.startsWith('/__api__/') ? 'Posit Connect' : 'Snowflake';
  } catch {
    return 'The server';
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

const TIMEOUT_FIX = {
  text: "Check the network, proxy and host, then try again; if the server is just slow, raise the setting 'positSnowflake.requestTimeoutSeconds'.",
};

/** The server did not answer (connect + headers) within the limit. */
export function answerTimeout(method: string, url: string, ms: number): SnowflakeExtError {
  return new SnowflakeExtError(
    'network',
    `${serviceOf(url)} did not answer within ${seconds(ms)} (host ${hostOf(url)}, ${method} ${describeUrl(url)}).`,
    TIMEOUT_FIX,
    'ETIMEDOUT',
  );
}

/**
 * Reads the next chunk of a stream, giving up when nothing arrives for `idleMs` (a server that stops mid-answer
 * would otherwise hold the reader forever). The caller cancels the reader on the error.
 */
export async function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  idleMs: number,
  url: string,
): Promise<ReadableStreamReadResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SnowflakeExtError(
            'network',
            `${serviceOf(url)} stopped sending for ${seconds(idleMs)} in the middle of an answer${url ? ` (host ${hostOf(url)})` : ''}.`,
            TIMEOUT_FIX,
            'ETIMEDOUT',
          ),
        ),
      idleMs,
    );
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } finally {
    clearTimeout(timer);
  }
}

export type FetchRetryInit = RequestInit & FetchRetryOptions;

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const SNIPPET_LENGTH = 500;

/**
 * What a server's error body says, read from the raw body before it is redacted (redaction may mask what looks like a
 * token, never a code): Snowflake's `code` (a string, e.g. "390318"), Connect's `code` (a number, with `error`),
 * Cortex's `code` or `error_code`, an OAuth endpoint's `error` (RFC 6749 §5.2). The message is redacted.
 */
export interface ServerErrorBody {
  readonly code?: string | number;
  readonly error?: string;
  readonly message?: string;
  readonly requestId?: string;
}

/** A server answered with a status the caller did not accept. `server` is parsed first; the snippet is redacted. */
export class HttpError extends SnowflakeExtError {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly bodySnippet: string,
    readonly url: string,
    readonly method: string,
    message?: string,
    readonly server: ServerErrorBody = {},
  ) {
    super(
      kindForStatus(status),
      message ?? describeStatus(method, url, status, bodySnippet),
      fixForStatus(status, headers),
      String(status),
    );
  }

  /** The server's own code (Snowflake's, Connect's, Cortex's) as text, when the body carried one. */
  get serverCode(): string | undefined {
    return this.server.code === undefined ? undefined : String(this.server.code);
  }

  /** Seconds the server asked us to wait, if it said. */
  get retryAfterSeconds(): number | undefined {
    const ms = parseRetryAfter(this.headers.get('retry-after'), Date.now());
    return ms === undefined ? undefined : Math.ceil(ms / 1000);
  }
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'notFound';
  if (status === 429) return 'rateLimit';
  return 'server';
}

function fixForStatus(status: number, headers: Headers): { text: string } | undefined {
  if (status === 429) {
    const ms = parseRetryAfter(headers.get('retry-after'), Date.now());
    return {
      text: ms !== undefined ? `Try again in ${Math.max(1, Math.ceil(ms / 1000))} s.` : 'Try again in a minute.',
    };
  }
  if (status >= 500) return { text: 'The server had a problem; try again later.' };
  return undefined;
}

/** Where a request went, without its query string (which may carry ids the user never needs to see). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

function describeStatus(method: string, url: string, status: number, snippet: string): string {
  const detail = serverMessage(snippet);
  return `${method} ${describeUrl(url)} failed with HTTP ${status}${detail ? `: ${asSentence(detail)}` : '.'}`;
}

/** The server's words as a sentence, so the fix that follows them does not run on from them. */
export function asSentence(text: string): string {
  const t = text.trim();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/** The server's own words from a JSON error body (`message`, `error_description`, `error`), or a short text body. */
export function serverMessage(snippet: string): string {
  const text = snippet.trim();
  if (!text) return '';
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['message', 'error_description', 'error', 'detail']) {
      const v = body[key];
      if (typeof v === 'string' && v) return v;
    }
  } catch {
    // Not JSON (or cut short): fall through to the text itself when it is short and not HTML.
  }
  if (text.startsWith('<')) return '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A network failure (refused, reset, DNS, TLS, timeout): the request never got an answer. */
export function networkError(method: string, url: string, err: unknown): SnowflakeExtError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  const why = code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the raw text
  }
  return new SnowflakeExtError(
    'network',
    `Could not reach ${host} (${method} ${describeUrl(url)}): ${redact(why)}.`,
    { text: 'Check the network, proxy and the host in the connection; then try again.' },
    code,
    { cause: err },
  );
}

/** Statuses that say the request was not carried out, so even a non-idempotent one may be sent again. */
const NOT_DONE_STATUSES = new Set([429, 503]);

/** A request body can be sent again unless it is a one-shot stream. */
function replayable(body: RequestInit['body']): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob)
  );
}

function backoffDelay(attempt: number, base: number): number {
  const exp = base * 2 ** attempt;
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/** Reads a JSON error body's fields (nested `error: {code, message}` too); nothing for text or HTML. */
export function parseErrorBody(text: string): ServerErrorBody {
  let body: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text.trim());
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    body = v as Record<string, unknown>;
  } catch {
    return {};
  }
  const inner = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : {};
  const code = [body.code, body.error_code, inner.code].find(
    (c): c is string | number => (typeof c === 'string' && c !== '') || typeof c === 'number',
  );
  const message = [body.message, body.error_description, inner.message, body.detail].find(
    (m): m is string => typeof m === 'string' && m !== '',
  );
  const requestId = body.request_id ?? inner.request_id;
  return {
    ...(code !== undefined ? { code } : {}),
    ...(typeof body.error === 'string' && body.error ? { error: body.error } : {}),
    ...(message ? { message: redact(message) } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/** The HttpError for a response the caller will not use: the body read once, parsed, then redacted. */
export async function httpErrorFrom(res: Response, url: string, method: string): Promise<HttpError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The body could not be read: the status alone explains it.
  }
  return new HttpError(
    res.status,
    res.headers,
    redact(text.slice(0, SNIPPET_LENGTH)),
    url,
    method,
    undefined,
    parseErrorBody(text),
  );
}

/**
 * fetch with retries. Returns the Response for 2xx/3xx and accepted statuses; raises HttpError otherwise,
 * CancelledError on abort, and a 'network' SnowflakeExtError when the server cannot be reached.
 */
export async function fetchWithRetry(
  url: string,
  init: FetchRetryInit = {},
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  const {
    signal,
    retries = 3,
    logger,
    backoffMs = 500,
    maxDelayMs = 30_000,
    acceptStatus,
    timeoutMs,
    retryStatuses = RETRY_STATUSES,
    answerTimeoutMs = DEFAULT_LIMIT_MS,
    idempotent,
    ...requestInit
  } = init;
  const method = (requestInit.method ?? 'GET').toUpperCase();
  const maxRetries = replayable(requestInit.body) ? retries : 0;
  const repeatable = idempotent !== false;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new CancelledError();
    // The answer limit stops once the headers are in, so a long body or stream is not cut at 30 s.
    const answered = new AbortController();
    const answerTimer = answerTimeoutMs > 0 ? setTimeout(() => answered.abort(), answerTimeoutMs) : undefined;
    const limits = [answered.signal, ...(timeoutMs ? [AbortSignal.timeout(timeoutMs)] : [])];
    const attemptSignal = AbortSignal.any(signal ? [signal, ...limits] : limits);
    let res: Response;
    try {
      res = await fetchImpl(url, { ...requestInit, signal: attemptSignal });
    } catch (err) {
      if (signal?.aborted || (isCancelled(err) && !attemptSignal.aborted)) throw new CancelledError();
      // A server that does not answer at all is not retried: it would only multiply the wait.
      if (answered.signal.aborted) throw answerTimeout(method, url, answerTimeoutMs);
      const failure = attemptSignal.aborted
        ? new SnowflakeExtError(
            'network',
            `${method} ${describeUrl(url)} got no answer within ${Math.round((timeoutMs ?? 0) / 1000)} s.`,
            { text: 'Check the network and try again.' },
            'ETIMEDOUT',
          )
        : networkError(method, url, err);
      if (attempt >= maxRetries || !repeatable) throw failure;
      const wait = Math.min(backoffDelay(attempt, backoffMs), maxDelayMs);
      logger?.warn(`${failure.message} Retrying in ${wait} ms (${attempt + 1}/${maxRetries}).`);
      await sleep(wait, signal);
      continue;
    } finally {
      clearTimeout(answerTimer);
    }
    if (res.ok || (res.status >= 300 && res.status < 400) || acceptStatus?.(res.status)) return res;
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    const canRetry =
      retryStatuses.has(res.status) &&
      (repeatable || NOT_DONE_STATUSES.has(res.status)) &&
      attempt < maxRetries &&
      (retryAfter === undefined || retryAfter <= maxDelayMs);
    if (!canRetry) {
      throw await httpErrorFrom(res, url, method);
    }
    await res.body?.cancel().catch(() => undefined);
    const wait = Math.min(retryAfter ?? backoffDelay(attempt, backoffMs), maxDelayMs);
    logger?.warn(
      `${method} ${describeUrl(url)} answered HTTP ${res.status}; retrying in ${wait} ms (${attempt + 1}/${maxRetries}).`,
    );
    await sleep(wait, signal);
  }
}

/** Reads a JSON body, raising a 'server' error that names the URL when it is not JSON. */
export async function readJson<T>(res: Response, url: string): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SnowflakeExtError(
      'server',
      `${describeUrl(url)} answered with something that is not JSON (HTTP ${res.status}).`,
      { text: 'Check the host in the connection: it may point at a proxy or a different service.' },
    );
  }
}
