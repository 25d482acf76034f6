// The read-only HTML of a table preview: column names with their Snowflake types, then the rows, all escaped.
import type { TablePreview } from '../snowflake/catalogLoader';
import type { ResultColumn } from '../snowflake/sqlDriver';
import { displayType } from '../results/gridProtocol';

export { displayType };

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px; }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; white-space: pre; vertical-align: top; }
th { position: sticky; top: 0; background: var(--vscode-editor-background); }
.type { font-weight: normal; opacity: 0.7; font-size: 90%; }
.null { opacity: 0.5; font-style: italic; }
.failed { color: var(--vscode-errorForeground); }
pre.sql { opacity: 0.8; white-space: pre-wrap; margin: 4px 0; }`;

/** Column names with their Snowflake types, then the rows; NULL shown as NULL, everything escaped. */
export function tableHtml(columns: readonly ResultColumn[], rows: TablePreview['rows']): string {
  const head = columns
    .map(
      (c) =>
        `<th title="${esc(c.nullable ? 'nullable' : 'not null')}">${esc(c.name)}<br><span class="type">${esc(displayType(c))}</span></th>`,
    )
    .join('');
  const body = rows
    .map((r) => `<tr>${r.map((v) => (v === null ? '<td class="null">NULL</td>' : `<td>${esc(v)}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A read-only page; command links (the Cancel button) only when `commands` is true. */
export function pageHtml(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>${esc(title)}</title>
<style>
${STYLE}
</style></head>
<body><h3>${esc(title)}</h3>${body}</body></html>`;
}

export function previewHtml(title: string, preview: TablePreview, limit: number): string {
  const note =
    preview.rows.length >= limit
      ? `First ${limit} rows`
      : `${preview.rows.length} row${preview.rows.length === 1 ? '' : 's'}`;
  return pageHtml(
    title,
    `<p>${esc(note)} · ${preview.columns.length} columns · read-only</p>\n${tableHtml(preview.columns, preview.rows)}`,
  );
}
