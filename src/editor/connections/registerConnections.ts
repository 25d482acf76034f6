// Registers the connections capability: SQL sessions, the Connections tree and its commands, and (in Positron) the
// Connections-pane driver. Nothing here loads the SQL driver: that happens on the first expanded connection.
import * as vscode from 'vscode';
import { PreviewPanels } from '../sql/resultsPanel';
import { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import type { ConnectionsDeps } from '../deps';
import { registerConnectionCommands, restorePreferences } from './connectionCommands';
import { ConnectionsTreeDataProvider } from './connectionsTreeDataProvider';
import { ConnectionsTreeModel } from '../../core/tree/connectionsTreeModel';
import { registerPositronConnectionsDriver } from './positronConnectionsDriver';
import { registerFilterCommands } from './filterCommands';
import { loadedCatalog } from '../../core/tree/loadedCatalog';
import type { LoadedCatalog } from '../../core/sqlHelp/sqlCatalog';

export interface ConnectionsServices {
  /** One SQL session per connection, shared with the other capabilities (Cortex's /sql and previews). */
  readonly sessions: SqlSessionManager;
  /** The database (and schema) last selected or expanded in the view under a connection. */
  readonly focus: (connectionName: string) => { database: string; schema?: string } | undefined;
  /** What the Connections view shows. */
  readonly tree: ConnectionsTreeDataProvider;
  /** The connection of the node selected in the view, if any. */
  readonly selectedConnection: () => string | undefined;
  /** What the tree has loaded under a connection (SQL help reads names from it). */
  readonly loadedCatalog: (connection: string) => LoadedCatalog;
  /** Fires when the tree reloads or loads more. */
  readonly onDidChangeCatalog: (listener: () => void) => vscode.Disposable;
}

export function registerConnections(deps: ConnectionsDeps): ConnectionsServices {
  const { subscriptions, auth, log, workspaceState } = deps;
  const previews = new PreviewPanels(deps.extensionUri, log);
  const sessions = new SqlSessionManager({ auth, driver: deps.sqlDriver, logger: log });
  restorePreferences(workspaceState, sessions);
  const model = new ConnectionsTreeModel({
    connections: async () => (await auth.connections()).connections,
    unusable: async () => (await auth.connections()).listed.filter((c) => !c.profile),
    sessions,
    isSignedIn: (profile) => auth.isSignedIn(profile),
    signInStatus: (profile) => auth.signInStatus(profile),
    logger: log,
  });
  const provider = new ConnectionsTreeDataProvider(model, sessions);
  const view = vscode.window.createTreeView('positSnowflake.connections', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  subscriptions.push(
    sessions,
    model,
    provider,
    view,
    ...registerConnectionCommands({
      model,
      sessions,
      workspaceState,
      log,
      userDirectory: async () => (await auth.connections()).userDirectory,
      host: auth.host,
      auth,
      openPreview: (title, connection, step) => previews.open(title, connection, step),
    }),
    ...registerFilterCommands({ model, sessions, view, log }),
    previews,
    auth.onDidChange((change) => void model.onAuthChange(change)),
    view.onDidChangeSelection((e) => e.selection[0] && model.noteFocus(e.selection[0])),
    view.onDidExpandElement((e) => model.noteFocus(e.element)),
    registerPositronConnectionsDriver(auth, log),
  );
  return {
    sessions,
    focus: (name) => model.focus(name),
    tree: provider,
    selectedConnection: () => view.selection[0]?.connectionName,
    loadedCatalog: (name) => loadedCatalog((id) => model.loadedChildren(id), name),
    onDidChangeCatalog: (listener) => model.onDidChange(() => listener()),
  };
}
