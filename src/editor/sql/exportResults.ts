// Export Results: a save dialog, then the whole result streamed through its cursor to the file under a cancellable
// progress notification; a cancel deletes the partial file (see exportResult in core).
import * as vscode from 'vscode';
import { exportResult, type ExportFormat } from '../../core/results/resultExport';
import type { ResultCursor } from '../../core/snowflake/sqlDriver';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import { toAbortSignal } from '../runCommand';

export const EXPORT_RESULTS_COMMAND = 'positSnowflake.exportResults';

export interface ExportOutcome {
  readonly file: string;
  readonly rows: number;
  readonly format: ExportFormat;
}

function defaultName(title: string, format: ExportFormat): string {
  const base =
    title
      .replace(/^(Results|Preview):\s*/, '')
      .replace(/[^\w.-]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'results';
  return `${base.replace(/\.sql$/i, '')}.${format}`;
}

export async function exportToFile(
  cursor: ResultCursor,
  format: ExportFormat,
  title: string,
  target?: vscode.Uri,
): Promise<ExportOutcome | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: `Export ${cursor.totalRows.toLocaleString('en-US')} rows as ${format.toUpperCase()}`,
      saveLabel: 'Export',
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, defaultName(title, format)) } : {}),
    }));
  if (!uri) throw new CancelledError();
  if (uri.scheme !== 'file')
    throw new SnowflakeExtError('config', 'Results can be exported only to a file on this machine.', {
      text: 'Choose a folder of the workspace or your home folder.',
    });
  const total = cursor.totalRows;
  const rows = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting ${format.toUpperCase()}`, cancellable: true },
    (progress, token) => {
      let reported = 0;
      return exportResult(cursor, format, uri.fsPath, {
        signal: toAbortSignal(token),
        onProgress: ({ rows: n }) => {
          const pct = total > 0 ? (n / total) * 100 : 100;
          progress.report({
            increment: pct - reported,
            message: `${n.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`,
          });
          reported = pct;
        },
      });
    },
  );
  void vscode.window.showInformationMessage(
    `Exported ${rows.toLocaleString('en-US')} rows to ${vscode.workspace.asRelativePath(uri)}.`,
  );
  return { file: uri.fsPath, rows, format };
}
