// Running SQL from a .sql editor: the statement at the cursor, the selection or the whole file, on the editor's
// connection through the shared SQL sessions; results in the results panel, errors as diagnostics, a history.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import { QueryHistory } from '../../core/snowflake/queryHistory';
import { runScript, summaryLine, type ScriptSummary, type StepOutcome } from '../../core/snowflake/scriptRunner';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { splitStatements, statementAt, type SqlStatement } from '../../core/snowflake/statementSplitter';
import { CancelledError, SnowflakeExtError, toExtError } from '../../core/shared/errors';
import type { Logger } from '../../core/shared/logger';
import { CANCEL_QUERY_COMMAND } from '../../core/tree/resultsHtml';
import { registerCommand } from '../runCommand';
import { CHOOSE_CONNECTION_COMMAND, EditorConnections } from './editorConnection';
import { ResultsPanel } from './resultsPanel';
import { EXPORT_RESULTS_COMMAND } from './exportResults';
import type { ExportFormat } from '../../core/results/resultExport';
import { showHistory } from './historyPick';
import { registerSqlHelp, type SqlHelpDeps } from './sqlHelpProviders';

export interface SqlEditorDeps {
  readonly auth: Pick<AuthService, 'connections'>;
  readonly sessions: SqlSessionManager;
  readonly workspaceState: vscode.Memento;
  readonly log: Logger;
  readonly selectedConnection: () => string | undefined;
  readonly loadedCatalog?: SqlHelpDeps['loaded'];
  readonly onDidChangeCatalog?: SqlHelpDeps['onDidChangeCatalog'];
  readonly extensionUri: vscode.Uri;
}

/** What a run command returns (the real-editor tests read it): the summary and the panel's HTML. */
export interface RunOutcome {
  readonly summary: ScriptSummary;
  readonly html: string;
}

export class SqlRunner implements vscode.Disposable {
  readonly connections: EditorConnections;
  readonly results: ResultsPanel;
  readonly history: QueryHistory;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('snowflake-sql');
  private running: AbortController | undefined;
  /** History writes in order (each one reads the list the previous one wrote). */
  private recording: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SqlEditorDeps) {
    this.connections = new EditorConnections(deps);
    this.results = new ResultsPanel({
      extensionUri: deps.extensionUri,
      log: deps.log,
      viewType: 'positSnowflake.results',
    });
    this.history = new QueryHistory(deps.workspaceState);
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  /** Runs statements on a connection; `doc` (when they come from one) gets diagnostics for a failure. */
  async run(
    profile: ConnectionProfile,
    statements: readonly SqlStatement[],
    title: string,
    doc?: vscode.TextDocument,
  ): Promise<RunOutcome> {
    if (statements.length === 0)
      throw new SnowflakeExtError('config', 'There is no SQL statement here to run.', {
        text: 'Place the cursor in a statement, or select one or more statements.',
      });
    if (this.running)
      throw new SnowflakeExtError('config', 'A query is still running.', {
        text: "Wait for it, or run 'Snowflake: Cancel Query'.",
        command: CANCEL_QUERY_COMMAND,
        commandTitle: 'Cancel Query',
      });
    if (doc) this.diagnostics.delete(doc.uri);
    const controller = new AbortController();
    this.running = controller;
    const done: StepOutcome[] = [];
    const view = { title, connection: profile.name, total: statements.length, done };
    let html = this.results.begin({ ...view, running: 0 });
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Snowflake: running on ${profile.name}` },
        () =>
          runScript({
            statements,
            signal: controller.signal,
            execute: (sql, signal) =>
              this.deps.sessions.query(profile, sql, {
                signal,
                what: 'Running the statement',
                cursor: true,
              }),
            toError: (err) => toExtError(err),
            onStep: (i, outcome) => {
              if (outcome) {
                done.push(outcome);
                this.recording = this.recording.then(() => this.record(profile.name, outcome));
              }
              html = this.results.show({ ...view, running: outcome ? undefined : i });
            },
          }),
      );
      await this.results.settled();
      html = this.results.show({ ...view, done: summary.steps, summary });
      await this.recording;
      if (doc) this.mark(doc, summary);
      this.report(profile, summary);
      return { summary, html };
    } finally {
      this.running = undefined;
      this.connections.touch();
    }
  }

  private async record(connection: string, o: StepOutcome): Promise<void> {
    if (o.status === 'skipped') return;
    await this.history
      .add({
        connection,
        statement: o.statement.text,
        at: o.startedAt,
        elapsedMs: o.elapsedMs,
        status: o.status,
        ...(o.result ? { rows: o.result.totalRows ?? o.result.rows.length } : {}),
        ...(o.result?.queryId ? { queryId: o.result.queryId } : {}),
        ...(o.error && o.status === 'failed' ? { error: o.error.message } : {}),
      })
      .catch((err: unknown) => this.deps.log.warn(`Query history not saved: ${(err as Error).message}`));
  }

  private mark(doc: vscode.TextDocument, summary: ScriptSummary): void {
    const failed = summary.steps.find((s) => s.status === 'failed');
    if (!failed?.errorAt || !failed.error) return;
    const at = new vscode.Position(failed.errorAt.line, failed.errorAt.column);
    const word = doc.getWordRangeAtPosition(at);
    const range = word ?? new vscode.Range(at, at.translate(0, 1));
    const d = new vscode.Diagnostic(range, failed.error.message, vscode.DiagnosticSeverity.Error);
    d.source = 'Snowflake';
    if (failed.error.code) d.code = failed.error.code;
    this.diagnostics.set(doc.uri, [d]);
  }

  /** The summary as a notification; a missing warehouse (by its code's refusal kind) offers Switch Warehouse. */
  private report(profile: ConnectionProfile, summary: ScriptSummary): void {
    const line = summaryLine(summary);
    this.deps.log.info(`${profile.name}: ${line}`);
    const failed = summary.steps.find((s) => s.status === 'failed')?.error;
    if (!failed) {
      if (summary.steps.length > 1) void vscode.window.showInformationMessage(line);
      return;
    }
    const action = failed.refusal === 'warehouse-missing' ? 'Switch Warehouse' : undefined;
    void vscode.window.showErrorMessage(`${line}. ${failed.userText}`, ...(action ? [action] : [])).then((c) => {
      if (c === action) void vscode.commands.executeCommand('positSnowflake.switchWarehouse', profile.name);
    });
  }

  dispose(): void {
    this.running?.abort();
    this.connections.dispose();
    this.results.dispose();
    this.diagnostics.dispose();
  }
}

function sqlEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor)
    throw new SnowflakeExtError('config', 'There is no open SQL editor to run.', {
      text: 'Open a .sql file, place the cursor in a statement, then try again.',
    });
  return editor;
}

/** Statements of a selection, with lines and columns in the document. */
function selectionStatements(doc: vscode.TextDocument, sel: vscode.Selection): SqlStatement[] {
  const base = doc.offsetAt(sel.start);
  return splitStatements(doc.getText(sel)).map((s) => {
    const p = doc.positionAt(base + s.start);
    return { ...s, start: base + s.start, end: base + s.end, line: p.line, column: p.character };
  });
}

function titleOf(doc: vscode.TextDocument): string {
  return `Results: ${doc.isUntitled ? doc.uri.path : (doc.uri.path.split('/').pop() ?? doc.uri.path)}`;
}

function isFormat(v: unknown): v is ExportFormat {
  return v === 'csv' || v === 'json';
}

async function pickFormat(): Promise<ExportFormat> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'CSV', description: 'comma-separated, RFC 4180', format: 'csv' as const },
      { label: 'JSON', description: 'an array of objects', format: 'json' as const },
    ],
    { title: 'Export the whole result as' },
  );
  if (!choice) throw new CancelledError();
  return choice.format;
}

export interface SqlEditorServices {
  readonly disposables: vscode.Disposable[];
  /** Runs SQL on a connection into the results panel (chat's Run Preview); returns the panel's HTML. */
  readonly showResults: (profile: ConnectionProfile, sql: string) => Promise<string>;
  /** Which connection each SQL editor runs on (the status bar shows the active one). */
  readonly editorConnections: EditorConnections;
  /** The SQL results panel (the real-editor test host reads what its grids show). */
  readonly results: ResultsPanel;
}

export function registerSqlEditor(deps: SqlEditorDeps): SqlEditorServices {
  const runner = new SqlRunner(deps);
  const showResults = async (profile: ConnectionProfile, sql: string): Promise<string> =>
    (await runner.run(profile, splitStatements(sql), `Results: preview (${profile.name})`)).html;
  const { log } = deps;
  const runIn = async (pick: (e: vscode.TextEditor) => SqlStatement[]): Promise<RunOutcome> => {
    const editor = sqlEditor();
    const profile = await runner.connections.profileFor(editor.document);
    return runner.run(profile, pick(editor), titleOf(editor.document), editor.document);
  };
  const atCursor = (e: vscode.TextEditor): SqlStatement[] => {
    const s = statementAt(e.document.getText(), e.document.offsetAt(e.selection.active));
    return s ? [s] : [];
  };
  const disposables = [
    runner,
    ...registerSqlHelp({
      auth: deps.auth,
      sessions: deps.sessions,
      log,
      chosen: (doc) => runner.connections.chosen(doc),
      ...(deps.loadedCatalog ? { loaded: deps.loadedCatalog } : {}),
      ...(deps.onDidChangeCatalog ? { onDidChangeCatalog: deps.onDidChangeCatalog } : {}),
    }),
    registerCommand(log, 'positSnowflake.runStatement', () => runIn(atCursor)),
    registerCommand(log, 'positSnowflake.runSelection', () =>
      runIn((e) => (e.selection.isEmpty ? atCursor(e) : selectionStatements(e.document, e.selection))),
    ),
    registerCommand(log, 'positSnowflake.runFile', () => runIn((e) => splitStatements(e.document.getText()))),
    registerCommand(
      log,
      EXPORT_RESULTS_COMMAND,
      async (args?: { format?: unknown; result?: unknown; file?: unknown }) => {
        const format = isFormat(args?.format) ? args.format : await pickFormat();
        const target = typeof args?.file === 'string' ? vscode.Uri.file(args.file) : undefined;
        return runner.results.export(format, target, typeof args?.result === 'number' ? args.result : undefined);
      },
    ),
    registerCommand(log, CANCEL_QUERY_COMMAND, () => {
      if (!runner.cancel()) void vscode.window.showInformationMessage('No Snowflake query is running.');
    }),
    registerCommand(log, CHOOSE_CONNECTION_COMMAND, async (name?: unknown) => {
      const profile = await runner.connections.choose(
        sqlEditor().document,
        typeof name === 'string' ? name : undefined,
      );
      return profile.name;
    }),
    registerCommand(log, 'positSnowflake.queryHistory', async () => {
      const choice = await showHistory(runner.history);
      if (!choice) throw new CancelledError();
      if (choice.action === 'open') {
        const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: choice.entry.statement });
        await vscode.window.showTextDocument(doc);
        return undefined;
      }
      const profile = (await deps.auth.connections()).connections.find((p) => p.name === choice.entry.connection);
      if (!profile)
        throw new SnowflakeExtError('notFound', `The connection "${choice.entry.connection}" is gone.`, {
          text: 'Open the statement instead and run it on another connection.',
        });
      return runner.run(profile, splitStatements(choice.entry.statement), `Results: history (${profile.name})`);
    }),
  ];
  return { disposables, showResults, editorConnections: runner.connections, results: runner.results };
}
