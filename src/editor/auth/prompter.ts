// The editor's side of talking to the person during sign-in: passphrase prompts and the browser.
import * as vscode from 'vscode';
import type { AuthPrompter } from '../../core/auth/types';

export function createPrompter(): AuthPrompter {
  return {
    askPassphrase: async (connection, keyFile, retry) =>
      vscode.window.showInputBox({
        title: `Snowflake: passphrase for connection "${connection}"`,
        prompt: `${retry ? 'That passphrase did not decrypt the key. ' : ''}Passphrase of ${keyFile}. It is kept in the editor's secret storage.`,
        password: true,
        ignoreFocusOut: true,
      }),
    openExternal: async (url) => vscode.env.openExternal(vscode.Uri.parse(url)),
    asExternalUri: async (localUrl) => (await vscode.env.asExternalUri(vscode.Uri.parse(localUrl))).toString(true),
  };
}
