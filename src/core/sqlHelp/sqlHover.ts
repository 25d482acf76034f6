// Hover over a table or view name in SQL: which object the dotted name (or alias) under the cursor stands for, and
// its columns with their Snowflake types as Markdown.
import type { ColumnInfo } from '../snowflake/catalogLoader';
import { qualifiedName } from '../snowflake/identifiers';
import { completionContextAt } from './completionContext';
import { tokenize } from './sqlTokens';
import { referenceNamed, resolveReference, type NameDefaults } from './sqlSuggestions';

export interface HoverTarget {
  /** The object's database, schema and name. */
  readonly table: readonly [string, string, string];
  /** Offsets of the hovered name: [start, end). */
  readonly start: number;
  readonly end: number;
}

/** The table or view the name under `offset` refers to, or undefined when it is no table name. */
export function hoverTargetAt(text: string, offset: number, session: NameDefaults): HoverTarget | undefined {
  const tokens = tokenize(text);
  const i = tokens.findIndex((t) => t.kind === 'ident' && t.start <= offset && offset <= t.end);
  const word = tokens[i];
  if (!word || word.unterminated) return undefined;
  // The part before a dot is a database, schema or alias, not the table itself.
  if (tokens[i + 1]?.kind === 'dot') return undefined;
  if (!word.quoted && tokens[i - 1]?.kind !== 'dot' && KEYWORDS.has(word.name!)) return undefined;
  const ctx = completionContextAt(text, word.end);
  if (!ctx) return undefined;
  const d: NameDefaults = {
    database: ctx.use.database ?? session.database,
    schema: ctx.use.database && !ctx.use.schema ? undefined : (ctx.use.schema ?? session.schema),
  };
  const parts = [...ctx.qualifiers, word.name!];
  const named = parts.length === 1 ? referenceNamed(ctx.references, word.name!) : undefined;
  const table = resolveReference(named?.parts ?? parts, d);
  return table
    ? { table, start: parts.length === 1 ? word.start : tokenStart(tokens, i, parts.length), end: word.end }
    : undefined;
}

function tokenStart(tokens: ReturnType<typeof tokenize>, last: number, parts: number): number {
  return tokens[last - 2 * (parts - 1)]?.start ?? tokens[last]!.start;
}

/** Common SQL words that are never a table: hovering them asks nothing of Snowflake. */
const KEYWORDS = new Set(
  (
    'SELECT FROM WHERE JOIN ON AND OR NOT AS BY GROUP ORDER LIMIT INSERT INTO UPDATE DELETE SET VALUES CREATE ' +
    'TABLE VIEW USE DATABASE SCHEMA WITH UNION ALL DISTINCT CASE WHEN THEN ELSE END IS NULL LEFT RIGHT INNER OUTER ' +
    'FULL CROSS HAVING COUNT SUM MIN MAX AVG DESC ASC DESCRIBE SHOW LIKE IN BETWEEN TRUE FALSE'
  ).split(' '),
);

const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown for a hover: the qualified name and a table of its columns and types. */
export function tableHoverMarkdown(table: readonly [string, string, string], columns: readonly ColumnInfo[]): string {
  const lines = [
    `**${cell(qualifiedName(...table))}** · ${columns.length} ${columns.length === 1 ? 'column' : 'columns'}`,
    '',
    '| Column | Type |',
    '| --- | --- |',
    ...columns.map(
      (c) => `| ${cell(c.name)}${c.primaryKey ? ' (key)' : ''} | ${cell(c.type)}${c.nullable ? '' : ' NOT NULL'} |`,
    ),
  ];
  return lines.join('\n');
}
