// The Connections view's commands: refresh, retry, load more, copy/insert names, preview, switch role/warehouse,
// copy Python/R code. Each takes the tree node it was invoked on (or a connection name).
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import type { AuthService, ConnectionProfile, HostEnvironment } from '../../core/auth/types';
import { switchSignInRole } from './switchSignInRole';
import { CatalogLoader, PREVIEW_ROWS } from '../../core/snowflake/catalogLoader';
import { qualifiedName, quoteIdentifier } from '../../core/snowflake/identifiers';
import type { SessionPreferences, SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import type { Logger } from '../../core/shared/logger';
import { registerCommand, toAbortSignal } from '../runCommand';
import {
  connectionCodeSpec,
  pythonConnectionCode,
  rConnectionCode,
  type ConnectionCodeSpec,
} from '../../core/snowflake/connectionCode';
import { userPath } from '../../core/connections/connectionDirectory';
import { isEncryptedPem } from '../../core/auth/credentials/privateKey';
import { stringParam } from '../../core/connections/connectionParams';
import {
  isObjectNode,
  nameParts,
  type ConnectionsNode,
  type ErrorNode,
  type LoadMoreNode,
  type ObjectNode,
  type TableNode,
} from '../../core/tree/connectionNodes';
import type { ConnectionsTreeModel } from '../../core/tree/connectionsTreeModel';
import { connectionFixOf } from '../../core/tree/connectionLabels';
import type { StepOutcome } from '../../core/snowflake/scriptRunner';

const PREFS_KEY = 'positSnowflake.sessionPreferences';

export interface CommandDeps {
  readonly model: ConnectionsTreeModel;
  readonly sessions: SqlSessionManager;
  readonly workspaceState: vscode.Memento;
  readonly log: Logger;
  /** In a Posit Workbench session: the folder of the user's own connection files. */
  readonly userDirectory: () => Promise<string | undefined>;
  /** The host the auth service reads connections for (its home folder expands `~` in key paths). */
  readonly host: Pick<HostEnvironment, 'homedir' | 'platform'>;
  /** A browser sign-in's roles: Switch Role offers those signed in, and signs in with another. */
  readonly auth: Pick<AuthService, 'signIns' | 'useSignIn'>;
  /** Opens a table preview's result in a results grid of its own. */
  readonly openPreview: (title: string, connection: string, step: StepOutcome) => void;
}

/** Role/warehouse choices survive a reload of the window (per workspace, per connection). */
export function restorePreferences(state: vscode.Memento, sessions: SqlSessionManager): void {
  const saved = state.get<Record<string, SessionPreferences>>(PREFS_KEY) ?? {};
  for (const [name, prefs] of Object.entries(saved)) sessions.setPreferences(name, prefs);
}

function needNode<T>(node: T | undefined, what: string): T {
  if (!node) {
    throw new SnowflakeExtError('config', `Run this on ${what} in the Snowflake Connections view.`, {
      text: 'Open the Snowflake view and right-click an item.',
      command: 'positSnowflake.connections.focus',
      commandTitle: 'Open View',
    });
  }
  return node;
}

/** The connection a command was run on: its tree node, its name, or (from the palette) the user's pick. */
async function profileOf(
  deps: CommandDeps,
  node: { connectionName: string } | string | undefined,
): Promise<ConnectionProfile> {
  let name = typeof node === 'string' ? node : node?.connectionName;
  if (name === undefined) {
    const names = (await deps.model.children()).filter((n) => n.kind === 'connection').map((n) => n.connectionName);
    name =
      names.length === 1
        ? names[0]
        : await vscode.window.showQuickPick(names, {
            title: 'Snowflake connection',
            placeHolder: 'Choose a connection',
          });
    if (name === undefined) throw new CancelledError();
  }
  // Called from outside the view (the status bar) before the view has loaded its connections: load them first.
  if (!deps.model.profile(name)) await deps.model.children();
  const profile = deps.model.profile(name);
  if (!profile)
    throw new SnowflakeExtError('notFound', `No connection named "${name}" is shown.`, {
      text: 'Refresh the Connections view.',
    });
  return profile;
}

function loaderFor(deps: CommandDeps, profile: ConnectionProfile): CatalogLoader {
  return new CatalogLoader((sql, what, signal, options) =>
    deps.sessions.query(profile, sql, { what, signal, ...options }),
  );
}

/** The text for "Insert Name": a column by its name (as used in a query), anything else fully qualified. */
function insertText(node: ObjectNode): string {
  return node.kind === 'column' ? quoteIdentifier(node.name) : qualifiedName(...nameParts(node));
}

async function insertName(node: ObjectNode | undefined): Promise<string> {
  const text = insertText(needNode(node, 'a database, schema, table or column'));
  const editor = vscode.window.activeTextEditor;
  if (!editor)
    throw new SnowflakeExtError('config', 'There is no open editor to insert the name into.', {
      text: 'Open a file and place the cursor, then try again.',
    });
  await editor.edit((edit) => {
    for (const sel of editor.selections) edit.replace(sel, text);
  });
  return text;
}

async function previewTable(
  deps: CommandDeps,
  node: TableNode | undefined,
): Promise<{ title: string; columns: number; rows: number }> {
  const table = needNode(node, 'a table or view');
  const profile = await profileOf(deps, table);
  const title = `Preview: ${qualifiedName(table.database, table.schema, table.name)}`;
  const started = Date.now();
  const preview = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Loading ${title}…`, cancellable: true },
    (_p, token) =>
      loaderFor(deps, profile).previewTable(
        table.database,
        table.schema,
        table.name,
        PREVIEW_ROWS,
        toAbortSignal(token),
        { cursor: true },
      ),
  );
  const rows = preview.result?.totalRows ?? preview.rows.length;
  deps.openPreview(title, profile.name, {
    statement: { text: preview.sql ?? title, start: 0, end: 0, line: 0, column: 0 },
    status: 'succeeded',
    startedAt: started,
    elapsedMs: Date.now() - started,
    ...(preview.result ? { result: preview.result } : {}),
  });
  return { title, columns: preview.columns.length, rows };
}

async function pick(
  items: readonly { name: string; isCurrent: boolean; detail?: string }[],
  title: string,
): Promise<string> {
  const choice = await vscode.window.showQuickPick(
    items.map((i) => ({ label: i.name, description: i.isCurrent ? 'current' : undefined, detail: i.detail })),
    { title, placeHolder: 'Choose one' },
  );
  if (!choice) throw new CancelledError();
  return choice.label;
}

async function remember(deps: CommandDeps, name: string, prefs: SessionPreferences): Promise<void> {
  const saved = deps.workspaceState.get<Record<string, SessionPreferences>>(PREFS_KEY) ?? {};
  await deps.workspaceState.update(PREFS_KEY, { ...saved, [name]: { ...saved[name], ...prefs } });
}

async function switchRole(deps: CommandDeps, node: ConnectionsNode | string | undefined): Promise<string> {
  const profile = await profileOf(deps, node);
  let role: string;
  if (profile.authenticator === 'OAUTH_AUTHORIZATION_CODE') {
    // A browser sign-in's token is limited to its role (USE ROLE cannot leave it): switch among the sign-ins.
    role = await switchSignInRole(deps.auth, profile, () => loaderFor(deps, profile).listRoles());
    deps.sessions.setPreferences(profile.name, { ...deps.sessions.preferences(profile.name), role });
    await deps.sessions.reset(profile.name);
  } else {
    role = await pick(await loaderFor(deps, profile).listRoles(), `Switch role for "${profile.name}"`);
    await deps.sessions.useRole(profile, role);
  }
  await remember(deps, profile.name, { role });
  // Another role sees other databases: what was loaded is no longer what the user may see.
  const root = deps.model.root(profile.name);
  if (root) deps.model.refresh(root);
  return role;
}

async function switchWarehouse(deps: CommandDeps, node: ConnectionsNode | string | undefined): Promise<string> {
  const profile = await profileOf(deps, node);
  const items = (await loaderFor(deps, profile).listWarehouses()).map((w) => ({
    ...w,
    detail: [w.size, w.state].filter(Boolean).join(' · '),
  }));
  const warehouse = await pick(items, `Switch warehouse for "${profile.name}"`);
  await deps.sessions.useWarehouse(profile, warehouse);
  await remember(deps, profile.name, { warehouse });
  return warehouse;
}

/**
 * Retry on an error row: when the error names the connection's fix (a passphrase, a PAT, a sign-in), that command
 * runs first, asking for what is missing; a cancelled or failed fix (undefined result) leaves the row as it was.
 */
async function retry(model: ConnectionsTreeModel, node: ErrorNode | undefined): Promise<boolean> {
  if (!node) {
    model.refresh();
    return true;
  }
  const fix = connectionFixOf(node);
  if (fix && (await vscode.commands.executeCommand(fix.command, node.connectionName)) === undefined) return false;
  await model.retry(node);
  return true;
}

/** What Copy Python / R Connection Code must spell out for this connection to open from a script. */
async function codeSpec(deps: CommandDeps, node: ConnectionsNode | string | undefined): Promise<ConnectionCodeSpec> {
  const profile = await profileOf(deps, node);
  const keyFile = stringParam(profile.params, 'private_key_file');
  const pem = keyFile
    ? await fsp.readFile(userPath(deps.host, keyFile), 'utf8').catch(() => '')
    : (stringParam(profile.params, 'private_key_raw') ?? '');
  const userDirectory = await deps.userDirectory();
  return connectionCodeSpec(profile, {
    ...(userDirectory ? { userDirectory } : {}),
    homedir: deps.host.homedir,
    preferences: deps.sessions.preferences(profile.name),
    keyEncrypted: isEncryptedPem(pem),
  });
}

async function copy(text: string, what: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Copied ${what}`, 3000);
  return text;
}

export function registerConnectionCommands(deps: CommandDeps): vscode.Disposable[] {
  const { log, model } = deps;
  return [
    registerCommand(log, 'positSnowflake.refresh', (node?: ConnectionsNode) => model.refresh(node)),
    registerCommand(log, 'positSnowflake.retry', (node?: ErrorNode) => retry(model, node)),
    registerCommand(log, 'positSnowflake.loadMore', (node?: LoadMoreNode) =>
      model.loadMore(needNode(node, '"Load more…"')),
    ),
    registerCommand(log, 'positSnowflake.copyQualifiedName', (node?: ObjectNode) => {
      const n = needNode(isObjectNode(node) ? node : undefined, 'a database, schema, table or column');
      return copy(qualifiedName(...nameParts(n)), 'the qualified name');
    }),
    registerCommand(log, 'positSnowflake.insertName', (node?: ObjectNode) =>
      insertName(isObjectNode(node) ? node : undefined),
    ),
    registerCommand(log, 'positSnowflake.previewTable', (node?: TableNode) =>
      previewTable(deps, node?.kind === 'table' ? node : undefined),
    ),
    registerCommand(log, 'positSnowflake.switchRole', (node?: ConnectionsNode | string) => switchRole(deps, node)),
    registerCommand(log, 'positSnowflake.switchWarehouse', (node?: ConnectionsNode | string) =>
      switchWarehouse(deps, node),
    ),
    registerCommand(log, 'positSnowflake.copyPythonCode', async (node?: ConnectionsNode | string) =>
      copy(pythonConnectionCode(await codeSpec(deps, node)), 'Python connection code'),
    ),
    registerCommand(log, 'positSnowflake.copyRCode', async (node?: ConnectionsNode | string) =>
      copy(rConnectionCode(await codeSpec(deps, node)), 'R connection code'),
    ),
  ];
}
