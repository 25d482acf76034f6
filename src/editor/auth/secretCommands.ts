// "Set Key Passphrase" and "Set PAT": secrets the user types go to the auth service (which keeps them in SecretStorage
// and drops the connection's cached credentials), checked first where they can be (a passphrase must decrypt the key).
import * as vscode from 'vscode';
import { userPath } from '../../core/connections/connectionDirectory';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import { SnowflakeExtError } from '../../core/shared/errors';
import { checkKeyFile, answered } from '../../core/connections/edit/addConnection';
import { pickConnection } from './connectionPicker';

function keyFileOf(auth: AuthService, profile: ConnectionProfile): string | undefined {
  const raw = profile.params.private_key_file;
  return typeof raw === 'string' && raw.trim() ? userPath(auth.host, raw) : undefined;
}

/** `positSnowflake.setKeyPassphrase(connection?)`: connection = name or tree node; asks for the passphrase. */
export async function setKeyPassphrase(auth: AuthService, arg?: unknown): Promise<{ connection: string }> {
  const profile = await pickConnection(auth, arg, {
    title: 'Snowflake: Set Key Passphrase',
    filter: (p) => p.authenticator === 'SNOWFLAKE_JWT',
    noneMessage: 'No key-pair (SNOWFLAKE_JWT) connection was found.',
  });
  const keyFile = keyFileOf(auth, profile);
  const passphrase = answered(
    await vscode.window.showInputBox({
      title: `Snowflake: passphrase for connection "${profile.name}"`,
      prompt: `Passphrase of ${keyFile ?? 'the private key'}. It is kept in the editor's secret storage, never in a file.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : 'An encrypted key needs a non-empty passphrase.'),
    }),
  );
  if (!passphrase) throw new SnowflakeExtError('config', 'An empty passphrase is not accepted. Nothing was saved.');
  if (keyFile) {
    const { encrypted } = await checkKeyFile(keyFile, passphrase);
    if (!encrypted)
      throw new SnowflakeExtError(
        'config',
        `${keyFile} is not encrypted, so connection "${profile.name}" needs no passphrase. Nothing was saved.`,
      );
  }
  await auth.setSecret(profile.name, 'keyPassphrase', passphrase);
  void vscode.window.showInformationMessage(
    `Saved the key passphrase for "${profile.name}" in the editor's secret storage.`,
  );
  return { connection: profile.name };
}

/** `positSnowflake.setPat(connection?)`: connection = name or tree node; asks for the token. */
export async function setPat(auth: AuthService, arg?: unknown): Promise<{ connection: string }> {
  const profile = await pickConnection(auth, arg, {
    title: 'Snowflake: Set PAT',
    filter: (p) => p.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN',
    noneMessage: 'No PROGRAMMATIC_ACCESS_TOKEN connection was found.',
  });
  const pat = answered(
    await vscode.window.showInputBox({
      title: `Snowflake: programmatic access token for "${profile.name}"`,
      prompt: "Paste the token. It is kept in the editor's secret storage, never in a file.",
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the token.'),
    }),
  ).trim();
  if (!pat) throw new SnowflakeExtError('config', 'An empty token is not accepted. Nothing was saved.');
  if (typeof profile.params.token === 'string' && profile.params.token) {
    void vscode.window.showWarningMessage(
      `Connection "${profile.name}" also has a token in ${profile.file ?? 'its file'}; that one is used first.`,
    );
  }
  await auth.setSecret(profile.name, 'pat', pat);
  void vscode.window.showInformationMessage(`Saved the PAT for "${profile.name}" in the editor's secret storage.`);
  return { connection: profile.name };
}
