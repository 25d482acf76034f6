// "Open Connections File" and "Set as Default Connection": the files the Snowflake clients read, opened at the right
// table or patched one line at a time (never re-serialised).
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { editTomlFile, setTopLevelKey } from '../../core/connections/edit/connectionsFileEditor';
import { scanTomlStatements } from '../../core/connections/edit/tomlStatements';
import { maskSecretsInToml } from '../../core/connections/edit/maskedConnectionsFile';
import type { ReadOnlyDocumentProvider } from './diagnosticsDocument';
import type { AuthService } from '../../core/auth/types';
import { SnowflakeExtError } from '../../core/shared/errors';
import { connectionNameOf, pickConnection } from './connectionPicker';

async function isFile(file: string): Promise<boolean> {
  return (await fsp.stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** Offset of `[name]` / `[connections.name]` in the text, if written as a header. */
async function headerOffset(file: string, name: string): Promise<number | undefined> {
  const text = await fsp.readFile(file, 'utf8');
  const header = scanTomlStatements(text).find(
    (s) => s.kind === 'table' && s.path[s.path.length - 1] === name && s.path.length <= 2,
  );
  return header?.start;
}

/**
 * `positSnowflake.openConnectionsFile(connection?)`: with a connection (name or tree node), opens the file it came from
 * at its table; otherwise the directory's connections.toml (or config.toml when that is the one in use).
 * Returns the path opened.
 */
export async function openConnectionsFile(
  auth: AuthService,
  managedDocs: ReadOnlyDocumentProvider,
  arg?: unknown,
): Promise<string | undefined> {
  const named = connectionNameOf(arg);
  let file: string | undefined;
  let offset: number | undefined;
  if (named !== undefined) {
    const profile = await auth.getConnection(named);
    if (!profile.file)
      throw new SnowflakeExtError(
        'notFound',
        `Connection "${named}" comes from the SNOWFLAKE_CONNECTIONS environment variable, not a file.`,
      );
    if (profile.source === 'workbench') return openManagedFile(managedDocs, profile.file, named);
    file = profile.file;
    offset = await headerOffset(file, named).catch(() => undefined);
  } else {
    const { directory } = await auth.connections();
    for (const candidate of [path.join(directory, 'connections.toml'), path.join(directory, 'config.toml')]) {
      if (await isFile(candidate)) {
        file = candidate;
        break;
      }
    }
    if (!file) {
      const choice = await vscode.window.showInformationMessage(
        `There is no connections.toml or config.toml in ${directory} yet.`,
        'Add Connection',
      );
      if (choice === 'Add Connection') await vscode.commands.executeCommand('positSnowflake.addConnection');
      return undefined;
    }
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const at = offset === undefined ? undefined : doc.positionAt(offset);
  await vscode.window.showTextDocument(doc, at ? { selection: new vscode.Range(at, at) } : {});
  return file;
}

/**
 * Posit Workbench rewrites its connections file (with a live token) and any edit there is lost: it opens as a
 * read-only document with the secrets masked. Returns the file's path.
 */
async function openManagedFile(docs: ReadOnlyDocumentProvider, file: string, name: string): Promise<string> {
  const text = maskSecretsInToml(await fsp.readFile(file, 'utf8'));
  const header = scanTomlStatements(text).find((s) => s.kind === 'table' && s.path[s.path.length - 1] === name);
  const editor = await docs.show(docs.uri(`${path.basename(file)} (Posit Workbench, read-only)`), text);
  if (header) {
    const at = editor.document.positionAt(header.start);
    editor.selection = new vscode.Selection(at, at);
  }
  void vscode.window.showInformationMessage(
    `Posit Workbench manages ${file} and rewrites it as the token rotates, so it opens read-only, with the token hidden.`,
  );
  return file;
}

/**
 * `positSnowflake.setDefaultConnection(connection?)`: writes `default_connection_name` at the top of config.toml in
 * the clients' directory (creating it 0600), so the CLI, the Python connector and this extension agree.
 */
export async function setDefaultConnection(
  auth: AuthService,
  arg?: unknown,
): Promise<{ connection: string; file?: string; explained?: string }> {
  const profile = await pickConnection(auth, arg, { title: 'Snowflake: Set as Default Connection' });
  const { directory, userDirectory } = await auth.connections();
  if (userDirectory !== undefined) return explainWorkbenchDefault(profile.name, auth.host.env);
  const file = path.join(directory, 'config.toml');
  const res = await editTomlFile(file, (text) => setTopLevelKey(text, 'default_connection_name', profile.name, file));
  await auth.reload();
  const override = auth.host.env.SNOWFLAKE_DEFAULT_CONNECTION_NAME?.trim();
  if (override && override !== profile.name) {
    void vscode.window.showWarningMessage(
      `Wrote default_connection_name = "${profile.name}" to ${res.file}, but SNOWFLAKE_DEFAULT_CONNECTION_NAME=${override} is set in this environment and wins over the file.`,
    );
  } else {
    void vscode.window.showInformationMessage(
      `"${profile.name}" is now the default Snowflake connection (${res.file}).`,
    );
  }
  return { connection: profile.name, file: res.file };
}

/**
 * In a Posit Workbench session the default is SNOWFLAKE_DEFAULT_CONNECTION_NAME, set by Workbench for every process,
 * and the clients' folder is the one Workbench rewrites: writing default_connection_name there would change nothing.
 */
function explainWorkbenchDefault(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): { connection: string; explained: string } {
  const current = env.SNOWFLAKE_DEFAULT_CONNECTION_NAME?.trim() || 'workbench';
  const explained =
    `In this Posit Workbench session the default Snowflake connection is "${current}"${current === name ? ' already' : ''}: Workbench sets ` +
    `SNOWFLAKE_DEFAULT_CONNECTION_NAME for every program and manages the folder the default would be written to, ` +
    `so nothing was changed.${current === name ? '' : ` To use "${name}", name it in your code (Copy Python Connection Code does that).`}`;
  void vscode.window.showInformationMessage(explained, 'Copy Python Connection Code').then((choice) => {
    if (choice) void vscode.commands.executeCommand('positSnowflake.copyPythonCode', name);
  });
  return { connection: name, explained };
}
