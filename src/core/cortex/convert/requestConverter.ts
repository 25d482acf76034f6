// Pure conversion of editor-neutral chat messages and options into a native Cortex `inference:complete` request.
//
// Cortex rules applied here (spec cortex-inference.yaml, PROTOCOLS.md §7): system text goes first as one `system`
// message; roles must alternate, so consecutive messages of one role are merged (their texts joined by a blank line,
// as goose joins its pieces); a message's `content` must not be empty, so empty messages are dropped; a turn's text
// goes in `content` and only its `tool_use` / `tool_results` items in `content_list` (the Cortex REST API page's
// follow-up example; langchain-snowflake's fix c195f27 after 400s on later tool turns; chatlas does the same); a tool
// result repeats the tool's name (ToolResults requires it); `max_tokens` stays within the REST API's 1..16,384.
import type {
  ChatMessage,
  ChatRequestOptions,
  ChatRole,
  ChatTool,
  CortexContent,
  CortexMessage,
  CortexRequest,
  CortexToolChoice,
  CortexToolSpec,
  MessagePart,
} from '../types';

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} } as const;
/** The REST API's range for `max_tokens` (Cortex REST API page, "Arguments"). */
export const MAX_TOKENS_LIMIT = 16_384;
/** JSON Schema keywords Cortex refuses in `input_schema` (ellmer drops `additionalProperties`; chatlas keeps only
 * type/properties/required at the top). */
const UNSUPPORTED_SCHEMA_KEYS = new Set(['additionalProperties', '$schema', 'strict']);

export function toCortexRequest(
  model: string,
  messages: readonly ChatMessage[],
  options: ChatRequestOptions = {},
  stream = true,
): CortexRequest {
  const tools = options.tools?.length ? options.tools.map(toToolSpec) : undefined;
  return {
    model,
    messages: toCortexMessages(messages),
    stream,
    ...(options.maxTokens !== undefined ? { max_tokens: clampMaxTokens(options.maxTokens) } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topP !== undefined ? { top_p: options.topP } : {}),
    ...(tools ? { tools, tool_choice: toToolChoice(options) } : {}),
  };
}

export function clampMaxTokens(n: number): number {
  return Math.min(MAX_TOKENS_LIMIT, Math.max(1, Math.floor(n)));
}

export function toToolSpec(tool: ChatTool): CortexToolSpec {
  const given = tool.inputSchema && Object.keys(tool.inputSchema).length > 0 ? tool.inputSchema : EMPTY_OBJECT_SCHEMA;
  const clean = cleanSchema(given) as Record<string, unknown>;
  // The spec's input_schema is an object schema: say so when a tool left it implicit.
  const schema = { ...clean, type: 'object', properties: clean.properties ?? {} };
  return {
    tool_spec: { type: 'generic', name: tool.name, description: tool.description || tool.name, input_schema: schema },
  };
}

function toToolChoice(options: ChatRequestOptions): CortexToolChoice {
  if (options.toolMode !== 'required') return { type: 'auto' };
  // With a single tool, "required" names it: the editor asks for exactly that tool to be called.
  const only = options.tools?.length === 1 ? options.tools[0] : undefined;
  return only ? { type: 'tool', name: [only.name] } : { type: 'required' };
}

/** A copy of a JSON schema without the keywords Cortex refuses, at every depth. */
function cleanSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanSchema);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!UNSUPPORTED_SCHEMA_KEYS.has(k)) out[k] = cleanSchema(v);
  return out;
}

/** Converts and normalises the conversation: system first, empties dropped, same-role neighbours merged. */
export function toCortexMessages(messages: readonly ChatMessage[]): CortexMessage[] {
  const toolNames = new Map<string, string>();
  for (const m of messages) for (const p of m.parts) if (p.kind === 'toolCall') toolNames.set(p.callId, p.name);

  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => textOf(m.parts))
    .filter((t) => t.trim().length > 0)
    .join('\n\n');
  const turns: { role: ChatRole; texts: string[]; items: CortexContent[] }[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const text = textOf(m.parts);
    const items = m.parts.map((p) => toContent(p, toolNames)).filter((c): c is CortexContent => c !== undefined);
    if (text.length === 0 && items.length === 0) continue;
    const last = turns[turns.length - 1];
    const turn = last && last.role === m.role ? last : { role: m.role, texts: [], items: [] };
    if (turn !== last) turns.push(turn);
    if (text.length > 0) turn.texts.push(text);
    turn.items.push(...items);
  }
  const out: CortexMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const t of turns) out.push(toMessage(t.role, t.texts.join('\n\n'), t.items));
  return out;
}

function textOf(parts: readonly MessagePart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

/** The `content_list` item of a tool part; text travels in `content` instead. */
function toContent(part: MessagePart, toolNames: ReadonlyMap<string, string>): CortexContent | undefined {
  switch (part.kind) {
    case 'text':
      return undefined;
    case 'toolCall':
      return { type: 'tool_use', tool_use: { tool_use_id: part.callId, name: part.name, input: part.input } };
    case 'toolResult': {
      const text = part.content.join('');
      return {
        type: 'tool_results',
        tool_results: {
          tool_use_id: part.callId,
          // The editor's result part carries only the call id; Cortex also wants the tool's name.
          name: toolNames.get(part.callId) ?? 'tool',
          content: [{ type: 'text', text: text.length > 0 ? text : '(no output)' }],
          ...(part.isError ? { status: 'error' as const } : {}),
        },
      };
    }
  }
}

/** Text in `content` (when there is any: it must not be empty), tool items alone in `content_list`. */
function toMessage(role: ChatRole, text: string, items: readonly CortexContent[]): CortexMessage {
  return {
    role,
    ...(text.length > 0 ? { content: text } : {}),
    ...(items.length > 0 ? { content_list: items } : {}),
  };
}
