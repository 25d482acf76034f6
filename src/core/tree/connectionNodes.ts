// The Connections tree's nodes: plain data tagged with `kind`, each with a stable id derived from its path.
import type { ConnectionProfile, ListedConnection } from '../auth/types';
import type { ColumnInfo, DatabaseInfo, ObjectKind, SchemaInfo, TableInfo } from '../snowflake/catalogLoader';
import type { ErrorFix, ErrorKind } from '../shared/errors';

interface Base {
  /** Unique and stable across reloads (VS Code keeps expansion state by id). */
  readonly id: string;
  /** Commands from other capabilities (Test Connection, Sign In, ...) read the connection from this field. */
  readonly connectionName: string;
}

export interface ConnectionNode extends Base {
  readonly kind: 'connection';
  readonly profile: ConnectionProfile;
}

/** A defined connection that cannot be used (no account, unknown authenticator, ...): shown with its problems. */
export interface UnusableConnectionNode extends Base {
  readonly kind: 'unusableConnection';
  readonly connection: ListedConnection;
}

export interface DatabaseNode extends Base {
  readonly kind: 'database';
  readonly parentId: string;
  readonly database: string;
  readonly info: DatabaseInfo;
}

export interface SchemaNode extends Base {
  readonly kind: 'schema';
  readonly parentId: string;
  readonly database: string;
  readonly schema: string;
  readonly info: SchemaInfo;
}

/** "Tables" or "Views" under a schema; their children page. */
export interface FolderNode extends Base {
  readonly kind: 'folder';
  readonly parentId: string;
  readonly database: string;
  readonly schema: string;
  readonly objectKind: ObjectKind;
}

export interface TableNode extends Base {
  readonly kind: 'table';
  readonly parentId: string;
  readonly database: string;
  readonly schema: string;
  readonly name: string;
  readonly info: TableInfo;
}

export interface ColumnNode extends Base {
  readonly kind: 'column';
  readonly parentId: string;
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly info: ColumnInfo;
}

export interface LoadMoreNode extends Base {
  readonly kind: 'loadMore';
  readonly parentId: string;
}

export interface ErrorNode extends Base {
  readonly kind: 'error';
  readonly parentId: string;
  readonly message: string;
  readonly errorKind: ErrorKind;
  readonly fix?: ErrorFix;
  /** The failure was of a "Load more": Retry loads that page again instead of reloading the parent. */
  readonly duringLoadMore?: boolean;
}

export interface SignInNode extends Base {
  readonly kind: 'signIn';
  /** The sign-in existed and Snowflake refused it (expired or revoked): "Sign in again". */
  readonly expired?: boolean;
  readonly parentId: string;
}

export interface EmptyNode extends Base {
  readonly kind: 'empty';
  readonly parentId: string;
  readonly message: string;
}

export type ConnectionsNode =
  | ConnectionNode
  | UnusableConnectionNode
  | DatabaseNode
  | SchemaNode
  | FolderNode
  | TableNode
  | ColumnNode
  | LoadMoreNode
  | ErrorNode
  | SignInNode
  | EmptyNode;

/** Nodes that stand for a Snowflake object with a qualified name. */
export type ObjectNode = DatabaseNode | SchemaNode | TableNode | ColumnNode;

export function isObjectNode(n: unknown): n is ObjectNode {
  const kind = (n as { kind?: unknown } | undefined)?.kind;
  return kind === 'database' || kind === 'schema' || kind === 'table' || kind === 'column';
}

/** The parts of an object's qualified name, outermost first. */
export function nameParts(n: ObjectNode): string[] {
  switch (n.kind) {
    case 'database':
      return [n.database];
    case 'schema':
      return [n.database, n.schema];
    case 'table':
      return [n.database, n.schema, n.name];
    case 'column':
      return [n.database, n.schema, n.table, n.name];
  }
}

const seg = (s: string): string => encodeURIComponent(s);

export function connectionId(name: string): string {
  return `c/${seg(name)}`;
}

export function childId(parentId: string, kind: string, name: string): string {
  return `${parentId}/${kind}:${seg(name)}`;
}

/** True when `id` is `ancestorId` or lies below it. */
export function isUnder(id: string, ancestorId: string): boolean {
  return id === ancestorId || id.startsWith(`${ancestorId}/`);
}
