// One results panel for SQL run from the editor (and from chat's Run Preview): created on first use, revealed and
// updated in place as statements finish; its Cancel link runs the Cancel Query command.
import * as vscode from 'vscode';
import { CANCEL_QUERY_COMMAND, resultsHtml, type ResultsView } from '../../core/tree/resultsHtml';

export class ResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** What the panel shows now (the real-editor tests read it). */
  html = '';

  show(view: ResultsView): string {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'positSnowflake.results',
        'Snowflake Results',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableFindWidget: true, enableCommandUris: [CANCEL_QUERY_COMMAND] },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else if (!this.panel.visible) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.panel.title = view.title;
    this.html = resultsHtml(view);
    this.panel.webview.html = this.html;
    return this.html;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
