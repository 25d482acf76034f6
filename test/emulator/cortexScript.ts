// The emulated Cortex models' scripted, deterministic answers, chosen from the conversation:
//   - a tool result in the last user turn   → "The tool <name> returned: <text>"
//   - tools offered + "use the tool"        → a call of the tool named in the message (else the first), input
//                                             built from its schema
//   - "long stream [N]"                     → N numbered lines (default 400) with multi-byte characters
//   - SQL asked for + tables in the prompt  → a ```sql block naming those tables and their columns
//   - anything else                         → echo: the last user message, unchanged
// Both API flavours (native and OpenAI-compatible) reduce a request to a ScriptInput first.

export interface ScriptTool {
  readonly name: string;
  readonly schema: Record<string, unknown>;
}

export interface ScriptInput {
  readonly system: string;
  readonly lastUserText: string;
  readonly tools: readonly ScriptTool[];
  /** Set when the last user turn carries a tool's result. */
  readonly toolResult?: { readonly name: string; readonly text: string };
  /** All text of the request, for usage counts. */
  readonly allText: string;
}

export type ScriptReply =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'tool';
      readonly preface: string;
      readonly callId: string;
      readonly name: string;
      readonly input: Record<string, unknown>;
    };

export const LONG_STREAM_LINE = (i: number): string => `Line ${i}: snow ❄ café 雪 naïve résumé — déjà vu 🏔️.\n`;

let callCounter = 0;

export function scriptReply(input: ScriptInput): ScriptReply {
  if (input.toolResult)
    return { kind: 'text', text: `The tool ${input.toolResult.name} returned: ${input.toolResult.text}` };
  const user = input.lastUserText;
  if (input.tools.length > 0 && /\b(use|call) (the |a )?tools?\b/i.test(user)) {
    const tool = input.tools.find((t) => user.includes(t.name)) ?? input.tools[0]!;
    return {
      kind: 'tool',
      preface: `Calling ${tool.name}.`,
      callId: `tooluse_${String(++callCounter).padStart(6, '0')}`,
      name: tool.name,
      input: inputFor(tool.schema),
    };
  }
  const long = /\blong stream(?:\s+(\d+))?/i.exec(user);
  if (long) {
    const n = Math.min(Number(long[1] ?? 400), 200_000);
    return { kind: 'text', text: Array.from({ length: n }, (_, i) => LONG_STREAM_LINE(i + 1)).join('') };
  }
  const tables = tablesIn(`${input.system}\n${user}`);
  if (tables.length > 0 && /\bsql\b|\bquery\b|\bselect\b/i.test(`${input.system}\n${user}`))
    return { kind: 'text', text: sqlAnswer(tables, user) };
  return { kind: 'text', text: user };
}

/** A value for each property of a JSON schema: strings "demo", numbers 42, booleans true, enums their first value. */
function inputFor(schema: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(props)) {
    if (Array.isArray(p.enum) && p.enum.length > 0) out[name] = p.enum[0];
    else if (p.type === 'number' || p.type === 'integer') out[name] = 42;
    else if (p.type === 'boolean') out[name] = true;
    else if (p.type === 'array') out[name] = ['demo'];
    else if (p.type === 'object') out[name] = {};
    else out[name] = 'demo ❄';
  }
  return out;
}

interface PromptTable {
  readonly name: string;
  readonly columns: readonly string[];
}

/** Tables listed in a prompt the way the participant lists them: `- DB.SCHEMA.TABLE: COL TYPE, COL TYPE`. */
export function tablesIn(text: string): PromptTable[] {
  const out: PromptTable[] = [];
  const re =
    /^- ((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)){2})(?: \(view\))?: (.*)$/gm;
  for (const m of text.matchAll(re)) {
    const columns = (m[2] ?? '')
      .split(', ')
      .map((c) => c.split(' ')[0] ?? '')
      .filter((c) => c && !c.startsWith('…'));
    out.push({ name: m[1]!, columns });
  }
  return out;
}

function sqlAnswer(tables: readonly PromptTable[], question: string): string {
  const words = question.toUpperCase();
  const mentioned = tables.filter((t) =>
    words.includes(t.name.split('.').pop()!.replace(/"/g, '').toUpperCase().replace(/S$/, '')),
  );
  const [main, other] = mentioned.length > 0 ? [mentioned[0]!, mentioned[1]] : [tables[0]!, undefined];
  const cols = main.columns.slice(0, 3);
  const select = cols.length > 0 ? cols.map((c) => `  t.${c}`).join(',\n') : '  *';
  const join = other ? joinClause(main, other) : '';
  return [
    `Here is a query over ${main.name}${other ? ` and ${other.name}` : ''}:`,
    '',
    '```sql',
    `SELECT\n${select}\nFROM ${main.name} AS t${join}\nLIMIT 100;`,
    '```',
    '',
    'It reads the first columns of the table and returns at most 100 rows.',
  ].join('\n');
}

function joinClause(a: PromptTable, b: PromptTable): string {
  const shared = a.columns.find((c) => c.endsWith('_ID') && b.columns.includes(c));
  return shared ? `\nJOIN ${b.name} AS u ON u.${shared} = t.${shared}` : `\nCROSS JOIN ${b.name} AS u`;
}

/** Splits text into stream pieces of about `size` characters without cutting a surrogate pair. */
export function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
