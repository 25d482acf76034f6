// Keeps the core's request time limit in step with the setting `positSnowflake.requestTimeoutSeconds`.
import * as vscode from 'vscode';
import { setRequestTimeoutSeconds } from '../core/shared/http';
import type { EditorDeps } from './deps';

export const REQUEST_TIMEOUT_SETTING = 'positSnowflake.requestTimeoutSeconds';

export function registerRequestLimits(deps: Pick<EditorDeps, 'subscriptions'>): void {
  const apply = (): void =>
    setRequestTimeoutSeconds(vscode.workspace.getConfiguration().get<number>(REQUEST_TIMEOUT_SETTING));
  apply();
  deps.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(REQUEST_TIMEOUT_SETTING)) apply();
    }),
  );
}
