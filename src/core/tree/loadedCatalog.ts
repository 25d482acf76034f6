// What the Connections tree has loaded under one connection, read as names for SQL help (completion, hover), so a
// name already shown in the tree costs no query.
import type { ColumnInfo } from '../snowflake/catalogLoader';
import type { CatalogName, Listing, LoadedCatalog } from '../sqlHelp/sqlCatalog';
import { childId, connectionId, type ConnectionsNode } from './connectionNodes';

/** A node's loaded children (undefined until it was expanded) and whether more pages exist. */
export type LoadedChildren = (
  id: string,
) => { readonly nodes: readonly ConnectionsNode[]; readonly more: boolean } | undefined;

function nameOf(n: ConnectionsNode): CatalogName | undefined {
  switch (n.kind) {
    case 'database':
      return { name: n.database, ...(n.info.comment ? { comment: n.info.comment } : {}) };
    case 'schema':
      return { name: n.schema, ...(n.info.comment ? { comment: n.info.comment } : {}) };
    case 'table':
      return { name: n.name, kind: n.info.kind, ...(n.info.comment ? { comment: n.info.comment } : {}) };
    default:
      return undefined;
  }
}

function listing(children: ReturnType<LoadedChildren>): Listing | undefined {
  if (!children) return undefined;
  const names = children.nodes.map(nameOf).filter((n): n is CatalogName => n !== undefined);
  return { names, complete: !children.more };
}

export function loadedCatalog(children: LoadedChildren, connectionName: string): LoadedCatalog {
  const conn = connectionId(connectionName);
  const db = (d: string): string => childId(conn, 'db', d);
  const schema = (d: string, s: string): string => childId(db(d), 'schema', s);
  return {
    names(path) {
      const [d, s] = path;
      if (path.length === 0) return listing(children(conn));
      if (path.length === 1) return listing(children(db(d!)));
      if (path.length !== 2 || !children(schema(d!, s!))) return undefined;
      // A schema's folders are listed together when it opens; a folder with nothing in it is left out.
      const tables = listing(children(`${schema(d!, s!)}/tables`)) ?? { names: [], complete: true };
      const views = listing(children(`${schema(d!, s!)}/views`)) ?? { names: [], complete: true };
      return { names: [...tables.names, ...views.names], complete: tables.complete && views.complete };
    },
    columns([d, s, t]) {
      const folder = (kind: string): string => `${schema(d, s)}/${kind}`;
      const loaded = children(childId(folder('tables'), 'obj', t)) ?? children(childId(folder('views'), 'obj', t));
      if (!loaded) return undefined;
      return loaded.nodes.flatMap((n): ColumnInfo[] => (n.kind === 'column' ? [n.info] : []));
    },
  };
}
