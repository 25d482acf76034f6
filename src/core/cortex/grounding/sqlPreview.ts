// "Run Preview" for SQL the model wrote: only one read-only statement, row count capped, result shown as a table.
import { SnowflakeExtError } from '../../shared/errors';
import type { QueryResult } from '../../snowflake/sqlDriver';

export const PREVIEW_LIMIT = 100;

/** Strips comments and the final semicolon; undefined when the text holds more than one statement. */
function singleStatement(sql: string): string | undefined {
  const text = sql
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim()
    .replace(/;\s*$/, '')
    .trim();
  // A semicolon left outside quotes means a second statement.
  const unquoted = text.replace(/'(?:[^'\\]|\\.|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
  return text && !unquoted.includes(';') ? text : undefined;
}

/**
 * The statement to run for a preview: SELECT/WITH get a LIMIT unless they end with one; SHOW/DESCRIBE run as they
 * are. Anything else (DML, DDL, several statements) is refused: a button in a chat must not change data.
 */
export function previewStatement(sql: string): string {
  const stmt = singleStatement(sql);
  const verb = /^\(*\s*([A-Za-z]+)/.exec(stmt ?? '')?.[1]?.toUpperCase();
  if (!stmt || !verb || !['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC'].includes(verb)) {
    throw new SnowflakeExtError(
      'notSupported',
      'Run Preview runs a single read-only query (SELECT, WITH, SHOW or DESCRIBE).',
      {
        text: 'Insert the SQL into an editor and run it yourself.',
      },
    );
  }
  if ((verb === 'SELECT' || verb === 'WITH') && !/\blimit\s+\d+(\s+offset\s+\d+)?\s*$/i.test(stmt))
    return `${stmt}\nLIMIT ${PREVIEW_LIMIT}`;
  return stmt;
}

const cell = (v: string | null): string => (v === null ? '*NULL*' : v.replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));

/** A Markdown document: the query, then up to PREVIEW_LIMIT rows as a table. */
export function renderPreviewMarkdown(connection: string, statement: string, result: QueryResult): string {
  const head = `| ${result.columns.map((c) => cell(c.name)).join(' | ')} |`;
  const rule = `|${result.columns.map(() => ' --- ').join('|')}|`;
  const rows = result.rows.slice(0, PREVIEW_LIMIT).map((r) => `| ${r.map(cell).join(' | ')} |`);
  const count =
    result.rows.length > PREVIEW_LIMIT
      ? `first ${PREVIEW_LIMIT} of ${result.rows.length} rows`
      : `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  return [
    `# Preview (${connection}, ${count})`,
    '',
    '```sql',
    statement,
    '```',
    '',
    ...(result.columns.length ? [head, rule, ...rows] : ['(no columns)']),
    '',
  ].join('\n');
}
