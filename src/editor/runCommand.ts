// The one wrapper every command runs through: logs, shows one message with its fix as a button, quiet on cancel.
import * as vscode from 'vscode';
import { isCancelled, toExtError } from '../core/shared/errors';
import type { Logger } from '../core/shared/logger';

/** Logs the failure and shows one message with its fix as a button; never waits for the person to answer it. */
export function showError(log: Logger, err: unknown, context: string): void {
  if (isCancelled(err)) {
    log.info(`${context}: cancelled`);
    return;
  }
  const e = toExtError(err);
  log.error(`${context}: ${e.userText}${e.code ? ` (code ${e.code})` : ''}`);
  const fixTitle = e.fix?.command ? (e.fix.commandTitle ?? 'Fix') : undefined;
  // A fix that opens a log (the deployment log) is the log to read: one log button, not two.
  const opensLog = /^positSnowflake\.show\w*Log$/.test(e.fix?.command ?? '');
  const actions = fixTitle ? (opensLog ? [fixTitle] : [fixTitle, 'Show Log']) : ['Show Log'];
  void vscode.window.showErrorMessage(e.userText, ...actions).then(async (choice) => {
    if (choice === 'Show Log') await vscode.commands.executeCommand('positSnowflake.showLog');
    else if (choice && choice === fixTitle && e.fix?.command) await vscode.commands.executeCommand(e.fix.command);
  });
}

/** Registers a command whose failures are reported once, in the user's terms. */
export function registerCommand(
  log: Logger,
  id: string,
  handler: (...args: any[]) => unknown, // eslint-disable-line @typescript-eslint/no-explicit-any
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      showError(log, err, id);
      return undefined;
    }
  });
}

/** Converts the editor's CancellationToken into the core's AbortSignal. */
export function toAbortSignal(token: vscode.CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
