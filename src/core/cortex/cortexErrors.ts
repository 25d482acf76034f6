// Cortex failures in the user's terms: what went wrong and what to do, from an HTTP status and Cortex's error body.
//
// The status decides the kind of failure (spec common.yaml's responses; the Cortex REST API page's status table):
// 400 a request Cortex will not run, 401 a refused credential, 402 the account's Cortex budget is spent, 403 Cortex
// off or the user's DEFAULT role lacking SNOWFLAKE.CORTEX_USER (REST calls run as the default role), 404 a wrong
// endpoint or the API not enabled, 429 a rate limit, 5xx a server failure. The body is `{message, code, request_id}`
// (`error_code` in older answers, common.yaml's ErrorResponse). A 400 carries no documented code telling an unknown
// model from throttling or a token limit, so for those alone the message's wording picks the advice, here and
// nowhere else; every message names the connection.
import { SnowflakeExtError, type ErrorFix, type ErrorKind } from '../shared/errors';
import type { ServerErrorBody } from '../shared/http';
import { redact } from '../shared/logger';

export interface CortexErrorContext {
  readonly status: number;
  /** The response body (JSON `{message, code, request_id}` or text), possibly cut short. */
  readonly body: string;
  readonly retryAfterMs?: number;
  readonly model?: string;
  readonly connection?: string;
  /** How many times the request was retried before giving up (429/503/504). */
  readonly retries?: number;
  /** The body as an HttpError parsed it before redaction; read instead of `body` when it holds a message. */
  readonly server?: ServerErrorBody;
}

interface ServerError {
  readonly message: string;
  readonly code?: string;
  readonly requestId?: string;
}

/** What a 400's message says, in the few phrasings Cortex uses (PROTOCOLS.md §7). */
const BAD_REQUEST: readonly { readonly reason: BadRequestReason; readonly words: RegExp }[] = [
  {
    reason: 'region',
    words:
      /cross[- ]region|not available in (the |your )?(current )?region|unavailable in (the |your )?(current )?region/i,
  },
  { reason: 'throttled', words: /throttl|rate limit|too many requests/i },
  {
    reason: 'tokens',
    words: /max(imum)?[ _]tokens|token limit|too many tokens|context (length|window)|prompt is too long/i,
  },
  {
    reason: 'model',
    words:
      /(unknown|invalid|unsupported) model|model\b.*\b(not found|does not exist|is not available|not supported|unavailable)/i,
  },
];
type BadRequestReason = 'region' | 'throttled' | 'tokens' | 'model';

const NETWORK_POLICY = /network policy/i;
const DIAGNOSTICS = { command: 'positSnowflake.showDiagnostics', commandTitle: 'Show Diagnostics' } as const;
const CROSS_REGION =
  "ask an account administrator to allow cross-region inference (ALTER ACCOUNT SET CORTEX_ENABLED_CROSS_REGION = 'ANY_REGION')";

/** Reads Cortex's error body; falls back to the raw text when it is not JSON. */
export function parseServerError(body: string): ServerError {
  const text = body.trim();
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const inner = typeof v.error === 'object' && v.error ? (v.error as Record<string, unknown>) : v;
    const message =
      [inner.message, v.message, typeof v.error === 'string' ? v.error : undefined].find(
        (m): m is string => typeof m === 'string' && m.length > 0,
      ) ?? '';
    const code = inner.code ?? v.code ?? inner.error_code ?? v.error_code;
    const requestId = v.request_id ?? inner.request_id;
    return {
      message: redact(message),
      ...(code !== undefined && code !== null && code !== '' ? { code: String(code) } : {}),
      ...(typeof requestId === 'string' ? { requestId } : {}),
    };
  } catch {
    return { message: text.startsWith('<') ? '' : redact(text.slice(0, 300)) };
  }
}

function fromParsed(body: ServerErrorBody): ServerError {
  return {
    message: body.message ?? '',
    ...(body.code !== undefined ? { code: String(body.code) } : {}),
    ...(body.requestId ? { requestId: body.requestId } : {}),
  };
}

interface Said {
  readonly conn: string;
  readonly model: string;
  readonly said: string;
  readonly ctx: CortexErrorContext;
}

export function cortexError(ctx: CortexErrorContext): SnowflakeExtError {
  const server = ctx.server?.message ? fromParsed(ctx.server) : parseServerError(ctx.body);
  const s: Said = {
    conn: ` (connection '${ctx.connection ?? 'unknown'}')`,
    model: ctx.model ? `'${ctx.model}'` : 'the model',
    said: server.message ? `: ${server.message}` : '.',
    ctx,
  };
  const [kind, message, fix] = explain(ctx.status, server, s);
  const full = server.requestId ? `${message} (request ${server.requestId})` : message;
  return new SnowflakeExtError(kind, full, fix, server.code ?? String(ctx.status));
}

type Explained = [ErrorKind, string, ErrorFix];

function explain(status: number, server: ServerError, s: Said): Explained {
  if (NETWORK_POLICY.test(server.message)) {
    return [
      'permission',
      `Snowflake's network policy blocked the Cortex request${s.conn}${s.said}`,
      {
        text: "Connect from a network the account's network policy allows (VPN), or ask an administrator to allow this machine's address.",
      },
    ];
  }
  if (status === 400) return badRequest(server, s);
  if (status === 401) {
    return [
      'auth',
      `Snowflake refused the credential of the Cortex request${s.conn}, even after getting a fresh one${s.said}`,
      {
        text: "Check the connection with 'Snowflake: Show Diagnostics'; in Posit Workbench, refresh the session's Snowflake credentials.",
        ...DIAGNOSTICS,
      },
    ];
  }
  if (status === 402) {
    return [
      'permission',
      `The account's Cortex budget is used up${s.conn}${s.said}`,
      { text: 'Ask an account administrator to raise the Cortex budget, or try again when it resets.' },
    ];
  }
  if (status === 403) {
    return [
      'permission',
      `Cortex refused the request${s.conn} (HTTP 403)${s.said}`,
      {
        text: "Cortex REST calls run as your user's DEFAULT role, not the role chosen in the Snowflake view: that role needs the SNOWFLAKE.CORTEX_USER database role (GRANT DATABASE ROLE SNOWFLAKE.CORTEX_USER TO ROLE …, or ALTER USER … SET DEFAULT_ROLE), and Cortex must be enabled for the account. A 403 does not mean your sign-in is wrong.",
      },
    ];
  }
  if (status === 404) {
    return [
      'notFound',
      `The Cortex REST API was not found${s.conn} (HTTP 404)${s.said}`,
      {
        text: "Check the connection's account or host (it must be the Snowflake account URL, not a proxy), and ask an administrator whether the Cortex REST API is enabled for the account.",
      },
    ];
  }
  if (status === 429) return throttled(s);
  if (status >= 500) {
    return [
      'server',
      `Cortex failed or timed out (HTTP ${status})${s.conn}${retried(s.ctx)}${s.said}`,
      { text: 'Try again in a moment, or pick a smaller model.' },
    ];
  }
  const how = status < 300 ? 'answered with an error' : `could not answer (HTTP ${status})`;
  return [
    'server',
    `Cortex ${how}${s.conn}${s.said}`,
    { text: 'Try again; if it keeps happening, pick another model and show the log to your administrator.' },
  ];
}

function badRequest(server: ServerError, s: Said): Explained {
  const reason = BAD_REQUEST.find((b) => b.words.test(server.message))?.reason;
  switch (reason) {
    case 'region':
      return [
        'notSupported',
        `Cortex model ${s.model} is not available in your account's region${s.conn}${s.said}`,
        { text: `Pick another model, or ${CROSS_REGION}.` },
      ];
    case 'throttled':
      return throttled(s);
    case 'tokens':
      return [
        'config',
        `The request is too long for Cortex model ${s.model}${s.conn}${s.said}`,
        {
          text: 'Trying again will not help: start a new chat, shorten the question or attached context, or pick a model with a larger context window.',
        },
      ];
    case 'model':
      return [
        'notFound',
        `Cortex does not offer model ${s.model} to you${s.conn}${s.said}`,
        {
          text: `Pick another model in the chat model picker (the list comes from your account); if the model exists in another region, ${CROSS_REGION}; an administrator may also limit models (CORTEX_MODELS_ALLOWLIST).`,
        },
      ];
    default:
      return [
        'server',
        `Cortex refused the request as invalid${s.conn} (HTTP 400)${s.said}`,
        {
          text: 'Trying again will not help as is: pick another model, or start a new chat; show the log to your administrator if it keeps happening.',
        },
      ];
  }
}

function throttled(s: Said): Explained {
  const ms = s.ctx.retryAfterMs;
  const wait = ms !== undefined ? `Try again in ${Math.max(1, Math.ceil(ms / 1000))} s.` : 'Try again in a minute.';
  return [
    'rateLimit',
    `Cortex is limiting the rate of requests${s.conn}${retried(s.ctx)}${s.said}`,
    { text: `${wait} Shorter conversations use less of the limit.` },
  ];
}

function retried(ctx: CortexErrorContext): string {
  return ctx.retries ? ` after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';
}
