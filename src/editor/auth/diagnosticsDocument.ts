// The doctor's report as a read-only virtual document (scheme posit-snowflake-doctor): nothing is written to disk,
// and running the command again refreshes the open document instead of opening a second one.
import * as vscode from 'vscode';

export const DOCTOR_SCHEME = 'posit-snowflake-doctor';

export class DiagnosticsDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly reports = new Map<string, string>();

  /** The URI for a report: one document for all connections, one per connection. */
  static uriFor(connection?: string): vscode.Uri {
    // Plain text (no extension), named so the tab says what it is.
    const name = connection ? `Snowflake Diagnostics (${connection.replace(/[/\\]/g, '_')})` : 'Snowflake Diagnostics';
    return vscode.Uri.from({ scheme: DOCTOR_SCHEME, path: `/${name}` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? 'Run "Snowflake: Show Diagnostics" to produce this report.';
  }

  /** Stores the report text, refreshes any open copy, and shows it. */
  async show(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
    this.reports.set(uri.toString(), text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  dispose(): void {
    this.changed.dispose();
    this.reports.clear();
  }
}
