// Pure conversion of Cortex responses into response parts: stream frames (deltas) as they arrive, and whole
// non-streaming answers. Tool-call input arrives as partial JSON strings; it is buffered and the call is reported
// once the joined text parses (or when the call ends), never as a half-built object.
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

interface PendingToolCall {
  readonly callId: string;
  readonly name: string;
  json: string;
}

/** Delta types that carry a model's reasoning rather than its answer. */
const REASONING_TYPES = new Set(['anthropic', 'openai', 'reasoning', 'thinking', 'redacted_thinking']);

/** True when a frame is an error object ({message, code}) rather than a completion chunk. */
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
      if (delta) this.delta(delta, out);
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

  private delta(d: CortexDelta, out: ResponsePart[]): void {
    const first = d.content_list?.[0];
    const type =
      d.type ?? first?.type ?? (typeof d.content === 'string' || typeof d.text === 'string' ? 'text' : undefined);
    if (type === 'text') {
      const text = d.content ?? d.text ?? first?.text ?? '';
      if (text.length === 0) return;
      this.flushTool(out, true);
      out.push({ kind: 'text', text });
    } else if (type === 'tool_use') {
      this.toolDelta(d, first, out);
    } else if (type !== undefined && REASONING_TYPES.has(type)) {
      const text = reasoningText(d, type);
      if (text) out.push({ kind: 'reasoning', text });
    }
  }

  private toolDelta(d: CortexDelta, first: CortexDeltaContent | undefined, out: ResponsePart[]): void {
    const nested = first?.tool_use;
    const id = d.tool_use_id ?? first?.tool_use_id ?? nested?.tool_use_id;
    const name = d.name ?? first?.name ?? nested?.name;
    const input = d.input ?? first?.input ?? nested?.input;
    if (id !== undefined && this.reported.has(id)) return;
    if ((id !== undefined && id !== this.pending?.callId) || (!this.pending && name !== undefined)) {
      this.flushTool(out, true);
      this.pending = { callId: id ?? `cortex-tool-${++this.generatedIds}`, name: name ?? 'tool', json: '' };
    }
    const pending = this.pending;
    if (!pending || input === undefined) return;
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

function reasoningText(d: CortexDelta, type: string): string | undefined {
  const own = (d as Record<string, unknown>)[type];
  if (own && typeof own === 'object') {
    const o = own as Record<string, unknown>;
    for (const k of ['thinking', 'reasoning', 'text', 'content']) if (typeof o[k] === 'string') return o[k] as string;
  }
  const rec = d as Record<string, unknown>;
  for (const k of ['thinking', 'reasoning', 'text', 'content']) if (typeof rec[k] === 'string') return rec[k] as string;
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
