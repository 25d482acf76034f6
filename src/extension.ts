// Composition root: builds the services once (the host environment, the secret store, the auth service), hands each
// capability only what it uses, and returns the public API.
import * as vscode from 'vscode';
import * as os from 'node:os';
import { createAuthService } from './core/auth/authService';
import { nodeFileSystem } from './core/shared/nodeFileSystem';
import { createProcessSqlDriver } from './core/snowflake/driverProcess/processDriver';
import { SecretStore } from './core/auth/secretStore';
import { redactingLogger, type Logger } from './core/shared/logger';
import type { AuthService, HostEnvironment } from './core/auth/types';
import type { PositSnowflakeApi } from './api';
import { createPublicApi } from './core/publicApi';
import { createPrompter } from './editor/auth/prompter';
import { registerAuth, type AuthServices } from './editor/auth/registerAuth';
import { registerConnections, type ConnectionsServices } from './editor/connections/registerConnections';
import { registerCortex, type CortexSharedServices } from './editor/cortex/registerCortex';
import { registerConnectionEditCommands } from './editor/auth/connectionEditCommands';
import { registerKeyCommands } from './editor/auth/keyCommands';
import { PatExpiryWatcher, registerPatCommands } from './editor/auth/patCommands';
import { registerConnectionStatus, type ActiveConnectionStatus } from './editor/connections/activeConnectionStatus';
import { registerPublish } from './editor/publish/registerPublish';
import { settingRequestLimits } from './editor/requestLimitsSetting';
import { registerSqlEditor, type SqlEditorServices } from './editor/sql/registerSqlEditor';
import type { EditorDeps } from './editor/deps';

/** What the composition built, for an embedding host that wants more than the public API. */
export interface ExtensionParts {
  readonly api: PositSnowflakeApi;
  /** The one auth service every capability gets its credentials from. */
  readonly authService: AuthService;
  readonly auth: AuthServices;
  readonly connections: ConnectionsServices;
  /** The status bar item of the connection in use. */
  readonly status: ActiveConnectionStatus;
  readonly patWatcher: PatExpiryWatcher;
  readonly sqlEditor: SqlEditorServices;
}

export interface ExtensionObservers {
  readonly onAnswer?: CortexSharedServices['onAnswer'];
}

export function composeExtension(context: vscode.ExtensionContext, observers: ExtensionObservers = {}): ExtensionParts {
  const channel = vscode.window.createOutputChannel('Snowflake for Posit', { log: true });
  const limits = settingRequestLimits({ subscriptions: context.subscriptions });
  const log: Logger = redactingLogger(channel);
  const secrets = new SecretStore(context.secrets);
  const uid = process.getuid?.();
  const host: HostEnvironment = {
    env: process.env,
    homedir: os.homedir(),
    platform: process.platform,
    ...(uid !== undefined ? { uid } : {}),
    fs: nodeFileSystem,
  };
  const auth = createAuthService({
    host,
    secrets,
    logger: log,
    prompter: createPrompter(),
    watch: true,
    http: { limits },
  });
  const sqlDriver = createProcessSqlDriver({
    modulePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sqlDriverProcess.js').fsPath,
    logger: log,
  });
  context.subscriptions.push(
    channel,
    secrets,
    auth,
    sqlDriver,
    vscode.commands.registerCommand('positSnowflake.showLog', () => channel.show()),
  );

  const deps: EditorDeps = {
    subscriptions: context.subscriptions,
    log,
    auth,
    version: (context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0',
    globalState: context.globalState,
    workspaceState: context.workspaceState,
    extensionUri: context.extensionUri,
    limits,
    sqlDriver,
  };
  const authParts = registerAuth(deps);
  const connections = registerConnections(deps);
  context.subscriptions.push(
    ...registerKeyCommands(deps, connections.sessions, auth),
    ...registerConnectionEditCommands(deps, auth),
  );
  const sqlEditor = registerSqlEditor({
    auth,
    sessions: connections.sessions,
    workspaceState: context.workspaceState,
    log,
    selectedConnection: connections.selectedConnection,
    loadedCatalog: connections.loadedCatalog,
    onDidChangeCatalog: connections.onDidChangeCatalog,
    extensionUri: context.extensionUri,
  });
  context.subscriptions.push(...sqlEditor.disposables);
  const status = registerConnectionStatus({
    auth,
    sessions: connections.sessions,
    editors: sqlEditor.editorConnections,
    log,
  });
  const patWatcher = new PatExpiryWatcher(deps, context.globalState);
  context.subscriptions.push(...status.disposables, ...registerPatCommands(deps, connections.sessions), patWatcher);
  registerCortex(deps, {
    ...connections,
    showResults: sqlEditor.showResults,
    ...(observers.onAnswer ? { onAnswer: observers.onAnswer } : {}),
  });
  registerPublish(deps);
  return {
    api: createPublicApi(auth),
    authService: auth,
    auth: authParts,
    connections,
    status: status.status,
    patWatcher,
    sqlEditor,
  };
}

export function activate(context: vscode.ExtensionContext): PositSnowflakeApi {
  return composeExtension(context).api;
}

export function deactivate(): void {}
