// "Set Up OAuth Client": for a browser sign-in in a remote editor, where Snowflake's built-in client cannot redirect.
// Shows the CREATE SECURITY INTEGRATION for this editor's forwarded address, takes the client id and secret the
// administrator reads back, points the connection at them (secret in the secret storage only), then signs in.
import * as vscode from 'vscode';
import type { AuthDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { answered } from '../../core/connections/edit/addConnection';
import { freeLoopbackPort } from '../../core/auth/oauth/oauthLoopback';
import { integrationNameFor, securityIntegrationSql, useCustomClient } from '../../core/auth/oauth/oauthClientSetup';
import { pickConnection } from './connectionPicker';
import { isOAuthSignIn } from './snowflakeAuthProvider';

async function ask(title: string, prompt: string, password: boolean): Promise<string> {
  return answered(
    await vscode.window.showInputBox({
      title,
      prompt,
      password,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'This is needed.'),
    }),
  ).trim();
}

export async function setUpOAuthClient(
  deps: AuthDeps,
  arg?: unknown,
): Promise<{ connection: string; redirectUri: string }> {
  const profile = await pickConnection(deps.auth, arg, {
    title: 'Snowflake: Set Up OAuth Client',
    filter: isOAuthSignIn,
    noneMessage: 'No connection signs in with the browser (authenticator = "OAUTH_AUTHORIZATION_CODE").',
  });
  // A fixed port, so the address the integration registers stays the one this editor forwards.
  const socketUri = `http://127.0.0.1:${await freeLoopbackPort()}`;
  const redirectUri = (await vscode.env.asExternalUri(vscode.Uri.parse(`${socketUri}/`))).toString(true);
  const integration = integrationNameFor(profile.name);
  const doc = await vscode.workspace.openTextDocument({
    language: 'sql',
    content: [
      `-- Browser sign-in for connection "${profile.name}" from this remote editor. The browser returns to`,
      `-- ${redirectUri} (local port ${new URL(socketUri).port}), which Snowflake's built-in client refuses.`,
      '-- An administrator (ACCOUNTADMIN, or a role with CREATE INTEGRATION) runs this once:',
      '',
      securityIntegrationSql(integration, redirectUri),
      '',
    ].join('\n'),
  });
  await vscode.window.showTextDocument(doc, { preview: false });
  const title = `Snowflake: Set Up OAuth Client for "${profile.name}"`;
  const clientId = await ask(
    `${title} (1/2)`,
    `The client id (OAUTH_CLIENT_ID of DESCRIBE SECURITY INTEGRATION ${integration}), once the statement shown has run.`,
    false,
  );
  const clientSecret = await ask(
    `${title} (2/2)`,
    "The client secret (SYSTEM$SHOW_OAUTH_CLIENT_SECRETS). It is kept in the editor's secret storage, never in a file.",
    true,
  );
  const file = await useCustomClient(deps.auth, profile.name, { clientId, clientSecret, redirectUri, socketUri });
  deps.log.info(`Connection "${profile.name}" now signs in with OAuth client ${clientId} (redirect ${redirectUri}).`);
  void vscode.window.showInformationMessage(
    `Connection "${profile.name}" now uses OAuth client ${clientId} (written to ${file}); signing in…`,
  );
  void vscode.commands.executeCommand('positSnowflake.signIn', profile.name);
  return { connection: profile.name, redirectUri };
}

export function registerOAuthClientCommands(deps: AuthDeps): vscode.Disposable[] {
  return [registerCommand(deps.log, 'positSnowflake.setUpOAuthClient', (arg?: unknown) => setUpOAuthClient(deps, arg))];
}
