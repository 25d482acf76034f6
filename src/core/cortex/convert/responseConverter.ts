// Pure conversion of Cortex responses into response parts: stream frames (deltas) as they arrive, and whole
// non-streaming answers. Tool-call input arrives as partial JSON strings; it is buffered and the call is reported
// once the joined text parses (or when the call ends), never as a half-built object.
//
// Two delta shapes occur (PROTOCOLS.md §7): typed deltas as the spec's StreamingCompleteResponseDelta describes them
// (`{type: "text", content}`, `{type: "tool_use", tool_use_id, name, input}`, `{type: "anthropic", thinking:
// {thinking}}`, `{type: "openai", reasoning: {summary}}`, as ellmer, chatlas, langchain-snowflake and goose read them),
// and untyped ones whose only payload is `content_list` (the Cortex REST API page's tool-calling example:
// `[{tool_use_id, name}]`, then `[{input: "<partial JSON>"}]`; langchain-snowflake's "legacy format"). The kind of an
// untyped item is inferred from its keys.
import { SnowflakeExtError } from '../../shared/errors';
import type {
  CortexDelta,
  CortexDeltaContent,
  CortexStreamChunk,
  ResponsePart,
  ToolCallPart,
  UsagePart,
} from '../types';

type JsonObject = Readonly<Record<string, unknown>>;
type ToolInput = string | JsonObject;

/** One thing a delta says, whatever its shape. */
type DeltaItem =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'toolOpen'; readonly id?: string; readonly name?: string; readonly input?: ToolInput }
  | { readonly kind: 'toolInput'; readonly input: ToolInput }
  | { readonly kind: 'reasoning'; readonly text: string };

interface PendingToolCall {
  readonly callId: string;
  readonly name: string;
  json: string;
}

/** Delta types that carry a model's reasoning rather than its answer (the spec's `anthropic` and `openai`). */
const REASONING_TYPES = new Set(['anthropic', 'openai', 'reasoning', 'thinking', 'redacted_thinking']);

/** True when a frame is an error object ({message, code} or {error: {...}}) rather than a completion chunk. */
export function isErrorFrame(
  value: unknown,
): value is { message: string; code?: string | number; request_id?: string } {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    !('choices' in v) && (typeof v.message === 'string' || typeof v.error === 'string' || typeof v.error === 'object')
  );
}

export class CortexResponseAssembler {
  private pending: PendingToolCall | undefined;
  private usage: UsagePart | undefined;
  private generatedIds = 0;
  /** Calls already reported: trailing deltas for them (whitespace) are ignored. */
  private readonly reported = new Set<string>();

  /** Parts completed by one stream frame, in order. */
  push(chunk: CortexStreamChunk): ResponsePart[] {
    const out: ResponsePart[] = [];
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? choice.message;
      if (delta) for (const item of deltaItems(delta)) this.item(item, out);
    }
    if (chunk.usage) this.noteUsage(chunk.usage);
    return out;
  }

  /** The stream ended: reports a tool call still being assembled, then the usage. */
  finish(): ResponsePart[] {
    const out: ResponsePart[] = [];
    this.flushTool(out, true);
    if (this.usage) out.push(this.usage);
    return out;
  }

  private item(item: DeltaItem, out: ResponsePart[]): void {
    switch (item.kind) {
      case 'text':
        if (item.text.length === 0) return;
        this.flushTool(out, true);
        out.push({ kind: 'text', text: item.text });
        return;
      case 'reasoning':
        if (item.text.length > 0) out.push({ kind: 'reasoning', text: item.text });
        return;
      case 'toolOpen':
        if (item.id !== undefined && this.reported.has(item.id)) return;
        if (!this.pending || (item.id !== undefined && item.id !== this.pending.callId)) {
          this.flushTool(out, true);
          this.pending = {
            callId: item.id ?? `cortex-tool-${++this.generatedIds}`,
            name: item.name ?? 'tool',
            json: '',
          };
        }
        if (item.input !== undefined) this.toolInput(item.input, out);
        return;
      case 'toolInput':
        // Input for a call already reported (trailing whitespace) or never opened has nowhere to go.
        if (this.pending) this.toolInput(item.input, out);
        return;
    }
  }

  private toolInput(input: ToolInput, out: ResponsePart[]): void {
    const pending = this.pending!;
    if (typeof input === 'object') {
      // Some models send the whole input as an object in one go.
      out.push(this.report(pending, input));
      return;
    }
    pending.json += input;
    // Only a text ending in "}" can be a complete object: skip the parse attempt otherwise (keeps long inputs linear).
    if (pending.json.trimEnd().endsWith('}')) this.flushTool(out, false);
  }

  /** Reports the pending call if its input parses; `final` means no more input will come. */
  private flushTool(out: ResponsePart[], final: boolean): void {
    const pending = this.pending;
    if (!pending) return;
    const text = pending.json.trim();
    if (text.length === 0 && final) {
      // A tool without arguments may send no input at all.
      out.push(this.report(pending, {}));
      return;
    }
    const parsed = tryParseObject(text);
    if (parsed) {
      out.push(this.report(pending, parsed));
    } else if (final) {
      this.pending = undefined;
      throw new SnowflakeExtError(
        'server',
        `Cortex ended the call to tool '${pending.name}' with input that is not valid JSON.`,
        { text: 'Try the request again; if it keeps happening, pick another model.' },
      );
    }
  }

  private report(p: PendingToolCall, input: JsonObject): ToolCallPart {
    this.pending = undefined;
    this.reported.add(p.callId);
    return { kind: 'toolCall', callId: p.callId, name: p.name, input };
  }

  private noteUsage(u: NonNullable<CortexStreamChunk['usage']>): void {
    const prompt = num(u.prompt_tokens) ?? this.usage?.promptTokens ?? 0;
    const completion = num(u.completion_tokens) ?? this.usage?.completionTokens ?? 0;
    const total = num(u.total_tokens) ?? prompt + completion;
    if (prompt === 0 && completion === 0 && total === 0) return;
    this.usage = { kind: 'usage', promptTokens: prompt, completionTokens: completion, totalTokens: total };
  }
}

/** What one delta says. A typed delta is read from its top-level fields; an untyped one item by item. */
function deltaItems(d: CortexDelta): DeltaItem[] {
  const first = d.content_list?.[0];
  if (d.type !== undefined) {
    if (d.type === 'text') return [{ kind: 'text', text: d.content ?? d.text ?? first?.text ?? '' }];
    if (d.type === 'tool_use') {
      const nested = first?.tool_use;
      return [
        toolItem(
          d.tool_use_id ?? first?.tool_use_id ?? nested?.tool_use_id,
          d.name ?? first?.name ?? nested?.name,
          d.input ?? first?.input ?? nested?.input,
        ),
      ];
    }
    const text = REASONING_TYPES.has(d.type) ? reasoningText(d as Record<string, unknown>, d.type) : undefined;
    return text ? [{ kind: 'reasoning', text }] : [];
  }
  // Untyped with a plain `content` (snowflake-ml-python's test server streams `{"delta": {"content": "msg"}}`).
  if (typeof d.content === 'string' || typeof d.text === 'string')
    return [{ kind: 'text', text: d.content ?? d.text! }];
  return (d.content_list ?? []).map(contentItem).filter((i): i is DeltaItem => i !== undefined);
}

function contentItem(c: CortexDeltaContent): DeltaItem | undefined {
  if (c.type === 'tool_use' || c.tool_use) {
    const use = c.tool_use ?? c;
    return toolItem(use.tool_use_id, use.name, use.input);
  }
  if (c.type === 'text' || (c.type === undefined && typeof c.text === 'string' && c.tool_use_id === undefined))
    return { kind: 'text', text: c.text ?? '' };
  if (c.type === undefined && (c.tool_use_id !== undefined || c.name !== undefined || c.input !== undefined))
    return toolItem(c.tool_use_id, c.name, c.input);
  const text = c.type && REASONING_TYPES.has(c.type) ? reasoningText(c as Record<string, unknown>, c.type) : undefined;
  return text ? { kind: 'reasoning', text } : undefined;
}

/** An opening (it names the call) or a piece of input for the open call. */
function toolItem(id: string | undefined, name: string | undefined, input: ToolInput | undefined): DeltaItem {
  if (id !== undefined || name !== undefined)
    return {
      kind: 'toolOpen',
      ...(id !== undefined ? { id } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(input !== undefined ? { input } : {}),
    };
  return { kind: 'toolInput', input: input ?? '' };
}

/** Converts a whole (non-streaming) answer: `choices[0].message` with `content` or `content_list`. */
export function fromCompletionResponse(body: CortexStreamChunk): ResponsePart[] {
  const out: ResponsePart[] = [];
  for (const choice of body.choices ?? []) {
    const m = choice.message ?? choice.delta;
    if (!m) continue;
    const list = m.content_list ?? [];
    if (list.length === 0 && (m.content ?? m.text)) out.push({ kind: 'text', text: (m.content ?? m.text)! });
    for (const item of list) {
      if (item.type === 'text' && item.text) out.push({ kind: 'text', text: item.text });
      const use = item.type === 'tool_use' ? (item.tool_use ?? item) : undefined;
      if (use?.tool_use_id && use.name) {
        const input = typeof use.input === 'string' ? (tryParseObject(use.input) ?? {}) : (use.input ?? {});
        out.push({ kind: 'toolCall', callId: use.tool_use_id, name: use.name, input });
      }
    }
  }
  const assembler = new CortexResponseAssembler();
  assembler.push({ usage: body.usage });
  out.push(...assembler.finish());
  return out;
}

function tryParseObject(text: string): JsonObject | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reasoning text of a delta: the spec's `{type: "anthropic", thinking: {thinking}}` and `{type: "openai", reasoning:
 * {summary}}`, or the same under a key named after the type, or a plain string field.
 */
function reasoningText(d: Record<string, unknown>, type: string): string | undefined {
  for (const holder of [d[type], d.thinking, d.reasoning, d]) {
    if (typeof holder === 'string' && holder !== type) return holder;
    if (!holder || typeof holder !== 'object') continue;
    const o = holder as Record<string, unknown>;
    for (const k of ['thinking', 'summary', 'reasoning', 'text', 'content'])
      if (typeof o[k] === 'string') return o[k] as string;
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
