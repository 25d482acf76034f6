// The one place tree nodes become TreeItems: labels, icons, descriptions, tooltips, context values, click commands.
import * as vscode from 'vscode';
import type { SessionState } from '../../core/snowflake/sqlSessionManager';
import { qualifiedName } from '../../core/snowflake/identifiers';
import {
  connectionContextValue,
  connectionDescription,
  connectionTooltip,
  errorRowText,
  unusableConnectionDescription,
  unusableConnectionTooltip,
} from '../../core/tree/connectionLabels';
import type {
  ColumnNode,
  ConnectionNode,
  ConnectionsNode,
  ErrorNode,
  TableNode,
  UnusableConnectionNode,
} from '../../core/tree/connectionNodes';

export interface RenderContext {
  /** Session state of the node's connection. */
  readonly state: SessionState;
  /** Counts once the children are loaded ("3 schemas", "500+"). */
  readonly countText?: string;
  /** A Tables/Views folder's LIKE filter. */
  readonly filter?: string;
  /** The connection's browser sign-in was refused by Snowflake (expired or revoked). */
  readonly signInExpired?: boolean;
}

const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
const None = vscode.TreeItemCollapsibleState.None;

function stateIcon(state: SessionState, workbench: boolean): vscode.ThemeIcon {
  switch (state.status) {
    case 'connected':
      return new vscode.ThemeIcon(workbench ? 'cloud' : 'plug', new vscode.ThemeColor('testing.iconPassed'));
    case 'connecting':
      return new vscode.ThemeIcon('loading~spin');
    case 'error':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'notConnected':
      return new vscode.ThemeIcon(workbench ? 'cloud' : 'plug');
  }
}

function renderConnection(n: ConnectionNode, ctx: RenderContext): vscode.TreeItem {
  const p = n.profile;
  const extras = { signInExpired: ctx.signInExpired === true };
  const item = new vscode.TreeItem(p.name, Collapsed);
  item.description = connectionDescription(p, ctx.state, extras);
  item.iconPath = extras.signInExpired
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
    : stateIcon(ctx.state, p.source === 'workbench');
  item.tooltip = new vscode.MarkdownString(connectionTooltip(p, ctx.state, extras), true);
  item.contextValue = connectionContextValue(p, extras);
  // An expired sign-in: a click signs in again (the row's children would only say the same).
  if (extras.signInExpired)
    item.command = { command: 'positSnowflake.signInAgain', title: 'Sign in again', arguments: [p.name] };
  return item;
}

/** A connection the files define but that cannot be used: its problems are its children, each with the fix. */
function renderUnusableConnection(n: UnusableConnectionNode): vscode.TreeItem {
  const c = n.connection;
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Expanded);
  item.description = unusableConnectionDescription(c);
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = new vscode.MarkdownString(unusableConnectionTooltip(c), true);
  item.contextValue = 'unusableConnection';
  return item;
}

const COLUMN_ICONS: readonly [RegExp, string][] = [
  [/^(NUMBER|DECIMAL|NUMERIC|INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT|FLOAT|DOUBLE|REAL)/, 'symbol-number'],
  [/^(VARCHAR|CHAR|CHARACTER|STRING|TEXT)/, 'symbol-string'],
  [/^BOOLEAN/, 'symbol-boolean'],
  [/^(DATE|TIME|TIMESTAMP)/, 'calendar'],
  [/^(VARIANT|OBJECT|ARRAY|MAP)/, 'symbol-object'],
  [/^(BINARY|VARBINARY)/, 'file-binary'],
  [/^(GEOGRAPHY|GEOMETRY)/, 'globe'],
];

function columnIcon(n: ColumnNode): vscode.ThemeIcon {
  if (n.info.primaryKey) return new vscode.ThemeIcon('key');
  const type = n.info.type.toUpperCase();
  return new vscode.ThemeIcon(COLUMN_ICONS.find(([re]) => re.test(type))?.[1] ?? 'symbol-field');
}

function renderColumn(n: ColumnNode): vscode.TreeItem {
  const item = new vscode.TreeItem(n.name, None);
  item.description = `${n.info.type}${n.info.nullable ? '' : ' NOT NULL'}`;
  item.iconPath = columnIcon(n);
  item.tooltip = [
    `${qualifiedName(n.database, n.schema, n.table, n.name)}`,
    `${n.info.type}, ${n.info.nullable ? 'nullable' : 'not null'}${n.info.primaryKey ? ', primary key' : ''}`,
    n.info.comment,
  ]
    .filter(Boolean)
    .join('\n');
  item.contextValue = 'column';
  return item;
}

function renderTable(n: TableNode): vscode.TreeItem {
  const item = new vscode.TreeItem(n.name, Collapsed);
  const isView = n.info.kind === 'view';
  item.iconPath = new vscode.ThemeIcon(isView ? 'eye' : 'table');
  if (n.info.rows !== undefined && !isView) item.description = `${n.info.rows.toLocaleString('en-US')} rows`;
  item.tooltip = [qualifiedName(n.database, n.schema, n.name), isView ? 'View' : 'Table', n.info.comment]
    .filter(Boolean)
    .join('\n');
  item.contextValue = isView ? 'view' : 'table';
  return item;
}

function renderError(n: ErrorNode): vscode.TreeItem {
  const text = errorRowText(n);
  const item = new vscode.TreeItem(text.label, None);
  if (text.description) item.description = text.description;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = text.tooltip;
  item.contextValue = text.contextValue;
  // Retry runs the connection's fix first when the error names one (Set Key Passphrase, Set PAT, Sign In).
  item.command = { command: 'positSnowflake.retry', title: 'Retry', arguments: [n] };
  return item;
}

/** Makes the TreeItem for any node. */
export function renderNode(n: ConnectionsNode, ctx: RenderContext): vscode.TreeItem {
  const item = renderWithoutId(n, ctx);
  item.id = n.id;
  return item;
}

function renderWithoutId(n: ConnectionsNode, ctx: RenderContext): vscode.TreeItem {
  switch (n.kind) {
    case 'connection':
      return renderConnection(n, ctx);
    case 'unusableConnection':
      return renderUnusableConnection(n);
    case 'database': {
      const item = new vscode.TreeItem(n.database, Collapsed);
      item.description = ctx.countText;
      item.iconPath = new vscode.ThemeIcon('database');
      item.tooltip = [
        qualifiedName(n.database),
        n.info.kind && n.info.kind !== 'STANDARD' ? n.info.kind : undefined,
        n.info.comment,
      ]
        .filter(Boolean)
        .join('\n');
      item.contextValue = 'database';
      return item;
    }
    case 'schema': {
      const item = new vscode.TreeItem(n.schema, Collapsed);
      item.description = ctx.countText;
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      item.tooltip = [qualifiedName(n.database, n.schema), n.info.comment].filter(Boolean).join('\n');
      item.contextValue = 'schema';
      return item;
    }
    case 'folder': {
      const plural = n.objectKind === 'view' ? 'Views' : 'Tables';
      const item = new vscode.TreeItem(ctx.filter ? `${plural} like '${ctx.filter}'` : plural, Collapsed);
      item.description = ctx.countText;
      item.iconPath = new vscode.ThemeIcon(ctx.filter ? 'filter' : n.objectKind === 'view' ? 'eye' : 'table');
      if (ctx.filter)
        item.tooltip = `${plural} whose names match '${ctx.filter}' (case-insensitive; % and _ are wildcards)`;
      item.contextValue = ctx.filter ? 'folder.filtered' : 'folder';
      return item;
    }
    case 'table':
      return renderTable(n);
    case 'column':
      return renderColumn(n);
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more…', None);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'positSnowflake.loadMore', title: 'Load more', arguments: [n] };
      item.contextValue = 'loadMore';
      return item;
    }
    case 'error':
      return renderError(n);
    case 'signIn': {
      const item = new vscode.TreeItem(
        n.expired ? 'Sign in again: the sign-in expired' : 'Sign in to browse this connection',
        None,
      );
      item.iconPath = new vscode.ThemeIcon('sign-in');
      item.command = n.expired
        ? { command: 'positSnowflake.signInAgain', title: 'Sign in again', arguments: [n.connectionName] }
        : { command: 'positSnowflake.signIn', title: 'Sign In', arguments: [n.connectionName] };
      item.contextValue = n.expired ? 'signIn.expired' : 'signIn';
      return item;
    }
    case 'empty': {
      const item = new vscode.TreeItem(n.message, None);
      item.contextValue = 'empty';
      return item;
    }
  }
}
