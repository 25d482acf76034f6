// The emulator's reading of a native `inference:complete` request, with the rules Cortex enforces and where each
// comes from, and the delta shapes its streams are written in.
//   - messages: non-empty (spec CompleteRequest `minItems: 1`); roles system/user/assistant; a system message only
//     first, the last one a user message, user and assistant alternating (spec `messages[].role` rules);
//   - `content` must not be the empty string (the error ellmer's provider-snowflake.R quotes: "messages[0].content
//     cannot be empty string (was '')"); a message may carry `content_list` alone (langchain-snowflake sends tool
//     results that way);
//   - tool_results answer an earlier tool_use with the same id and name (spec ToolResults: name "Must match a tool
//     name"); tools are `tool_spec {type: "generic", name, input_schema}` (spec Tool) and only Claude and OpenAI
//     models take them (PROTOCOLS.md section 7);
//   - input_schema without `additionalProperties` (ellmer: "Snowflake does not support the additionalProperties
//     field");
//   - max_tokens an integer in 1..16,384 (the Cortex REST API page's arguments table, PROTOCOLS.md section 7).
import type http from 'node:http';
import { pieces, type ScriptInput, type ScriptReply, type ScriptTool } from './cortexScript';

export const MAX_TOKENS = 16_384;
const TOOL_MODELS = /^(claude|openai)/;

export function toolModel(model: string): boolean {
  return TOOL_MODELS.test(model);
}

interface NativeMessage {
  role?: unknown;
  content?: unknown;
  content_list?: unknown;
}
interface NativeItem {
  type?: string;
  text?: string;
  tool_use?: { tool_use_id?: string; name?: string; input?: unknown };
  tool_results?: { tool_use_id?: string; name?: string; content?: { type?: string; text?: string }[] };
}

type Fail = (res: http.ServerResponse, status: number, message: string) => void;

function hasKeyDeep(value: unknown, key: string): boolean {
  if (!value || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasKeyDeep(v, key));
  return Object.entries(value).some(([k, v]) => k === key || hasKeyDeep(v, key));
}

function readTools(body: Record<string, unknown>, bad: (m: string) => undefined): ScriptTool[] | undefined {
  const tools: ScriptTool[] = [];
  for (const t of (body.tools ?? []) as { tool_spec?: { type?: string; name?: string; input_schema?: unknown } }[]) {
    const spec = t.tool_spec;
    if (!spec || spec.type !== 'generic' || !spec.name || typeof spec.input_schema !== 'object')
      return bad('each tool needs tool_spec {type:"generic", name, input_schema}');
    if (hasKeyDeep(spec.input_schema, 'additionalProperties'))
      return bad(`tool ${spec.name}: input_schema does not support additionalProperties`);
    tools.push({ name: spec.name, schema: spec.input_schema as Record<string, unknown> });
  }
  if (tools.length > 0 && !toolModel(String(body.model)))
    return bad(`model ${String(body.model)} does not support tools`);
  return tools;
}

function roleRule(roles: readonly unknown[]): string | undefined {
  for (const [i, role] of roles.entries()) {
    if (role !== 'system' && role !== 'user' && role !== 'assistant')
      return `messages[${i}].role must be system, user or assistant`;
    if (role === 'system' && i > 0) return `messages[${i}]: a system message must be the first message`;
    const prev = i > 0 ? roles[i - 1] : undefined;
    if (role !== 'system' && role === prev) return `messages[${i}]: user and assistant messages must alternate`;
  }
  return roles[roles.length - 1] === 'user' ? undefined : 'the last message must be a user message';
}

/** Validates a native request the way Cortex does and reduces it to the script's view; undefined after a 400. */
export function readNative(
  res: http.ServerResponse,
  body: Record<string, unknown>,
  fail: Fail,
): ScriptInput | undefined {
  const bad = (m: string): undefined => (fail(res, 400, m), undefined);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return bad('messages must be a non-empty array');
  const max = body.max_tokens;
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_TOKENS))
    return bad(`max_tokens must be an integer between 1 and ${MAX_TOKENS} (was ${JSON.stringify(max)})`);
  const tools = readTools(body, bad);
  if (!tools) return undefined;
  const messages = body.messages as NativeMessage[];
  const rule = roleRule(messages.map((m) => m.role));
  if (rule) return bad(rule);
  const calls = new Map<string, string>();
  let system = '';
  let lastUserText = '';
  let toolResult: ScriptInput['toolResult'];
  let allText = '';
  for (const [i, raw] of messages.entries()) {
    const list = (Array.isArray(raw.content_list) ? raw.content_list : []) as NativeItem[];
    if (raw.content === '' || (typeof raw.content !== 'string' && list.length === 0))
      return bad(`messages[${i}].content cannot be empty string (was '')`);
    let text = typeof raw.content === 'string' ? raw.content : '';
    let result: ScriptInput['toolResult'];
    for (const item of list) {
      if (item.type === 'text') text += item.text ?? '';
      else if (item.type === 'tool_use' && raw.role === 'assistant' && item.tool_use?.tool_use_id && item.tool_use.name)
        calls.set(item.tool_use.tool_use_id, item.tool_use.name);
      else if (item.type === 'tool_results' && raw.role === 'user') {
        const r = item.tool_results;
        if (!r?.tool_use_id || calls.get(r.tool_use_id) !== r.name)
          return bad(`messages[${i}]: tool_results must answer an earlier tool_use with the same tool_use_id and name`);
        result = { name: r.name!, text: (r.content ?? []).map((c) => c.text ?? '').join('') };
      } else return bad(`messages[${i}]: unsupported content_list item ${JSON.stringify(item.type)}`);
    }
    allText += text;
    if (raw.role === 'system') system += text;
    if (raw.role === 'user') {
      lastUserText = text;
      toolResult = result;
    }
  }
  return { system, lastUserText, tools, allText, ...(toolResult ? { toolResult } : {}) };
}

/** How stream deltas are written: typed (goose's and ellmer's recorded streams) or untyped (the docs' example). */
export type DeltaShape = 'typed' | 'untyped';

/**
 * Deltas of a reply. Typed: `{type, content, text, content_list}` for text and `{type: "tool_use", tool_use_id,
 * name, content_list: [{tool_use_id, name}]}` then `{type: "tool_use", input, content_list: [{input}]}` pieces
 * (block/goose test_parse_streaming_response). Untyped: only `content_list`, `[{type: "text", text}]`, then
 * `[{tool_use_id, name}]` and `[{input}]` pieces (the Cortex REST API page's tool-calling example).
 */
export function nativeDeltas(reply: ScriptReply, size: number, shape: DeltaShape): Record<string, unknown>[] {
  const text = (t: string): Record<string, unknown> =>
    shape === 'typed'
      ? { type: 'text', content: t, content_list: [{ type: 'text', text: t }], text: t }
      : { content_list: [{ type: 'text', text: t }] };
  if (reply.kind === 'text') return pieces(reply.text, size).map(text);
  const opening = { tool_use_id: reply.callId, name: reply.name };
  const open =
    shape === 'typed'
      ? { type: 'tool_use', ...opening, content_list: [opening], text: '' }
      : { content_list: [opening] };
  const input = pieces(JSON.stringify(reply.input), 7).map((p) =>
    shape === 'typed'
      ? { type: 'tool_use', input: p, content_list: [{ input: p }], text: '' }
      : { content_list: [{ input: p }] },
  );
  return [...pieces(reply.preface, size).map(text), open, ...input];
}
