// Read-only virtual documents: the doctor's report (scheme posit-snowflake-doctor, Markdown so long lines wrap) and a
// Workbench-managed connections file with its token masked (scheme posit-snowflake-managed). Nothing is written to
// disk, and showing a document again refreshes the open copy instead of opening a second one.
import * as vscode from 'vscode';

export const DOCTOR_SCHEME = 'posit-snowflake-doctor';
export const MANAGED_FILE_SCHEME = 'posit-snowflake-managed';

export class ReadOnlyDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>();

  constructor(
    readonly scheme: string,
    private readonly placeholder: string,
  ) {}

  uri(name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: this.scheme, path: `/${name.replace(/[/\\]/g, '_')}` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? this.placeholder;
  }

  /** Stores the text, refreshes any open copy, and shows it. */
  async show(uri: vscode.Uri, text: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: false, ...options });
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

/** The report's document: one for all connections, one per connection; `.md`, so it opens as Markdown with wrap. */
export function diagnosticsUri(docs: ReadOnlyDocumentProvider, connection?: string): vscode.Uri {
  return docs.uri(connection ? `Snowflake Diagnostics (${connection}).md` : 'Snowflake Diagnostics.md');
}
