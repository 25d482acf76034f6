// The results webview's script: renders what the extension host says the run is (status of each statement, the run's
// summary, Cancel while a statement runs) and a virtual grid for each result, which asks the host for rows as it
// scrolls. It holds no state the host cannot send again: a reloaded webview asks for the view anew.
import type { HostMessage, PanelView, WebviewMessage } from '../core/results/gridProtocol';
import { VirtualGrid } from './virtualGrid';

declare function acquireVsCodeApi(): { postMessage(m: WebviewMessage): void };

const vscode = acquireVsCodeApi();
const post = (m: WebviewMessage): void => vscode.postMessage(m);
const grids = new Map<number, VirtualGrid>();
const root = document.getElementById('results')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(view: PanelView): void {
  const head = el('div', 'head-lines');
  head.append(el('h3', undefined, view.title), el('p', undefined, `Connection: ${view.connection}`));
  if (view.running) {
    const line = el('p', 'running', `${view.running} `);
    const cancel = el('button', 'cancel', 'Cancel');
    cancel.title = 'Cancel the running query at Snowflake';
    cancel.addEventListener('click', () => post({ type: 'cancel' }));
    line.append(cancel);
    head.append(line);
  }
  if (view.summary) head.append(el('p', 'summary', view.summary));
  const withGrid = view.statements.filter((s) => s.grid).length;
  const keep = new Set<number>();
  const sections = view.statements.map((s) => {
    const section = el('section');
    section.append(el('h4', s.failed ? 'failed' : undefined, s.status), el('pre', 'sql', s.sql));
    if (s.error) section.append(el('p', 'failed', s.error));
    if (s.grid) {
      keep.add(s.grid.id);
      let grid = grids.get(s.grid.id);
      if (!grid) {
        grid = new VirtualGrid(s.grid, post, withGrid === 1 ? 'calc(100vh - 220px)' : '320px');
        grids.set(s.grid.id, grid);
      }
      section.append(grid.root);
    }
    return section;
  });
  for (const id of [...grids.keys()]) if (!keep.has(id)) grids.delete(id);
  root.replaceChildren(head, ...sections);
  for (const g of grids.values()) g.attached();
}

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  if (m.type === 'view') render(m.view);
  else if (m.type === 'rows') grids.get(m.grid)?.receive(m.start, m.rows);
  else if (m.type === 'act') grids.get(m.grid)?.act(m.action);
  else if (m.type === 'failed') grids.get(m.grid)?.failed(m.message);
});
post({ type: 'ready' });
