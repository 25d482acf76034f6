// Set Up OAuth Client in a real VS Code: the statement shown names this editor's forwarded address, and a step
// cancelled before the end leaves connections.toml and the secret storage as they were.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, rawSecret, sandbox, typingIntoPrompts } from './authSandbox';

const connectionsFile = (): string => path.join(sandbox().home, 'connections.toml');

describe('Set Up OAuth Client for browser sign-in', function () {
  this.timeout(60_000);
  before(() => api());

  it('shows the CREATE SECURITY INTEGRATION for the forwarded address; cancelled at the secret, writes nothing', async () => {
    const before = await fsp.readFile(connectionsFile(), 'utf8');
    const { result, asked } = await typingIntoPrompts(['CLIENT_ID_TYPED'], () =>
      vscode.commands.executeCommand('positSnowflake.setUpOAuthClient', 'oauth_code'),
    );
    assert.equal(result, undefined, 'cancelled');
    assert.deepEqual(asked, [
      'Snowflake: Set Up OAuth Client for "oauth_code" (1/2)',
      'Snowflake: Set Up OAuth Client for "oauth_code" (2/2)',
    ]);
    assert.equal(await fsp.readFile(connectionsFile(), 'utf8'), before, 'connections.toml is unchanged');
    assert.equal(await rawSecret.get('positSnowflake/oauthClientSecret/oauth_code'), undefined, 'no secret stored');
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.languageId, 'sql');
    const text = doc?.getText() ?? '';
    const redirect = /OAUTH_REDIRECT_URI = '([^']+)'/.exec(text)?.[1] ?? '';
    const mapped = (
      await vscode.env.asExternalUri(vscode.Uri.parse(`http://127.0.0.1:${/local port (\d+)/.exec(text)?.[1]}/`))
    ).toString(true);
    assert.equal(redirect, mapped, "the redirect is the editor's address for the listener's port");
    assert.match(text, /^CREATE SECURITY INTEGRATION POSIT_OAUTH_CODE$/m);
    assert.match(text, /SYSTEM\$SHOW_OAUTH_CLIENT_SECRETS\('POSIT_OAUTH_CODE'\)/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
