// The emulated OpenAI-compatible Cortex endpoint (`/api/v2/cortex/v1/chat/completions`) with Snowflake's quirks
// (PROTOCOLS.md §7): `max_tokens` is refused (send `max_completion_tokens`), `tools[].function.strict` is refused,
// stream chunks carry `"role": ""`, a call without arguments streams `"arguments": ""`, and the stream ends [DONE].
import type http from 'node:http';
import crypto from 'node:crypto';
import { sendJson, type EmuRequest } from './server';
import { pieces, type ScriptInput, type ScriptReply, type ScriptTool } from './cortexScript';
import {
  cortexFail,
  scriptRequest,
  streamFrames,
  toolModel,
  type CortexAnswerRecord,
  type CortexEmulator,
} from './cortex';

type Controller = CortexEmulator & { closeWaiters: ((r: CortexAnswerRecord) => void)[] };
interface OaiMessage {
  role?: string;
  content?: unknown;
  tool_calls?: { id?: string; function?: { name?: string } }[];
  tool_call_id?: string;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: { text?: string }) => c?.text ?? '').join('');
  return '';
}

function readOpenAi(res: http.ServerResponse, body: Record<string, unknown>): ScriptInput | undefined {
  const bad = (m: string): undefined => (cortexFail(res, 400, m), undefined);
  if (body.max_tokens !== undefined) return bad('max_tokens is not supported; use max_completion_tokens');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return bad('messages must be a non-empty array');
  const tools: ScriptTool[] = [];
  for (const t of (body.tools ?? []) as {
    type?: string;
    function?: { name?: string; parameters?: unknown; strict?: unknown };
  }[]) {
    if (t.type !== 'function' || !t.function?.name)
      return bad('each tool needs {type:"function", function:{name, parameters}}');
    if (t.function.strict !== undefined) return bad('tools[].function.strict is not supported');
    tools.push({ name: t.function.name, schema: (t.function.parameters ?? {}) as Record<string, unknown> });
  }
  if (tools.length > 0 && !toolModel(String(body.model)))
    return bad(`model ${String(body.model)} does not support tools`);
  const calls = new Map<string, string>();
  let system = '';
  let lastUserText = '';
  let toolResult: ScriptInput['toolResult'];
  let allText = '';
  for (const m of body.messages as OaiMessage[]) {
    const text = textOf(m.content);
    allText += text;
    if (m.role === 'system' || m.role === 'developer') system += text;
    else if (m.role === 'assistant') {
      for (const c of m.tool_calls ?? []) if (c.id && c.function?.name) calls.set(c.id, c.function.name);
    } else if (m.role === 'tool') {
      const name = m.tool_call_id ? calls.get(m.tool_call_id) : undefined;
      if (!name) return bad('a tool message must answer an earlier tool call (tool_call_id)');
      toolResult = { name, text };
    } else if (m.role === 'user') {
      lastUserText = text;
      toolResult = undefined;
    } else return bad(`unsupported role ${JSON.stringify(m.role)}`);
  }
  return { system, lastUserText, tools, allText, ...(toolResult ? { toolResult } : {}) };
}

function oaiMessage(reply: ScriptReply): Record<string, unknown> {
  if (reply.kind === 'text') return { role: 'assistant', content: reply.text };
  return {
    role: 'assistant',
    content: reply.preface,
    tool_calls: [
      { id: reply.callId, type: 'function', function: { name: reply.name, arguments: JSON.stringify(reply.input) } },
    ],
  };
}

function oaiDeltas(reply: ScriptReply, size: number): Record<string, unknown>[] {
  const text = (t: string): Record<string, unknown> => ({ role: '', content: t });
  if (reply.kind === 'text') return pieces(reply.text, size).map(text);
  const args = JSON.stringify(reply.input);
  const open = {
    role: '',
    tool_calls: [{ index: 0, id: reply.callId, type: 'function', function: { name: reply.name, arguments: '' } }],
  };
  const rest =
    args === '{}'
      ? []
      : pieces(args, 7).map((p) => ({ role: '', tool_calls: [{ index: 0, function: { arguments: p } }] }));
  return [...pieces(reply.preface, size).map(text), open, ...rest];
}

export async function openAiChatCompletions(
  ctl: Controller,
  req: EmuRequest,
  res: http.ServerResponse,
  user: string,
): Promise<void> {
  const scripted = scriptRequest(req, res, readOpenAi);
  if (!scripted) return;
  const { body, model, reply, usage } = scripted;
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const record: CortexAnswerRecord = {
    endpoint: 'openai',
    model,
    stream: body.stream === true,
    user,
    framesSent: 0,
    closedEarly: false,
    finished: false,
  };
  ctl.answers.push(record);
  const finish = reply.kind === 'tool' ? 'tool_calls' : 'stop';
  if (body.stream !== true) {
    record.finished = true;
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: oaiMessage(reply), finish_reason: finish }],
      usage,
    });
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
  const frames = oaiDeltas(reply, ctl.pieceSize).map((d) => chunk(d, null));
  frames.push(chunk({ role: '' }, finish));
  frames.push(
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
  );
  frames.push('data: [DONE]\n\n');
  await streamFrames(ctl, res, record, frames);
}
