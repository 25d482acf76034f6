// Keeps the request time limits the composition root made in step with the setting `positSnowflake.requestTimeoutSeconds`.
import * as vscode from 'vscode';
import { RequestLimits } from '../core/shared/http';
import type { EditorDeps } from './deps';

export const REQUEST_TIMEOUT_SETTING = 'positSnowflake.requestTimeoutSeconds';

/** The limits, set from the setting now and whenever it changes. */
export function settingRequestLimits(deps: Pick<EditorDeps, 'subscriptions'>): RequestLimits {
  const limits = new RequestLimits();
  const apply = (): void =>
    limits.setTimeoutSeconds(vscode.workspace.getConfiguration().get<number>(REQUEST_TIMEOUT_SETTING));
  apply();
  deps.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(REQUEST_TIMEOUT_SETTING)) apply();
    }),
  );
  return limits;
}
