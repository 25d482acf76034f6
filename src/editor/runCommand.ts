// The one wrapper every command runs through: logs, shows one message with its fix as a button, quiet on cancel.
import * as vscode from 'vscode';
import { isCancelled, toExtError } from '../core/shared/errors';
import type { Logger } from '../core/shared/logger';

export async function showError(log: Logger, err: unknown, context: string): Promise<void> {
  if (isCancelled(err)) {
    log.info(`${context}: cancelled`);
    return;
  }
  const e = toExtError(err);
  log.error(`${context}: ${e.userText}${e.code ? ` (code ${e.code})` : ''}`);
  const actions: string[] = [];
  if (e.fix?.command) actions.push(e.fix.commandTitle ?? 'Fix');
  actions.push('Show Log');
  const choice = await vscode.window.showErrorMessage(e.userText, ...actions);
  if (choice === 'Show Log') await vscode.commands.executeCommand('positSnowflake.showLog');
  else if (choice && e.fix?.command) await vscode.commands.executeCommand(e.fix.command);
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
      await showError(log, err, id);
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
