// Registers the connections capability: SQL sessions, the Connections tree and its commands, and (in Positron) the
// Connections-pane driver. Nothing here loads the SQL driver: that happens on the first expanded connection.
import * as vscode from 'vscode';
import { createSnowflakeSdkDriver } from '../../core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import type { ExtensionDeps } from '../deps';
import { registerConnectionCommands, restorePreferences } from './connectionCommands';
import { ConnectionsTreeDataProvider } from './connectionsTreeDataProvider';
import { ConnectionsTreeModel } from '../../core/tree/connectionsTreeModel';
import { registerPositronConnectionsDriver } from './positronConnectionsDriver';

/** Integration tests reach the tree through this command; it exists only when the host runs tests. */
export const TREE_TEST_COMMAND = 'positSnowflake.__treeProviderForTests';

export interface ConnectionsServices {
  /** One SQL session per connection, shared with the other capabilities (Cortex's /sql and previews). */
  readonly sessions: SqlSessionManager;
  /** The database (and schema) last selected or expanded in the view under a connection. */
  readonly focus: (connectionName: string) => { database: string; schema?: string } | undefined;
  /** The connection of the node selected in the view, if any. */
  readonly selectedConnection: () => string | undefined;
}

export function registerConnections(deps: ExtensionDeps): ConnectionsServices {
  const { context, auth, log } = deps;
  const sessions = new SqlSessionManager({ auth, driver: createSnowflakeSdkDriver(log), logger: log });
  restorePreferences(context.workspaceState, sessions);
  const model = new ConnectionsTreeModel({
    connections: async () => (await auth.connections()).connections,
    sessions,
    isSignedIn: (profile) => auth.isSignedIn(profile),
    logger: log,
  });
  const provider = new ConnectionsTreeDataProvider(model, sessions);
  const view = vscode.window.createTreeView('positSnowflake.connections', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    sessions,
    model,
    provider,
    view,
    ...registerConnectionCommands({ model, sessions, workspaceState: context.workspaceState, log }),
    auth.onDidChange((change) => void model.onAuthChange(change)),
    view.onDidChangeSelection((e) => e.selection[0] && model.noteFocus(e.selection[0])),
    view.onDidExpandElement((e) => model.noteFocus(e.element)),
    registerPositronConnectionsDriver(auth, log),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(vscode.commands.registerCommand(TREE_TEST_COMMAND, () => provider));
  }
  return {
    sessions,
    focus: (name) => model.focus(name),
    selectedConnection: () => view.selection[0]?.connectionName,
  };
}
