// "Remove Connection" and "Edit Connection": the prompts over core/connections/edit/connectionTable. A modal question
// guards the removal; an edit changes one value per step and never writes a secret into the file.
import * as vscode from 'vscode';
import type { AuthDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { answered } from '../../core/connections/edit/addConnection';
import { connectionTable, editConnection, removeConnection } from '../../core/connections/edit/connectionTable';
import type { TomlScalar } from '../../core/connections/edit/connectionsFileEditor';
import type { ConnectionSecretWriter } from '../../core/auth/secretWriter';
import type { ConnectionProfile } from '../../core/auth/types';
import { CancelledError } from '../../core/shared/errors';
import { pickConnection } from './connectionPicker';

/** The keys people change (the file may hold others; those are edited in the file itself). */
const EDITABLE = [
  'account',
  'user',
  'role',
  'warehouse',
  'database',
  'schema',
  'authenticator',
  'private_key_file',
  'host',
];

const editable = (p: ConnectionProfile): boolean => p.source === 'connections.toml' || p.source === 'config.toml';

async function askEdit(profile: ConnectionProfile): Promise<Record<string, TomlScalar | undefined>> {
  const title = `Snowflake: Edit Connection "${profile.name}"`;
  const picked = answered(
    await vscode.window.showQuickPick(
      EDITABLE.map((key) => ({ label: key, description: String(profile.params[key] ?? '(not set)') })),
      { title, placeHolder: 'Which value?', ignoreFocusOut: true },
    ),
  );
  const value = answered(
    await vscode.window.showInputBox({
      title,
      prompt: `New ${picked.label} (empty removes it from the connection)`,
      value: String(profile.params[picked.label] ?? ''),
      ignoreFocusOut: true,
    }),
  );
  return { [picked.label]: value.trim() === '' ? undefined : value.trim() };
}

function isValues(v: unknown): v is Record<string, TomlScalar | undefined> {
  return typeof v === 'object' && v !== null && !('connectionName' in v);
}

export function registerConnectionEditCommands(deps: AuthDeps, secrets: ConnectionSecretWriter): vscode.Disposable[] {
  const { auth, log } = deps;
  return [
    registerCommand(log, 'positSnowflake.removeConnection', async (arg?: unknown, confirmed?: boolean) => {
      const profile = await pickConnection(auth, arg, {
        title: 'Snowflake: Remove Connection',
        filter: editable,
        noneMessage: 'No connection is in a connections file this can edit.',
      });
      const { file } = connectionTable(profile);
      if (confirmed !== true) {
        const ok = await vscode.window.showWarningMessage(
          `Remove connection "${profile.name}" from ${file}?`,
          {
            modal: true,
            detail: 'The rest of the file is kept. Its stored passphrase, PAT and sign-in are deleted too.',
          },
          'Remove',
        );
        if (ok !== 'Remove') throw new CancelledError();
      }
      const res = await removeConnection(
        {
          getConnection: (n) => auth.getConnection(n),
          reload: () => auth.reload(),
          signOut: (p) => auth.signOut(p),
          ...bind(secrets),
        },
        profile.name,
      );
      void vscode.window.showInformationMessage(`Removed connection "${profile.name}" from ${res.file}.`);
      return { connection: profile.name, file: res.file };
    }),
    registerCommand(log, 'positSnowflake.editConnection', async (arg?: unknown, values?: unknown) => {
      const profile = await pickConnection(auth, arg, {
        title: 'Snowflake: Edit Connection',
        filter: editable,
        noneMessage: 'No connection is in a connections file this can edit.',
      });
      const changes = isValues(values) ? values : await askEdit(profile);
      const res = await editConnection(auth, profile.name, changes);
      void vscode.window.showInformationMessage(`Updated connection "${profile.name}" in ${res.file}.`);
      return { connection: profile.name, file: res.file, changed: Object.keys(changes) };
    }),
  ];
}

function bind(secrets: ConnectionSecretWriter): ConnectionSecretWriter {
  return { setSecret: (c, k, v) => secrets.setSecret(c, k, v) };
}
