// Pure conversion of editor-neutral chat messages and options into a native Cortex `inference:complete` request.
//
// Cortex rules applied here (PROTOCOLS.md §7): system text goes first as one `system` message; a message's `content`
// must not be empty, so empty messages are dropped; tool calls travel as `tool_use` items in the assistant's
// `content_list`, and their results as `tool_results` items (which must repeat the tool's name) in the next user
// message; consecutive messages of one role are merged, since the Claude models behind Cortex want turns to alternate.
import type {
  ChatMessage,
  ChatRequestOptions,
  ChatRole,
  ChatTool,
  CortexContent,
  CortexMessage,
  CortexTextContent,
  CortexRequest,
  CortexToolChoice,
  CortexToolSpec,
  MessagePart,
} from '../types';

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} } as const;

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
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topP !== undefined ? { top_p: options.topP } : {}),
    ...(tools ? { tools, tool_choice: toToolChoice(options) } : {}),
  };
}

export function toToolSpec(tool: ChatTool): CortexToolSpec {
  const schema = tool.inputSchema && Object.keys(tool.inputSchema).length > 0 ? tool.inputSchema : EMPTY_OBJECT_SCHEMA;
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

/** Converts and normalises the conversation: system first, empties dropped, same-role neighbours merged. */
export function toCortexMessages(messages: readonly ChatMessage[]): CortexMessage[] {
  const toolNames = new Map<string, string>();
  for (const m of messages) for (const p of m.parts) if (p.kind === 'toolCall') toolNames.set(p.callId, p.name);

  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => textOf(m.parts))
    .filter((t) => t.trim().length > 0)
    .join('\n\n');
  const turns: { role: ChatRole; items: CortexContent[] }[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const items = m.parts.map((p) => toContent(p, toolNames)).filter((c): c is CortexContent => c !== undefined);
    if (items.length === 0) continue;
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.items.push(...items);
    else turns.push({ role: m.role, items });
  }
  const out: CortexMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const t of turns) out.push(toMessage(t.role, t.items));
  return out;
}

function textOf(parts: readonly MessagePart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

function toContent(part: MessagePart, toolNames: ReadonlyMap<string, string>): CortexContent | undefined {
  switch (part.kind) {
    case 'text':
      return part.text.length > 0 ? { type: 'text', text: part.text } : undefined;
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

/**
 * Text-only turns use `content`; turns with tool items use `content_list` alone (their text as `text` items), so no
 * text is sent twice and no `content` is ever an empty string.
 */
function toMessage(role: ChatRole, items: readonly CortexContent[]): CortexMessage {
  const texts = items.filter((i): i is CortexTextContent => i.type === 'text');
  if (texts.length === items.length) return { role, content: texts.map((t) => t.text).join('') };
  return { role, content_list: items };
}
