// The Cortex REST client: `POST /api/v2/cortex/inference:complete` streamed as SSE and turned into response parts as
// bytes arrive, and `GET /api/v2/cortex/models` with a built-in fallback list. Credentials come from the auth service
// (a refused one is replaced once, via withAuthRetry, decided from the 401's parsed code); the completion POST is
// retried only on 429/503/504, honouring Retry-After, as snowflake-ml-python's `_complete.py` does (spec common.yaml:
// 503/504 "may retry with backoff"; a 500 is "unrecoverable", and a 502 from a proxy may follow a request Cortex
// already ran and billed).
//
// Why the native endpoint rather than the OpenAI-compatible `v1/chat/completions`: it is the one whose request and
// stream shapes are specified (cortex-inference.yaml) for every Cortex model, tool use included, while the OpenAI
// flavour needs client-side patches for Snowflake's quirks (max_completion_tokens, no `strict`, `"role": ""` chunks,
// empty `arguments`, a 400 that means "done"), each a way to break when Snowflake changes it.
import type { AuthService, ConnectionProfile, RestCredential } from '../auth/types';
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';
import {
  HttpError,
  fetchWithRetry,
  httpErrorFrom,
  parseRetryAfter,
  readJson,
  readWithin,
  RequestLimits,
} from '../shared/http';
import type { Logger } from '../shared/logger';
import { isCredentialRefused, withAuthRetry } from '../auth/withAuthRetry';
import { cortexError } from './cortexErrors';
import { fallbackModels, parseModelsResponse } from './models';
import { CortexResponseAssembler, fromCompletionResponse, isErrorFrame } from './convert/responseConverter';
import { CortexStreamParser, type SseEvent } from './convert/streamParser';
import type { CortexModel, CortexRequest, CortexStreamChunk, ResponsePart, UsagePart } from './types';

export const COMPLETE_PATH = '/api/v2/cortex/inference:complete';
export const MODELS_PATH = '/api/v2/cortex/models';
const MODEL_CACHE_MS = 10 * 60_000;
/** Statuses retried on the completion POST (snowflake-ml-python `_complete.py` retry()). */
const COMPLETE_RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);
/** The Accept header snowflake-ml-python sends: an error answers as JSON, a completion as an event stream. */
const COMPLETE_ACCEPT = 'application/json, text/event-stream';

export interface CortexClientOptions {
  readonly auth: AuthService;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** e.g. "posit-snowflake/0.1.0". */
  readonly userAgent?: string;
  /**
   * The partner application (SF_PARTNER): Snowflake reads partner applications from the User-Agent, so when set it
   * is the whole User-Agent, as ellmer (`ellmer_req_user_agent`) and chatlas (`application=`) send it.
   */
  readonly partner?: string;
  /** Retries after the first attempt (429/503/504 on completions); default 2. */
  readonly retries?: number;
  readonly backoffMs?: number;
  /** Longest wait honoured from Retry-After before failing instead; default 20 s. */
  readonly maxDelayMs?: number;
  readonly now?: () => number;
  /** The editor's request time limits (answer, and silence within a stream); defaults otherwise. */
  readonly limits?: RequestLimits;
}

export interface CompleteOptions {
  readonly signal?: AbortSignal;
  /** Called synchronously for each part as soon as the bytes that complete it arrive. */
  readonly onPart: (part: ResponsePart) => void;
}

export interface CompletionSummary {
  readonly usage?: UsagePart;
  readonly parts: number;
}

export interface ModelList {
  readonly models: readonly CortexModel[];
  /** 'fallback' when the models endpoint could not be used and the built-in list stands in. */
  readonly source: 'account' | 'fallback';
}

interface SendContext {
  readonly profile: ConnectionProfile;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly accept: string;
  readonly retryStatuses?: ReadonlySet<number>;
  readonly body?: string;
  readonly model?: string;
  readonly signal?: AbortSignal;
  /** The caller may not prompt (model listing in the background). */
  readonly silent?: boolean;
}

export class CortexClient {
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent: string;
  private readonly modelCache = new Map<string, { at: number; list: Promise<ModelList> }>();
  private readonly limits: RequestLimits;

  constructor(private readonly opts: CortexClientOptions) {
    this.fetchImpl = opts.fetch ?? ((...args) => fetch(...args));
    this.limits = opts.limits ?? new RequestLimits();
    this.userAgent = opts.partner?.trim() || opts.userAgent || 'posit-snowflake';
  }

  /**
   * Streams a completion; parts go to `onPart` as they arrive. Resolves when the answer is complete. A refused
   * credential (401, or an auth code in a JSON error body) is retried once, always before any part was reported.
   */
  complete(profile: ConnectionProfile, request: CortexRequest, options: CompleteOptions): Promise<CompletionSummary> {
    const ctx: SendContext = {
      profile,
      path: COMPLETE_PATH,
      method: 'POST',
      accept: request.stream ? COMPLETE_ACCEPT : 'application/json',
      retryStatuses: COMPLETE_RETRY_STATUSES,
      body: JSON.stringify(request),
      model: request.model,
      signal: options.signal,
    };
    return this.withAuth(ctx, async (cred) => {
      const res = await this.attempt(ctx, cred);
      if ((res.headers.get('content-type') ?? '').includes('text/html')) {
        await res.body?.cancel().catch(() => undefined);
        throw new SnowflakeExtError(
          'server',
          `Cortex answered with a web page instead of a completion (connection '${profile.name}').`,
          { text: 'Check the host in the connection: it may point at a proxy or sign-in page.' },
        );
      }
      const read = { connection: profile.name, model: request.model, status: res.status, limits: this.limits };
      return readCompletion(res, read, options);
    });
  }

  /** The models the connection may use, or the built-in list when the endpoint is unavailable. Cached 10 min. */
  listModels(profile: ConnectionProfile, signal?: AbortSignal, silent = false): Promise<ModelList> {
    const now = this.opts.now?.() ?? Date.now();
    const key = `${profile.name}\u0000${profile.baseUrl}`;
    const hit = this.modelCache.get(key);
    if (hit && now - hit.at < MODEL_CACHE_MS) return hit.list;
    const list = this.fetchModels(profile, signal, silent);
    this.modelCache.set(key, { at: now, list });
    // Failures are never cached: the next caller tries again.
    list.catch(() => this.modelCache.delete(key));
    return list;
  }

  /** Forgets cached model lists (credentials or connections changed). */
  clearModelCache(): void {
    this.modelCache.clear();
  }

  private async fetchModels(
    profile: ConnectionProfile,
    signal: AbortSignal | undefined,
    silent: boolean,
  ): Promise<ModelList> {
    try {
      const ctx: SendContext = {
        profile,
        path: MODELS_PATH,
        method: 'GET',
        accept: 'application/json',
        signal,
        silent,
      };
      const res = await this.withAuth(ctx, (cred) => this.attempt(ctx, cred));
      const models = parseModelsResponse(await readJson<unknown>(res, MODELS_PATH));
      if (models.length > 0) return { models, source: 'account' };
      this.opts.logger.warn(
        `Cortex models for '${profile.name}': the endpoint listed no models; using the built-in list.`,
      );
    } catch (err) {
      // Without credentials, or when cancelled, there is nothing to show; any other failure of this one endpoint
      // (older account, proxy, 404) should not hide Cortex: the built-in list stands in and requests explain errors.
      if (isCancelled(err) || (err instanceof SnowflakeExtError && (err.kind === 'auth' || err.kind === 'config')))
        throw err;
      this.opts.logger.warn(
        `Cortex models for '${profile.name}': ${err instanceof Error ? err.message : String(err)} Using the built-in list.`,
      );
    }
    return { models: fallbackModels(), source: 'fallback' };
  }

  /**
   * Runs `fn` with a REST credential through the shared withAuthRetry: one fresh credential after a refusal, then the
   * auth service's explanation (expired token, clock skew, key fingerprint).
   */
  private withAuth<T>(ctx: SendContext, fn: (cred: RestCredential) => Promise<T>): Promise<T> {
    return withAuthRetry(this.opts.auth, ctx.profile, 'rest', fn, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.silent ? { silent: true } : {}),
    });
  }

  /** One HTTP exchange (with back-off on retryable statuses): the OK response, an HttpError for a 401, else a Cortex error. */
  private async attempt(ctx: SendContext, cred: RestCredential): Promise<Response> {
    const url = `${ctx.profile.baseUrl.replace(/\/+$/, '')}${ctx.path}`;
    let res: Response;
    try {
      res = await fetchWithRetry(
        url,
        {
          method: ctx.method,
          headers: {
            ...cred.headers,
            Accept: ctx.accept,
            'User-Agent': this.userAgent,
            ...(ctx.body ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(ctx.body ? { body: ctx.body } : {}),
          signal: ctx.signal,
          retries: this.opts.retries ?? 2,
          backoffMs: this.opts.backoffMs ?? 500,
          maxDelayMs: this.opts.maxDelayMs ?? 20_000,
          answerTimeoutMs: this.limits.answerTimeoutMs,
          logger: this.opts.logger,
          acceptStatus: (s) => s >= 400 && s < 500 && s !== 429,
          ...(ctx.retryStatuses ? { retryStatuses: ctx.retryStatuses } : {}),
        },
        this.fetchImpl,
      );
    } catch (err) {
      if (err instanceof HttpError) {
        throw cortexError({
          status: err.status,
          body: err.bodySnippet,
          server: err.server,
          retryAfterMs: parseRetryAfter(err.headers.get('retry-after'), Date.now()),
          model: ctx.model,
          connection: ctx.profile.name,
        });
      }
      throw err;
    }
    if (res.ok) return res;
    if (res.status === 401) {
      this.opts.logger.info(`Cortex ${ctx.path} answered 401 for '${ctx.profile.name}'.`);
      // The HttpError carries Snowflake's code parsed from the raw body: withAuthRetry decides from it.
      throw await httpErrorFrom(res, url, ctx.method);
    }
    const body = await res.text().catch(() => '');
    throw cortexError({ status: res.status, body, model: ctx.model, connection: ctx.profile.name });
  }
}

interface ReadContext {
  readonly connection: string;
  readonly model: string;
  readonly status: number;
  readonly limits: RequestLimits;
}

/** Hands parts to the caller, counting them and keeping the usage for the summary. */
class PartSink {
  parts = 0;
  usage: UsagePart | undefined;
  constructor(private readonly onPart: (part: ResponsePart) => void) {}
  emit(list: readonly ResponsePart[]): void {
    for (const p of list) {
      if (p.kind === 'usage') this.usage = p;
      else this.parts++;
      this.onPart(p);
    }
  }
  summary(): CompletionSummary {
    return this.usage ? { usage: this.usage, parts: this.parts } : { parts: this.parts };
  }
}

/** Reads the body: an SSE stream part by part, or (checked first) a JSON body, which is an error or a whole answer. */
async function readCompletion(res: Response, ctx: ReadContext, options: CompleteOptions): Promise<CompletionSummary> {
  if (!res.body) return handleJsonBody('', ctx, options);
  const reader = res.body.getReader();
  const parser = new CortexStreamParser();
  const assembler = new CortexResponseAssembler();
  const sink = new PartSink(options.onPart);
  let head = '';
  let frames = 0;
  let sniffing = true;
  let finished = false;
  const take = (events: readonly SseEvent[]): void => {
    for (const ev of events) {
      // Only "message" events carry the answer; Snowflake's SSE client (snowflake-ml-python _sse_client.py) skips
      // any other event, whatever its data.
      if (ev.event !== undefined && ev.event !== '' && ev.event !== 'message') continue;
      frames++;
      sink.emit(assembler.push(parseFrame(ev.data, ctx)));
    }
  };
  try {
    for (;;) {
      const { done, value } = await readWithin(reader, ctx.limits.streamIdleTimeoutMs, res.url);
      if (done) break;
      if (sniffing) {
        // Some failures come as HTTP 200 with a JSON body: look before parsing it as a stream.
        const kind = sniff(value);
        if (kind === 'json') {
          finished = true;
          return await handleJsonBody(await readRest(reader, value), ctx, options);
        }
        sniffing = kind === 'blank';
      }
      if (frames === 0 && head.length < 300) head += Buffer.from(value.subarray(0, 300)).toString('utf8');
      take(parser.push(value));
      if (parser.done) break;
    }
    take(parser.end());
    // A body with no data frame at all is not a Cortex stream (a proxy's page, a truncated answer): say what it was.
    if (frames === 0 && !parser.done)
      throw cortexError({ status: ctx.status, body: head.slice(0, 300), model: ctx.model, connection: ctx.connection });
    sink.emit(assembler.finish());
    finished = true;
    return sink.summary();
  } catch (err) {
    // After parts were shown, a retry would show them twice: report the failure instead.
    if (sink.parts > 0 && isCredentialRefused(err))
      throw new SnowflakeExtError('auth', (err as Error).message, (err as SnowflakeExtError).fix, undefined, {
        cause: err,
      });
    throw streamFailure(err, ctx, options.signal);
  } finally {
    // Stops the download (and frees the socket) when we stop early: [DONE], an error or cancellation.
    if (!finished || parser.done) await reader.cancel().catch(() => undefined);
  }
}

function parseFrame(data: string, ctx: ReadContext): CortexStreamChunk {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new SnowflakeExtError(
      'server',
      `Cortex sent a stream frame that is not JSON (model '${ctx.model}', connection '${ctx.connection}').`,
      { text: 'Try again; if it keeps happening, check for a proxy that rewrites responses.' },
    );
  }
  if (isErrorFrame(value)) throw cortexError({ status: 200, body: data, model: ctx.model, connection: ctx.connection });
  return value as CortexStreamChunk;
}

async function handleJsonBody(text: string, ctx: ReadContext, options: CompleteOptions): Promise<CompletionSummary> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw cortexError({ status: ctx.status, body: text, model: ctx.model, connection: ctx.connection });
  }
  if (isErrorFrame(value) || !value || typeof value !== 'object')
    throw cortexError({ status: ctx.status, body: text, model: ctx.model, connection: ctx.connection });
  const sink = new PartSink(options.onPart);
  sink.emit(fromCompletionResponse(value as CortexStreamChunk));
  return sink.summary();
}

/** What the first bytes of a body say it is: a JSON object, something else (a stream), or nothing yet. */
function sniff(bytes: Uint8Array): 'json' | 'sse' | 'blank' {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b ? 'json' : 'sse';
  }
  return 'blank';
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, head: Uint8Array): Promise<string> {
  const chunks = [head];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function streamFailure(err: unknown, ctx: ReadContext, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || isCancelled(err)) return new CancelledError();
  if (err instanceof SnowflakeExtError) return err;
  const code = (err as { cause?: { code?: string } } | undefined)?.cause?.code;
  return new SnowflakeExtError(
    'network',
    `The Cortex answer from model '${ctx.model}' was cut off (connection '${ctx.connection}').`,
    { text: 'Check the network and try again.' },
    code,
    { cause: err },
  );
}
