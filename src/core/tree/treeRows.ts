// The rows the Connections tree shows around loaded children, worked out from what is loaded: the "No schemas" or
// "Nothing matches" row, "Load more" (or the error of a failed page) after a partial listing, the counts in a node's
// description ("3 schemas", "500 of 20,000"), and an unusable connection's problems, one row each with its fix; the
// connection rows themselves.
import type { ConnectionProfile, ListedConnection } from '../auth/types';
import {
  connectionId,
  type ConnectionNode,
  type ConnectionsNode,
  type ErrorNode,
  type UnusableConnectionNode,
} from './connectionNodes';

/** Children of an expanded node; pages append to `nodes`. */
export interface Entry {
  readonly parent: ConnectionsNode;
  readonly nodes: ConnectionsNode[];
  next?: string;
  loadMoreError?: ErrorNode;
  loadingMore?: Promise<void>;
}

export type Expandable = Extract<ConnectionsNode, { kind: 'connection' | 'database' | 'schema' | 'folder' | 'table' }>;

const EMPTY_TEXT: Record<Expandable['kind'], string> = {
  connection: 'No databases visible to this role',
  database: 'No schemas',
  schema: 'No tables or views',
  folder: 'None',
  table: 'No columns',
};

export function isExpandable(n: ConnectionsNode): n is Expandable {
  return (
    n.kind === 'connection' || n.kind === 'database' || n.kind === 'schema' || n.kind === 'folder' || n.kind === 'table'
  );
}

export function connectionNode(profile: ConnectionProfile): ConnectionNode {
  return { kind: 'connection', id: connectionId(profile.name), connectionName: profile.name, profile };
}

export function unusableNode(connection: ListedConnection): UnusableConnectionNode {
  return { kind: 'unusableConnection', id: connectionId(connection.name), connectionName: connection.name, connection };
}

/** One error row per problem, each with its fix. */
export function problemNodes(node: UnusableConnectionNode): ErrorNode[] {
  return node.connection.errors.map((e, i) => ({
    kind: 'error',
    id: `${node.id}/#problem${i}`,
    parentId: node.id,
    connectionName: node.connectionName,
    message: e.message,
    errorKind: 'config',
    ...(e.fix ? { fix: { text: e.fix } } : {}),
  }));
}

/** The rows under an expanded node: its loaded children then "Load more" or a failed page, or one "empty" row. */
export function presentChildren(node: Expandable, entry: Entry, filter: string | undefined): ConnectionsNode[] {
  if (entry.nodes.length === 0 && !entry.loadMoreError) {
    return [
      {
        kind: 'empty',
        id: `${node.id}/#empty`,
        parentId: node.id,
        connectionName: node.connectionName,
        message: filter !== undefined ? `Nothing matches '${filter}'` : EMPTY_TEXT[node.kind],
      },
    ];
  }
  const out = entry.nodes.slice();
  if (entry.loadMoreError) out.push(entry.loadMoreError);
  else if (entry.next !== undefined)
    out.push({ kind: 'loadMore', id: `${node.id}/#more`, parentId: node.id, connectionName: node.connectionName });
  return out;
}

/** Counts for a node's description once its children are loaded ("3 schemas", "500+"); `totalOf` has real totals. */
export function countText(
  node: ConnectionsNode,
  entryOf: (id: string) => Entry | undefined,
  totalOf: (id: string) => number | undefined,
): string | undefined {
  const count = (id: string): string | undefined => {
    const e = entryOf(id);
    if (!e) return undefined;
    const total = e.next ? totalOf(id) : undefined;
    return total !== undefined ? total.toLocaleString('en-US') : `${e.nodes.length}${e.next ? '+' : ''}`;
  };
  if (node.kind === 'folder') {
    const e = entryOf(node.id);
    const total = e?.next ? totalOf(node.id) : undefined;
    return total !== undefined && e ? `${e.nodes.length} of ${total.toLocaleString('en-US')}` : count(node.id);
  }
  if (node.kind === 'database') {
    const n = count(node.id);
    return n === undefined ? undefined : `${n} ${n === '1' ? 'schema' : 'schemas'}`;
  }
  if (node.kind === 'schema') {
    const parts = (['table', 'view'] as const)
      .map((k) => [count(`${node.id}/${k}s`), k] as const)
      .filter(([n]) => n !== undefined && n !== '0');
    return entryOf(node.id)
      ? parts.map(([n, k]) => `${n} ${k}${n === '1' ? '' : 's'}`).join(' · ') || undefined
      : undefined;
  }
  return undefined;
}
