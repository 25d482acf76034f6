// What the @snowflake participant tells the model: the schema it may use (bounded in size), the instructions for
// /sql and /schema, and reading SQL back out of an answer. Pure functions; the catalog is loaded elsewhere.
import { qualifiedName } from '../../snowflake/identifiers';
import type { ChatMessage } from '../types';

export interface SchemaColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
  readonly comment?: string;
}

export interface SchemaTable {
  readonly database: string;
  readonly schema: string;
  readonly name: string;
  readonly kind?: 'TABLE' | 'VIEW';
  readonly comment?: string;
  readonly columns: readonly SchemaColumn[];
}

export interface SchemaLimits {
  readonly maxTables: number;
  readonly maxColumnsPerTable: number;
  /** Hard cap on the rendered text, so a wide schema cannot crowd the question out of the model's window. */
  readonly maxChars: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = { maxTables: 30, maxColumnsPerTable: 40, maxChars: 12_000 };

/** Objects of the schema that were not described at all (listed only), and where they are. */
export interface OmittedObjects {
  readonly count: number;
  /** False when the listing stopped early: the schema holds more than `count` others. */
  readonly exact: boolean;
  /** `DB.SCHEMA`, for the line that says how many were left out. */
  readonly place?: string;
}

/**
 * One line per table: `- DB.SCHEMA.TABLE (view): COL TYPE, COL TYPE -- comment`. Names are written the way they
 * must be typed in SQL (quoted only when needed). Stops at the limits and says how many tables and views were left
 * out in all: those cut here for size plus those never described (`omitted`).
 */
export function renderSchema(
  tables: readonly SchemaTable[],
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
  omitted: OmittedObjects = { count: 0, exact: true },
): string {
  const lines: string[] = [];
  let used = 0;
  let shown = 0;
  for (const t of tables.slice(0, limits.maxTables)) {
    const cols = t.columns.slice(0, limits.maxColumnsPerTable).map((c) => `${qualifiedName(c.name)} ${c.type}`);
    if (t.columns.length > limits.maxColumnsPerTable)
      cols.push(`… ${t.columns.length - limits.maxColumnsPerTable} more columns`);
    const kind = t.kind === 'VIEW' ? ' (view)' : '';
    const comment = t.comment ? ` -- ${oneLine(t.comment)}` : '';
    const line = `- ${qualifiedName(t.database, t.schema, t.name)}${kind}: ${cols.join(', ')}${comment}`;
    if (used + line.length + 1 > limits.maxChars) break;
    lines.push(line);
    used += line.length + 1;
    shown++;
  }
  const left = tables.length - shown + omitted.count;
  if (left > 0 || !omitted.exact) {
    const where = omitted.place ? ` in ${omitted.place}` : '';
    lines.push(`(${omitted.exact ? '' : 'more than '}${left} more tables and views${where} not listed)`);
  }
  return lines.join('\n');
}

export interface SqlPromptContext {
  readonly connection: string;
  readonly database?: string;
  readonly schema?: string;
  readonly warehouse?: string;
  readonly role?: string;
}

export function sqlSystemPrompt(schemaText: string, ctx: SqlPromptContext): string {
  const where = [
    ctx.database && `database ${ctx.database}`,
    ctx.schema && `schema ${ctx.schema}`,
    ctx.role && `role ${ctx.role}`,
  ]
    .filter(Boolean)
    .join(', ');
  return [
    'You write Snowflake SQL for the user of a Snowflake connection.',
    `Connection: ${ctx.connection}${where ? ` (${where})` : ''}.`,
    'Use only the tables and columns listed below, with fully qualified names exactly as written.',
    'Answer with one ```sql code block holding the query, then at most three sentences explaining it.',
    'Prefer read-only queries; add LIMIT 100 to exploratory SELECTs. If the schema cannot answer the question, say so.',
    '',
    'Tables:',
    schemaText || '(no tables found in the current database and schema)',
  ].join('\n');
}

export function schemaSystemPrompt(table: SchemaTable): string {
  return [
    'You explain a Snowflake table to an analyst: what it seems to hold, what each important column means,',
    'likely keys and joins, and one example query in a ```sql block. Be brief and concrete.',
    '',
    'Table:',
    renderSchema([table], { maxTables: 1, maxColumnsPerTable: 200, maxChars: 20_000 }),
  ].join('\n');
}

/** The first ```sql block of an answer (or the first fenced block), trimmed; undefined when there is none. */
export function extractSql(answer: string): string | undefined {
  const blocks = [...answer.matchAll(/```([A-Za-z]*)[^\n]*\n([\s\S]*?)```/g)];
  const sql = blocks.find((b) => b[1]?.toLowerCase() === 'sql') ?? blocks[0];
  const text = sql?.[2]?.trim();
  return text ? text : undefined;
}

export interface TableRef {
  readonly database?: string;
  readonly schema?: string;
  readonly name: string;
}

/** `/schema ORDERS`, `/schema sales_db.public.orders`, `/schema "Mixed Case"`: the table the user means. */
export function parseTableRef(prompt: string): TableRef | undefined {
  const text = prompt.trim();
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*(\.|$|\s)/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toUpperCase());
    if (m[3] !== '.') break;
  }
  if (parts.length === 0 || parts.length > 3) return undefined;
  const name = parts[parts.length - 1]!;
  if (parts.length === 3) return { database: parts[0]!, schema: parts[1]!, name };
  if (parts.length === 2) return { schema: parts[0]!, name };
  return { name };
}

export interface HistoryTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** System prompt, the last `maxTurns` turns of the chat, then the question: what the participant sends. */
export function buildChatMessages(
  system: string | undefined,
  history: readonly HistoryTurn[],
  prompt: string,
  maxTurns = 10,
): ChatMessage[] {
  const turns = history.filter((t) => t.text.trim().length > 0).slice(-maxTurns);
  return [
    ...(system ? [{ role: 'system' as const, parts: [{ kind: 'text' as const, text: system }] }] : []),
    ...turns.map((t) => ({ role: t.role, parts: [{ kind: 'text' as const, text: t.text }] })),
    { role: 'user', parts: [{ kind: 'text', text: prompt }] },
  ];
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}
