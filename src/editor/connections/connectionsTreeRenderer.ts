// The one place tree nodes become TreeItems: labels, icons, descriptions, tooltips, context values, click commands.
import * as vscode from 'vscode';
import type { Authenticator, ConnectionSource } from '../../core/auth/types';
import type { SessionState } from '../../core/snowflake/sqlSessionManager';
import { qualifiedName } from '../../core/snowflake/identifiers';
import type {
  ColumnNode,
  ConnectionNode,
  ConnectionsNode,
  ErrorNode,
  TableNode,
} from '../../core/tree/connectionNodes';

export interface RenderContext {
  /** Session state of the node's connection. */
  readonly state: SessionState;
  /** Counts once the children are loaded ("3 schemas", "500+"). */
  readonly countText?: string;
}

const SOURCE_LABEL: Record<ConnectionSource, string> = {
  workbench: 'Posit Workbench',
  'connections.toml': 'connections.toml',
  'config.toml': 'config.toml',
  environment: 'environment',
};

const AUTH_LABEL: Partial<Record<Authenticator, string>> = {
  SNOWFLAKE_JWT: 'key pair',
  OAUTH: 'OAuth token',
  PROGRAMMATIC_ACCESS_TOKEN: 'PAT',
  OAUTH_AUTHORIZATION_CODE: 'OAuth sign-in',
  SNOWFLAKE: 'password',
  EXTERNALBROWSER: 'browser SSO',
};

export function authLabel(a: Authenticator): string {
  return AUTH_LABEL[a] ?? a.toLowerCase().replace(/_/g, ' ');
}

export function stateText(state: SessionState): string {
  switch (state.status) {
    case 'notConnected':
      return 'not connected';
    case 'connecting':
      return 'connecting…';
    case 'error':
      return 'error';
    case 'connected': {
      const who = [state.user, state.role, state.warehouse].filter(Boolean).join(' · ');
      return who ? `connected as ${who}` : 'connected';
    }
  }
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
  const item = new vscode.TreeItem(p.name, Collapsed);
  item.description = [
    p.isDefault ? 'default' : undefined,
    SOURCE_LABEL[p.source],
    authLabel(p.authenticator),
    stateText(ctx.state),
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = stateIcon(ctx.state, p.source === 'workbench');
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`**${escapeMd(p.name)}**${p.isDefault ? ' (default connection)' : ''}\n\n`);
  tip.appendMarkdown(`Source: ${escapeMd(SOURCE_LABEL[p.source])}${p.file ? ` — \`${escapeMd(p.file)}\`` : ''}  \n`);
  tip.appendMarkdown(
    `Account: \`${escapeMd(p.account)}\`  \nAuthentication: ${escapeMd(authLabel(p.authenticator))}  \n`,
  );
  if (p.user) tip.appendMarkdown(`User: ${escapeMd(p.user)}  \n`);
  tip.appendMarkdown(`State: ${escapeMd(stateText(ctx.state))}`);
  if (ctx.state.status === 'error') tip.appendMarkdown(`\n\n${escapeMd(ctx.state.error.userText)}`);
  item.tooltip = tip;
  item.contextValue = [
    'connection',
    p.authenticator === 'OAUTH_AUTHORIZATION_CODE' ? 'oauth' : '',
    p.authenticator === 'SNOWFLAKE_JWT' ? 'keypair' : '',
    p.isDefault ? 'default' : '',
  ]
    .filter(Boolean)
    .join('.');
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
  const item = new vscode.TreeItem(n.message, None);
  item.description = n.fix?.text;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = `${n.message}${n.fix ? `\n\n${n.fix.text}` : ''}\n\nClick to retry.`;
  item.contextValue = 'error';
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
      const item = new vscode.TreeItem(n.objectKind === 'view' ? 'Views' : 'Tables', Collapsed);
      item.description = ctx.countText;
      item.iconPath = new vscode.ThemeIcon(n.objectKind === 'view' ? 'eye' : 'table');
      item.contextValue = 'folder';
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
      const item = new vscode.TreeItem('Sign in to browse this connection', None);
      item.iconPath = new vscode.ThemeIcon('sign-in');
      item.command = { command: 'positSnowflake.signIn', title: 'Sign In', arguments: [n.connectionName] };
      item.contextValue = 'signIn';
      return item;
    }
    case 'empty': {
      const item = new vscode.TreeItem(n.message, None);
      item.contextValue = 'empty';
      return item;
    }
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
