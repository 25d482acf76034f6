// The VS Code face of the Connections tree: the model's children and change events, the renderer's items.
import * as vscode from 'vscode';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import type { ConnectionsNode } from '../../core/tree/connectionNodes';
import type { ConnectionsTreeModel } from '../../core/tree/connectionsTreeModel';
import { renderNode } from './connectionsTreeRenderer';

export class ConnectionsTreeDataProvider implements vscode.TreeDataProvider<ConnectionsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ConnectionsNode | undefined>();
  private readonly subscription: { dispose(): void };
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    readonly model: ConnectionsTreeModel,
    private readonly sessions: Pick<SqlSessionManager, 'state'>,
  ) {
    this.subscription = model.onDidChange((node) => this.emitter.fire(node));
  }

  getTreeItem(node: ConnectionsNode): vscode.TreeItem {
    const filter = this.model.filterOf(node);
    return renderNode(node, {
      state: this.sessions.state(node.connectionName),
      countText: this.model.countText(node),
      signInExpired: node.kind === 'connection' && this.model.signInExpired(node.connectionName),
      ...(filter !== undefined ? { filter } : {}),
    });
  }

  getParent(node: ConnectionsNode): ConnectionsNode | undefined {
    return this.model.parentOf(node);
  }

  getChildren(node?: ConnectionsNode): Promise<ConnectionsNode[]> {
    return this.model.children(node);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
