// Walks the Connections tree the way the view does (getChildren / getTreeItem), by label, for the tree suites.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';

/** The tree's nodes as the tests see them: plain data with a kind, an id and the connection they belong to. */
export interface Node {
  readonly kind: string;
  readonly id: string;
  readonly connectionName: string;
}
export type Provider = vscode.TreeDataProvider<Node>;

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

export function treeWalker(provider: () => Provider) {
  const item = async (n: Node): Promise<vscode.TreeItem> => provider().getTreeItem(n);
  const children = async (n?: Node): Promise<Node[]> => (await provider().getChildren(n)) ?? [];
  const labels = async (n?: Node): Promise<string[]> =>
    Promise.all((await children(n)).map(async (c) => labelOf(await item(c))));
  async function child(parent: Node | undefined, label: string): Promise<Node> {
    for (const k of await children(parent)) if (labelOf(await item(k)) === label) return k;
    return assert.fail(`"${label}" is not among ${JSON.stringify(await labels(parent))}`);
  }
  async function path(...names: string[]): Promise<Node> {
    let node: Node | undefined;
    for (const name of names) node = await child(node, name);
    return node!;
  }
  return { item, children, labels, child, path };
}
