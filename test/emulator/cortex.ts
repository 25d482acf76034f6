// Cortex REST routes of the emulator: native `inference:complete` (SSE or JSON), the OpenAI-compatible
// `v1/chat/completions` with Snowflake's quirks, and `models`; Bearer auth through the account state. Answers are
// scripted (cortexScript.ts). A per-server controller records each answer, including whether the client hung up
// mid-stream, and can slow frames down; tests in other processes reach it at /__emulator/cortex.
import type http from 'node:http';
import crypto from 'node:crypto';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';
import type { EmulatorState } from './state';
import { scriptReply, type ScriptInput, type ScriptReply } from './cortexScript';
import { openAiChatCompletions } from './cortexOpenAi';
import { nativeDeltas, readNative, type DeltaShape } from './cortexNative';

export { toolModel } from './cortexNative';

export const CORTEX_MODELS: readonly string[] = [
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-4-sonnet',
  'openai-gpt-4.1',
  'llama3.1-70b',
  'mistral-large2',
  'deepseek-r1',
];
/** Listed, but inference answers that it is not available in the account's region. */
export const REGION_LOCKED_MODEL = 'deepseek-r1';

export interface CortexAnswerRecord {
  readonly endpoint: 'native' | 'openai';
  readonly model: string;
  readonly stream: boolean;
  readonly user: string;
  framesSent: number;
  /** The client closed the connection before the last frame. */
  closedEarly: boolean;
  finished: boolean;
}

export interface CortexEmulator {
  readonly answers: CortexAnswerRecord[];
  /** Pause between stream frames (ms); 0 sends them as fast as the socket takes them. */
  frameDelayMs: number;
  /** Characters per text delta. */
  pieceSize: number;
  /** Delta shape of streamed answers: both Cortex shapes, alternating per answer (the default), or one of them. */
  deltaShape: DeltaShape | 'alternate';
  /** Resolves when a streamed answer's client hangs up early. */
  nextEarlyClose(): Promise<CortexAnswerRecord>;
}

const controllers = new WeakMap<
  EmulatorServer,
  CortexEmulator & { closeWaiters: ((r: CortexAnswerRecord) => void)[] }
>();

export function cortexEmulatorOf(server: EmulatorServer): CortexEmulator {
  const c = controllers.get(server);
  if (!c) throw new Error('registerCortex was not called for this server');
  return c;
}

export function registerCortex(server: EmulatorServer, state: EmulatorState): CortexEmulator {
  const closeWaiters: ((r: CortexAnswerRecord) => void)[] = [];
  const ctl = {
    answers: [] as CortexAnswerRecord[],
    frameDelayMs: 0,
    pieceSize: 12,
    deltaShape: 'alternate' as DeltaShape | 'alternate',
    closeWaiters,
    nextEarlyClose: () => new Promise<CortexAnswerRecord>((resolve) => closeWaiters.push(resolve)),
  };
  controllers.set(server, ctl);
  const authed =
    (handler: (req: EmuRequest, res: http.ServerResponse, user: string) => Promise<void> | void) =>
    async (req: EmuRequest, res: http.ServerResponse): Promise<void> => {
      const auth = await state.authenticateRest(req.headers);
      if (!auth.ok) return sendJson(res, auth.status, auth.body);
      await handler(req, res, auth.user);
    };
  server.route(
    'GET',
    '/api/v2/cortex/models',
    // Spec GetModelsResponse: `{models: [string]}`.
    authed((_req, res) => sendJson(res, 200, { models: [...CORTEX_MODELS] })),
  );
  server.route(
    'POST',
    '/api/v2/cortex/inference:complete',
    authed((req, res, user) => nativeComplete(ctl, req, res, user)),
  );
  server.route(
    'POST',
    '/api/v2/cortex/v1/chat/completions',
    authed((req, res, user) => openAiChatCompletions(ctl, req, res, user)),
  );
  server.route('GET', '/__emulator/cortex', (_req, res) =>
    sendJson(res, 200, {
      answers: ctl.answers,
      frameDelayMs: ctl.frameDelayMs,
      pieceSize: ctl.pieceSize,
      deltaShape: ctl.deltaShape,
    }),
  );
  server.route('POST', '/__emulator/cortex', (req, res) => {
    const body = req.json<{ frameDelayMs?: number; pieceSize?: number; clear?: boolean; deltaShape?: string }>() ?? {};
    if (typeof body.frameDelayMs === 'number') ctl.frameDelayMs = body.frameDelayMs;
    if (body.deltaShape === 'typed' || body.deltaShape === 'untyped' || body.deltaShape === 'alternate')
      ctl.deltaShape = body.deltaShape;
    if (typeof body.pieceSize === 'number' && body.pieceSize > 0) ctl.pieceSize = body.pieceSize;
    if (body.clear) ctl.answers.length = 0;
    sendJson(res, 200, { frameDelayMs: ctl.frameDelayMs, pieceSize: ctl.pieceSize });
  });
  return ctl;
}

type Controller = CortexEmulator & { closeWaiters: ((r: CortexAnswerRecord) => void)[] };

/**
 * An error answer: common.yaml's ErrorResponse `{message, code, request_id}`. Cortex documents no codes of its own,
 * so `code` is the HTTP status unless a caller has one; the deprecated `error_code` twin is sent as well, as the
 * schema's example and snowflake-ml-python's test server (`{"message": "unknown model", "error_code": ...}`) show.
 */
export function cortexFail(res: http.ServerResponse, status: number, message: string, code = String(status)): void {
  sendJson(res, status, { message, code, error_code: code, request_id: crypto.randomUUID() });
}

/**
 * Model checks shared by both endpoints: unknown → 400 "unknown model" (snowflake-ml-python's test server);
 * region-locked → 400 whose message names the region and cross-region inference (PROTOCOLS.md section 7).
 */
export function checkModel(res: http.ServerResponse, model: unknown): model is string {
  if (typeof model !== 'string' || !model) return (cortexFail(res, 400, 'model is required'), false);
  if (!CORTEX_MODELS.includes(model)) return (cortexFail(res, 400, `unknown model "${model}"`), false);
  if (model === REGION_LOCKED_MODEL) {
    cortexFail(
      res,
      400,
      `Model ${model} is not available in the current region. Enable cross-region inference (CORTEX_ENABLED_CROSS_REGION) to use it.`,
    );
    return false;
  }
  return true;
}

export interface ScriptedRequest {
  readonly body: Record<string, unknown>;
  readonly model: string;
  readonly input: ScriptInput;
  readonly reply: ScriptReply;
  readonly usage: ReturnType<typeof usageOf>;
}

/** Parses and checks a completion request in either dialect and scripts its reply; answers the error itself. */
export function scriptRequest(
  req: EmuRequest,
  res: http.ServerResponse,
  read: (res: http.ServerResponse, body: Record<string, unknown>) => ScriptInput | undefined,
): ScriptedRequest | undefined {
  let body: Record<string, unknown>;
  try {
    body = req.json<Record<string, unknown>>() ?? {};
  } catch {
    cortexFail(res, 400, 'request body is not valid JSON');
    return undefined;
  }
  if (!checkModel(res, body.model)) return undefined;
  const input = read(res, body);
  if (!input) return undefined;
  const reply = scriptReply(input);
  return { body, model: body.model, input, reply, usage: usageOf(input, reply) };
}

async function nativeComplete(ctl: Controller, req: EmuRequest, res: http.ServerResponse, user: string): Promise<void> {
  const scripted = scriptRequest(req, res, (r, b) => readNative(r, b, cortexFail));
  if (!scripted) return;
  const { body, model, reply, usage } = scripted;
  const id = crypto.randomUUID();
  const record: CortexAnswerRecord = {
    endpoint: 'native',
    model,
    stream: body.stream !== false,
    user,
    framesSent: 0,
    closedEarly: false,
    finished: false,
  };
  ctl.answers.push(record);
  if (body.stream === false) {
    record.finished = true;
    return sendJson(res, 200, {
      id,
      model,
      created: Math.floor(Date.now() / 1000),
      // Spec NonStreamingCompleteResponse: finish_reason is one of stop, content_filter, tool_calls, length.
      choices: [{ message: nativeMessage(reply), finish_reason: reply.kind === 'tool' ? 'tool_calls' : 'stop' }],
      usage,
    });
  }
  const shape = ctl.deltaShape === 'alternate' ? (ctl.answers.length % 2 === 1 ? 'typed' : 'untyped') : ctl.deltaShape;
  const frames = nativeDeltas(reply, ctl.pieceSize, shape).map((delta) => ({
    id,
    model,
    choices: [{ delta }],
    usage: {},
  }));
  frames.push({ id, model, choices: [], usage });
  await streamFrames(
    ctl,
    res,
    record,
    frames.map((f) => `data: ${JSON.stringify(f)}\n\n`),
    ': keep-alive\n\n',
  );
}

function nativeMessage(reply: ScriptReply): Record<string, unknown> {
  // Spec NonStreamingCompleteResponse: `content` and `content_list` of TextContent / ToolUse items.
  if (reply.kind === 'text') return { content: reply.text, content_list: [{ type: 'text', text: reply.text }] };
  return {
    content: reply.preface,
    content_list: [
      { type: 'text', text: reply.preface },
      { type: 'tool_use', tool_use: { tool_use_id: reply.callId, name: reply.name, input: reply.input } },
    ],
  };
}

export function usageOf(
  input: ScriptInput,
  reply: ScriptReply,
): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = Math.ceil(input.allText.length / 4) + 1;
  const completion = Math.ceil(
    (reply.kind === 'text' ? reply.text.length : reply.preface.length + JSON.stringify(reply.input).length) / 4,
  );
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Writes SSE frames, pausing between them if asked, and notes a client that hangs up before the end. */
export async function streamFrames(
  ctl: Controller,
  res: http.ServerResponse,
  record: CortexAnswerRecord,
  frames: readonly string[],
  preamble = '',
): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  let closed = false;
  res.on('close', () => {
    if (record.finished) return;
    closed = true;
    record.closedEarly = true;
    for (const w of ctl.closeWaiters.splice(0)) w(record);
  });
  if (preamble) res.write(preamble);
  for (const frame of frames) {
    if (closed) return;
    const ok = res.write(frame);
    record.framesSent++;
    if (ctl.frameDelayMs > 0) await new Promise((r) => setTimeout(r, ctl.frameDelayMs));
    else if (!ok)
      await new Promise((r) => {
        res.once('drain', r);
        res.once('close', r);
      });
    else if (record.framesSent % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  if (closed) return;
  record.finished = true;
  res.end();
}
