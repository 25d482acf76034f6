// Cortex failures in the user's terms: what went wrong and what to do, from an HTTP status and Cortex's error body.
//
// Cortex has no machine-readable code for region, network-policy or model availability problems (PROTOCOLS.md §7):
// its `message` is the only signal, so the few phrases it uses are matched here, in one place, and nowhere else.
import { SnowflakeExtError, type ErrorFix } from '../shared/errors';
import type { ServerErrorBody } from '../shared/http';
import { redact } from '../shared/logger';

export interface CortexErrorContext {
  readonly status: number;
  /** The response body (JSON `{message, code, request_id}` or text), possibly cut short. */
  readonly body: string;
  readonly retryAfterMs?: number;
  readonly model?: string;
  readonly connection?: string;
  /** How many times the request was retried before giving up (429/5xx). */
  readonly retries?: number;
  /** The body as an HttpError parsed it before redaction; read instead of `body` when it holds a message. */
  readonly server?: ServerErrorBody;
}

interface ServerError {
  readonly message: string;
  readonly code?: string;
  readonly requestId?: string;
}

const REGION =
  /cross[- ]region|not available in (the |your )?(current )?region|unavailable in (the |your )?(current )?region/i;
const NETWORK_POLICY = /network policy/i;
const MODEL_UNAVAILABLE =
  /(unknown|invalid|unsupported) model|model\b.*\b(not found|does not exist|is not available|not supported|unavailable)/i;
const NOT_ENABLED = /not enabled|disabled|cortex_user|insufficient privileges|not authori[sz]ed/i;
const DIAGNOSTICS = { command: 'positSnowflake.showDiagnostics', commandTitle: 'Show Diagnostics' } as const;

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
    const code = inner.code ?? v.code;
    const requestId = v.request_id ?? inner.request_id;
    return {
      message: redact(message),
      ...(code !== undefined && code !== null ? { code: String(code) } : {}),
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

export function cortexError(ctx: CortexErrorContext): SnowflakeExtError {
  const server = ctx.server?.message ? fromParsed(ctx.server) : parseServerError(ctx.body);
  const said = server.message ? `: ${server.message}` : '.';
  const conn = ctx.connection ? ` (connection '${ctx.connection}')` : '';
  const model = ctx.model ? `'${ctx.model}'` : 'The model';
  const code = server.code ?? String(ctx.status);
  const make = (kind: SnowflakeExtError['kind'], message: string, fix: ErrorFix): SnowflakeExtError =>
    new SnowflakeExtError(kind, server.requestId ? `${message} (request ${server.requestId})` : message, fix, code);

  if (REGION.test(server.message)) {
    return make('notSupported', `Cortex model ${model} is not available in your account's region${conn}${said}`, {
      text: "Pick another model, or ask an account administrator to allow cross-region inference (ALTER ACCOUNT SET CORTEX_ENABLED_CROSS_REGION = 'ANY_REGION').",
    });
  }
  if (NETWORK_POLICY.test(server.message)) {
    return make('permission', `Snowflake's network policy blocked the Cortex request${conn}${said}`, {
      text: "Connect from a network the account's network policy allows (VPN), or ask an administrator to allow this machine's address.",
    });
  }
  if (ctx.status === 401) {
    return make(
      'auth',
      `Snowflake refused the credential of the Cortex request${conn}, even after getting a fresh one${said}`,
      {
        text: "Check the connection with 'Snowflake: Show Diagnostics'; in Posit Workbench, refresh the session's Snowflake credentials.",
        ...DIAGNOSTICS,
      },
    );
  }
  if (ctx.status === 404 || MODEL_UNAVAILABLE.test(server.message)) {
    return make('notFound', `Cortex model ${model} is not available to you${conn}${said}`, {
      text: 'Pick another model in the chat model picker (the list comes from your account), or ask an administrator about the model allow-list (CORTEX_MODELS_ALLOWLIST).',
    });
  }
  if (ctx.status === 403) {
    const notEnabled = NOT_ENABLED.test(server.message);
    return make('permission', `Cortex refused the request${conn} (HTTP 403)${said}`, {
      text:
        notEnabled || !server.message
          ? 'Cortex may be off for the account, or your role may lack the SNOWFLAKE.CORTEX_USER database role: ask an administrator to grant it (a 403 does not mean your sign-in is wrong).'
          : 'Your sign-in worked but the account does not allow this request: ask a Snowflake administrator about Cortex access for your role.',
    });
  }
  if (ctx.status === 429) {
    const wait =
      ctx.retryAfterMs !== undefined
        ? `Try again in ${Math.max(1, Math.ceil(ctx.retryAfterMs / 1000))} s.`
        : 'Try again in a minute.';
    return make('rateLimit', `Cortex is limiting the rate of requests${conn}${retried(ctx)}${said}`, {
      text: `${wait} Shorter conversations use less of the limit.`,
    });
  }
  if (ctx.status === 503 || ctx.status === 504 || ctx.status >= 500) {
    return make('server', `Cortex is busy or timed out (HTTP ${ctx.status})${retried(ctx)}${said}`, {
      text: 'Try again in a moment, or pick a smaller model.',
    });
  }
  const how = ctx.status < 300 ? 'answered with an error' : `could not answer (HTTP ${ctx.status})`;
  return make('server', `Cortex ${how}${conn}${said}`, {
    text: 'Try again; if it keeps happening, pick another model and show the log to your administrator.',
  });
}

function retried(ctx: CortexErrorContext): string {
  return ctx.retries ? ` after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';
}
