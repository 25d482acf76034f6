// The buttons under a /sql answer: insert the SQL into the editor, or run a capped read-only preview of it in the
// SQL results panel.
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/auth/types';
import { previewStatement, renderPreviewMarkdown } from '../../core/cortex/grounding/sqlPreview';
import type { QueryResult } from '../../core/snowflake/sqlDriver';
import { SnowflakeExtError } from '../../core/shared/errors';
import { onOwnLines } from '../../core/shared/ownLines';
import type { Logger } from '../../core/shared/logger';
import { registerCommand, toAbortSignal } from '../runCommand';
import { INSERT_SQL_COMMAND, PREVIEW_SQL_COMMAND } from './snowflakeParticipant';

export interface SqlCommandEnv {
  readonly log: Logger;
  connectionNamed(name: string): Promise<ConnectionProfile | undefined>;
  chosenConnection(): Promise<ConnectionProfile | undefined>;
  query(profile: ConnectionProfile, sql: string, signal?: AbortSignal): Promise<QueryResult>;
  /** The SQL results panel, where Run Preview opens its query (else a Markdown document). */
  showResults?(profile: ConnectionProfile, sql: string): Promise<string>;
}

/** The SQL editors Insert into Editor writes into; any other active editor (a Python file) gets a new document. */
function isSqlEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return !!editor && /sql/i.test(editor.document.languageId);
}

/** Into the active SQL editor at the selection, on lines of its own; otherwise into a new SQL document. */
export async function insertSql(sql: string): Promise<{ uri: string; inserted: string }> {
  const editor = vscode.window.activeTextEditor;
  if (isSqlEditor(editor)) {
    const { document, selection } = editor;
    const line = (n: number): string => document.lineAt(n).text;
    const inserted = onOwnLines(
      sql,
      line(selection.start.line).slice(0, selection.start.character),
      line(selection.end.line).slice(selection.end.character),
    );
    await editor.edit((e) => e.replace(selection, inserted));
    return { uri: document.uri.toString(), inserted };
  }
  const content = `${sql.replace(/\n+$/, '')}\n`;
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content });
  const shown = await vscode.window.showTextDocument(doc);
  // The editor may hand back a just-closed untitled document (its name reused) with its old text: replace that.
  if (doc.getText() !== content) {
    const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    await shown.edit((e) => e.replace(all, content));
  }
  return { uri: doc.uri.toString(), inserted: content };
}

export async function previewSql(env: SqlCommandEnv, sql: string, connection?: string): Promise<string> {
  const statement = previewStatement(sql);
  const profile = (connection ? await env.connectionNamed(connection) : undefined) ?? (await env.chosenConnection());
  if (!profile)
    throw new SnowflakeExtError('config', 'There is no Snowflake connection to run the preview with.', {
      text: 'Add a connection first.',
      command: 'positSnowflake.addConnection',
      commandTitle: 'Add Connection',
    });
  if (env.showResults) return env.showResults(profile, statement);
  const markdown = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Running preview on '${profile.name}'…`,
      cancellable: true,
    },
    async (_progress, token) =>
      renderPreviewMarkdown(profile.name, statement, await env.query(profile, statement, toAbortSignal(token))),
  );
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: true });
  return markdown;
}

export function registerSqlCommands(env: SqlCommandEnv): vscode.Disposable[] {
  return [
    registerCommand(env.log, INSERT_SQL_COMMAND, (sql: unknown) => insertSql(String(sql ?? ''))),
    registerCommand(env.log, PREVIEW_SQL_COMMAND, (sql: unknown, connection: unknown) =>
      previewSql(env, String(sql ?? ''), typeof connection === 'string' ? connection : undefined),
    ),
  ];
}
