// The results webview's page: a Content Security Policy that lets only our own script (by nonce) and styles run, the
// editor's theme colours, and the static rendering of the run that the grid script then takes over.
import { randomBytes } from 'node:crypto';
import { esc } from '../tree/previewHtml';

const ROW = '22px';

const STYLE = `body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px; }
h4 { margin: 10px 0 2px; font-weight: 600; }
.failed { color: var(--vscode-errorForeground); }
.summary { font-weight: 600; }
pre.sql { opacity: 0.8; white-space: pre-wrap; margin: 2px 0 6px; max-height: 6em; overflow: auto; font-family: var(--vscode-editor-font-family); }
button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 2px 8px; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button.cancel { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
.toolbar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.toolbar .note { opacity: 0.8; margin-right: auto; }
input.filter { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; width: 16em; }
.viewport { overflow: auto; position: relative; border: 1px solid var(--vscode-panel-border, #8884); font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.viewport:focus { outline: 1px solid var(--vscode-focusBorder); }
.head { position: sticky; top: 0; z-index: 2; width: max-content; min-width: 100%; background: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background)); }
.rows { position: sticky; top: 38px; z-index: 1; width: max-content; min-width: 100%; overflow: hidden; }
.row { display: grid; height: ${ROW}; line-height: ${ROW}; }
.row.header { height: 38px; line-height: 17px; }
.row.header .cell { cursor: pointer; padding-top: 2px; }
.row.header .name { display: block; font-weight: 600; }
.row.header .type { display: block; opacity: 0.7; font-size: 90%; }
.cell { padding: 0 6px; overflow: hidden; text-overflow: ellipsis; white-space: pre; border-right: 1px solid var(--vscode-panel-border, #8882); border-bottom: 1px solid var(--vscode-panel-border, #8881); }
.cell.num { opacity: 0.6; text-align: right; }
.cell.null { opacity: 0.55; font-style: italic; }
.cell.loading { opacity: 0.4; }
.cell.selected { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.row:hover .cell:not(.selected) { background: var(--vscode-list-hoverBackground); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; white-space: pre; }
.type { font-weight: normal; opacity: 0.7; font-size: 90%; }
.null { opacity: 0.5; font-style: italic; }`;

export interface GridPage {
  readonly title: string;
  /** The webview's own source for the CSP (webview.cspSource). */
  readonly cspSource: string;
  /** The grid script's URI inside the webview. */
  readonly scriptUri: string;
  /** The run as static HTML (resultsBody). */
  readonly body: string;
}

export function gridHtml(page: GridPage, nonce = randomBytes(16).toString('base64')): string {
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${page.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)}</title>
<style nonce="${nonce}">
${STYLE}
</style></head>
<body><div id="results">${page.body}</div>
<script nonce="${nonce}" src="${esc(page.scriptUri)}"></script>
</body></html>`;
}
