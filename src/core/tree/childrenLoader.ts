// Turns catalog loader results into the tree nodes of one parent; the tree model turns failures into error nodes.
import type { CatalogLoader, Page } from '../snowflake/catalogLoader';
import { toExtError } from '../shared/errors';
import {
  childId,
  type ColumnNode,
  type ConnectionNode,
  type ConnectionsNode,
  type DatabaseNode,
  type ErrorNode,
  type FolderNode,
  type SchemaNode,
  type TableNode,
} from './connectionNodes';

/** A page of child nodes; `next` is the cursor of the following page. */
export interface NodePage {
  readonly nodes: readonly ConnectionsNode[];
  readonly next?: string;
}

/** Prefetched pages for the folders under a schema, so folder counts show as soon as the schema opens. */
export interface SchemaChildren {
  readonly folders: readonly FolderNode[];
  readonly pages: ReadonlyMap<string, NodePage>;
}

export function errorNode(parent: ConnectionsNode, err: unknown, duringLoadMore = false): ErrorNode {
  const e = toExtError(err);
  return {
    kind: 'error',
    id: `${parent.id}/#error`,
    parentId: parent.id,
    connectionName: parent.connectionName,
    message: e.message,
    errorKind: e.kind,
    fix: e.fix,
    duringLoadMore,
  };
}

function mapPage<T, N extends ConnectionsNode>(page: Page<T>, toNode: (item: T) => N): NodePage {
  return { nodes: page.items.map(toNode), next: page.next };
}

export async function loadDatabases(
  loader: CatalogLoader,
  parent: ConnectionNode,
  after?: string,
  signal?: AbortSignal,
): Promise<NodePage> {
  const page = await loader.listDatabases(after, signal);
  return mapPage(page, (info): DatabaseNode => ({
    kind: 'database',
    id: childId(parent.id, 'db', info.name),
    parentId: parent.id,
    connectionName: parent.connectionName,
    database: info.name,
    info,
  }));
}

export async function loadSchemas(
  loader: CatalogLoader,
  parent: DatabaseNode,
  after?: string,
  signal?: AbortSignal,
): Promise<NodePage> {
  const page = await loader.listSchemas(parent.database, after, signal);
  return mapPage(page, (info): SchemaNode => ({
    kind: 'schema',
    id: childId(parent.id, 'schema', info.name),
    parentId: parent.id,
    connectionName: parent.connectionName,
    database: parent.database,
    schema: info.name,
    info,
  }));
}

export function folderNode(parent: SchemaNode, objectKind: FolderNode['objectKind']): FolderNode {
  return {
    kind: 'folder',
    id: `${parent.id}/${objectKind}s`,
    parentId: parent.id,
    connectionName: parent.connectionName,
    database: parent.database,
    schema: parent.schema,
    objectKind,
  };
}

export async function loadObjects(
  loader: CatalogLoader,
  parent: FolderNode,
  after?: string,
  signal?: AbortSignal,
  like?: string,
): Promise<NodePage> {
  const list = parent.objectKind === 'view' ? loader.listViews.bind(loader) : loader.listTables.bind(loader);
  const page = await list(parent.database, parent.schema, after, signal, like);
  return mapPage(page, (info): TableNode => ({
    kind: 'table',
    id: childId(parent.id, 'obj', info.name),
    parentId: parent.id,
    connectionName: parent.connectionName,
    database: parent.database,
    schema: parent.schema,
    name: info.name,
    info,
  }));
}

/** Tables and views of a schema, first pages fetched together; a folder appears only when it has something. */
export async function loadSchemaChildren(
  loader: CatalogLoader,
  parent: SchemaNode,
  signal?: AbortSignal,
): Promise<SchemaChildren> {
  const folders = [folderNode(parent, 'table'), folderNode(parent, 'view')];
  const pages = await Promise.all(folders.map((f) => loadObjects(loader, f, undefined, signal)));
  const byId = new Map<string, NodePage>();
  folders.forEach((f, i) => byId.set(f.id, pages[i]!));
  return { folders: folders.filter((f) => (byId.get(f.id)?.nodes.length ?? 0) > 0), pages: byId };
}

export async function loadColumns(
  loader: CatalogLoader,
  parent: TableNode,
  signal?: AbortSignal,
): Promise<ColumnNode[]> {
  const cols = await loader.listColumns(parent.database, parent.schema, parent.name, parent.info.kind, signal);
  return cols.map((info) => ({
    kind: 'column',
    id: childId(parent.id, 'col', info.name),
    parentId: parent.id,
    connectionName: parent.connectionName,
    database: parent.database,
    schema: parent.schema,
    table: parent.name,
    name: info.name,
    info,
  }));
}

/** One page of any expandable node's children (a schema's folders come from loadSchemaChildren); `filter` is LIKE. */
export async function loadPage(
  loader: CatalogLoader,
  node: ConnectionsNode,
  after: string | undefined,
  signal: AbortSignal,
  filter?: string,
): Promise<NodePage> {
  switch (node.kind) {
    case 'connection':
      return loadDatabases(loader, node, after, signal);
    case 'database':
      return loadSchemas(loader, node, after, signal);
    case 'folder':
      return loadObjects(loader, node, after, signal, filter);
    case 'table':
      return { nodes: await loadColumns(loader, node, signal) };
    default:
      return { nodes: [] };
  }
}
