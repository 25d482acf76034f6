// Composition root: builds the services once, hands them to each capability, returns the public API.
import * as vscode from 'vscode';
import * as os from 'node:os';
import { createAuthService } from './core/auth/authService';
import { nodeFileSystem } from './core/shared/nodeFileSystem';
import { SecretStore } from './core/auth/secretStore';
import { redactingLogger, type Logger } from './core/shared/logger';
import type { PositSnowflakeApi } from './api';
import { createPublicApi } from './core/publicApi';
import { createPrompter } from './editor/auth/prompter';
import { registerAuth } from './editor/auth/registerAuth';
import { registerConnections } from './editor/connections/registerConnections';
import { registerCortex } from './editor/cortex/registerCortex';
import { registerPublish } from './editor/publish/registerPublish';
import { registerRequestLimits } from './editor/requestLimitsSetting';
import { registerSqlEditor } from './editor/sql/registerSqlEditor';
import type { ExtensionDeps } from './editor/deps';

export function activate(context: vscode.ExtensionContext): PositSnowflakeApi {
  const channel = vscode.window.createOutputChannel('Snowflake for Posit', { log: true });
  registerRequestLimits(context);
  const log: Logger = redactingLogger(channel);
  const secrets = new SecretStore(context.secrets);
  const auth = createAuthService({
    host: {
      env: process.env,
      homedir: os.homedir(),
      platform: process.platform,
      uid: process.getuid?.(),
      fs: nodeFileSystem,
    },
    secrets,
    logger: log,
    prompter: createPrompter(),
    watch: true,
  });
  context.subscriptions.push(
    channel,
    secrets,
    auth,
    vscode.commands.registerCommand('positSnowflake.showLog', () => channel.show()),
  );

  const deps: ExtensionDeps = { context, log, channel, auth, secrets };
  registerAuth(deps);
  const connections = registerConnections(deps);
  const sqlEditor = registerSqlEditor({
    auth,
    sessions: connections.sessions,
    workspaceState: context.workspaceState,
    log,
    selectedConnection: connections.selectedConnection,
  });
  context.subscriptions.push(...sqlEditor.disposables);
  registerCortex(deps, { ...connections, showResults: sqlEditor.showResults });
  registerPublish(deps);
  return createPublicApi(auth);
}

export function deactivate(): void {}
