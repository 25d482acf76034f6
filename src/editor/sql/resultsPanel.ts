// The results panel: a webview grid for SQL run from the editor, from chat's Run and for Table Preview. Each result
// stays on the server behind a cursor; the panel keeps a bounded window of rows per result and hands the grid the
// rows it asks for as it scrolls. Statuses and the run's summary are also kept as static HTML (tests read it).
import * as vscode from 'vscode';
import {
  gridColumns,
  type GridAction,
  type GridState,
  type HostMessage,
  type PanelView,
  type StatementView,
  type WebviewMessage,
} from '../../core/results/gridProtocol';
import { gridHtml } from '../../core/results/gridHtml';
import { ResultWindow } from '../../core/results/resultWindow';
import type { ExportFormat } from '../../core/results/resultExport';
import { summaryLine, type StepOutcome } from '../../core/snowflake/scriptRunner';
import type { ResultRow } from '../../core/snowflake/sqlDriver';
import type { Logger } from '../../core/shared/logger';
import {
  CANCEL_QUERY_COMMAND,
  resultsBody,
  runningLine,
  stepSql,
  stepStatus,
  type ResultsView,
} from '../../core/tree/resultsHtml';
import { showError } from '../runCommand';
import { SnowflakeExtError, toExtError } from '../../core/shared/errors';
import { exportToFile, type ExportOutcome } from './exportResults';

/** Rows pushed to the grid as soon as a result is there, in blocks as they are read. */
const FIRST_ROWS = 1000;
const PUSH_BLOCK = 200;
/** Rows of each result kept for the static HTML. */
const STATIC_ROWS = 50;

interface Grid {
  readonly id: number;
  readonly window: ResultWindow;
  firstRows: ResultRow[];
  ready: Promise<void>;
}

export interface ResultsPanelOptions {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  /** positSnowflake.results (the one SQL results panel) or positSnowflake.preview (one per table preview). */
  readonly viewType: string;
  readonly column?: vscode.ViewColumn;
  /** Called when the person closes the panel. */
  readonly onClose?: () => void;
}

let nextGridId = 1;

export class ResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly grids = new Map<StepOutcome, Grid>();
  private readonly states = new Map<number, GridState>();
  private readonly stateChanged = new vscode.EventEmitter<GridState>();
  /** Fires when a grid reports what it shows. */
  readonly onDidChangeGridState = this.stateChanged.event;
  private last: ResultsView | undefined;
  /** What the panel shows now, as static HTML (the real-editor tests read it). */
  html = '';
  view: PanelView | undefined;
  /** One export at a time (a second click would write the same file twice). */
  private exporting = false;

  constructor(private readonly opts: ResultsPanelOptions) {}

  /** A new run: the previous results' cursors are let go. */
  begin(view: ResultsView): string {
    this.closeGrids();
    return this.show(view, true);
  }

  show(view: ResultsView, fresh = false): string {
    const panel = this.ensurePanel(view.title);
    this.last = view;
    for (const step of view.done) if (step.result?.cursor && !this.grids.has(step)) this.openGrid(step);
    this.view = this.panelView(view);
    this.html = resultsBody(this.staticView(view));
    if (fresh || !panel.webview.html) {
      panel.webview.html = gridHtml({
        title: view.title,
        cspSource: panel.webview.cspSource,
        scriptUri: panel.webview
          .asWebviewUri(vscode.Uri.joinPath(this.opts.extensionUri, 'dist', 'grid.js'))
          .toString(),
        body: this.html,
      });
    }
    this.post({ type: 'view', view: this.view });
    return this.html;
  }

  /** The latest state each grid reported (undefined before it did), in the order of the statements. */
  gridStates(): (GridState | undefined)[] {
    return [...this.grids.values()].map((g) => this.states.get(g.id));
  }

  /** Resolves once every result's first rows were read (and sent to the grid). */
  async settled(): Promise<void> {
    await Promise.all([...this.grids.values()].map((g) => g.ready));
  }

  /** Does in a grid what a person would (scroll, sort, filter, select, copy); `index` counts the run's results. */
  act(index: number, action: GridAction): void {
    const grid = [...this.grids.values()][index];
    if (!grid) throw new Error(`There is no result ${index + 1} in the panel.`);
    this.post({ type: 'act', grid: grid.id, action });
  }

  /** Rows [start, end) of result `index`, as the grid gets them when it asks. */
  rows(index: number, start: number, end: number): Promise<ResultRow[]> {
    const grid = [...this.grids.values()][index];
    if (!grid) throw new Error(`There is no result ${index + 1} in the panel.`);
    return grid.window.range(start, end);
  }

  /** Exports result `index` of the run (the last one when not given) to a file. */
  async export(format: ExportFormat, target?: vscode.Uri, index?: number): Promise<ExportOutcome | undefined> {
    const all = [...this.grids.values()];
    const grid = all[index ?? all.length - 1];
    if (!grid)
      throw new SnowflakeExtError('config', 'There is no result to export.', {
        text: "Run a query first ('Snowflake: Run Statement'), then export its result.",
        command: 'positSnowflake.runStatement',
        commandTitle: 'Run Statement',
      });
    if (this.exporting)
      throw new SnowflakeExtError('config', 'An export of these results is already running.', {
        text: 'Wait for it to finish, or cancel it in its notification.',
      });
    this.exporting = true;
    try {
      return await exportToFile(grid.window.cursor, format, this.last?.title ?? 'results', target);
    } finally {
      this.exporting = false;
    }
  }

  private ensurePanel(title: string): vscode.WebviewPanel {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        this.opts.viewType,
        title,
        { viewColumn: this.opts.column ?? vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          enableFindWidget: true,
          localResourceRoots: [vscode.Uri.joinPath(this.opts.extensionUri, 'dist')],
        },
      );
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.closeGrids();
        this.opts.onClose?.();
      });
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m));
      this.panel = panel;
    } else if (!this.panel.visible) {
      this.panel.reveal(this.opts.column ?? vscode.ViewColumn.Beside, true);
    }
    this.panel.title = title;
    return this.panel;
  }

  private async onMessage(m: WebviewMessage): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          if (this.view) this.post({ type: 'view', view: this.view });
          return;
        case 'range': {
          const grid = this.byId(m.grid);
          if (!grid) return;
          try {
            this.post({ type: 'rows', grid: m.grid, start: m.start, rows: await grid.window.range(m.start, m.end) });
          } catch (err) {
            this.post({ type: 'failed', grid: m.grid, message: toExtError(err).userText });
            throw err;
          }
          return;
        }
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          vscode.window.setStatusBarMessage(`Copied the ${m.what} (tab-separated).`, 3000);
          return;
        case 'export': {
          const index = [...this.grids.values()].findIndex((g) => g.id === m.grid);
          if (index >= 0)
            await this.export(m.format, undefined, index).catch((err: unknown) =>
              showError(this.opts.log, err, 'Export'),
            );
          return;
        }
        case 'cancel':
          await vscode.commands.executeCommand(CANCEL_QUERY_COMMAND);
          return;
        case 'state':
          this.states.set(m.state.id, m.state);
          this.stateChanged.fire(m.state);
          return;
      }
    } catch (err) {
      this.opts.log.warn(`Results panel: ${(err as Error).message}`);
    }
  }

  private byId(id: number): Grid | undefined {
    for (const g of this.grids.values()) if (g.id === id) return g;
    return undefined;
  }

  /** A result's first rows go to the grid as they are read, before it asks for any. */
  private openGrid(step: StepOutcome): void {
    const grid: Grid = {
      id: nextGridId++,
      window: new ResultWindow(step.result!.cursor!),
      firstRows: [],
      ready: Promise.resolve(),
    };
    this.grids.set(step, grid);
    grid.ready = (async () => {
      const total = Math.min(FIRST_ROWS, grid.window.totalRows);
      for (let start = 0; start < total; start += PUSH_BLOCK) {
        const rows = await grid.window.range(start, Math.min(total, start + PUSH_BLOCK));
        if (start === 0) {
          grid.firstRows = rows.slice(0, STATIC_ROWS);
          if (this.last) this.html = resultsBody(this.staticView(this.last));
        }
        this.post({ type: 'rows', grid: grid.id, start, rows });
      }
    })().catch((err: unknown) => this.opts.log.warn(`Results: reading rows failed: ${(err as Error).message}`));
    // The run's summary waits for these rows, so what the panel shows when the run is done includes them.
  }

  private panelView(view: ResultsView): PanelView {
    const statements: StatementView[] = view.done
      .map((step, i) => ({ step, i }))
      .filter(({ step }) => step.status !== 'skipped')
      .map(({ step, i }) => {
        const grid = this.grids.get(step);
        const r = step.result;
        return {
          status: stepStatus(step, i),
          failed: step.status === 'failed',
          sql: stepSql(step),
          ...(step.error && step.status === 'failed' ? { error: step.error.message } : {}),
          ...(grid && r && r.columns.length > 0
            ? {
                grid: {
                  id: grid.id,
                  columns: gridColumns(r.columns),
                  totalRows: grid.window.totalRows,
                  queryId: r.queryId,
                },
              }
            : {}),
        };
      });
    return {
      title: view.title,
      connection: view.connection,
      ...(runningLine(view) ? { running: runningLine(view) } : {}),
      ...(view.summary ? { summary: summaryLine(view.summary) } : {}),
      statements,
    };
  }

  /** The view with each result's first rows in place of the rows it never fetched. */
  private staticView(view: ResultsView): ResultsView {
    return {
      ...view,
      done: view.done.map((step) => {
        const grid = this.grids.get(step);
        return grid && step.result ? { ...step, result: { ...step.result, rows: grid.firstRows } } : step;
      }),
    };
  }

  private post(m: HostMessage): void {
    void this.panel?.webview.postMessage(m);
  }

  private closeGrids(): void {
    for (const g of this.grids.values()) g.window.close();
    this.grids.clear();
    this.states.clear();
  }

  dispose(): void {
    this.closeGrids();
    this.stateChanged.dispose();
    this.panel?.dispose();
  }
}

/** Table Preview: each preview in a results grid of its own, in the active column. */
export class PreviewPanels implements vscode.Disposable {
  private readonly open_ = new Set<ResultsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {}

  open(title: string, connection: string, step: StepOutcome): ResultsPanel {
    const panel = new ResultsPanel({
      extensionUri: this.extensionUri,
      log: this.log,
      viewType: 'positSnowflake.preview',
      column: vscode.ViewColumn.Active,
      onClose: () => this.open_.delete(panel),
    });
    this.open_.add(panel);
    panel.begin({ title, connection, total: 1, done: [step] });
    return panel;
  }

  dispose(): void {
    for (const p of this.open_) p.dispose();
    this.open_.clear();
  }
}
