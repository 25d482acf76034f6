// What the composition root hands the capabilities. Each register function takes only the fields it uses (a Pick of
// EditorDeps), never the whole ExtensionContext or the secret store: secrets and the host go through the auth service.
import type * as vscode from 'vscode';
import type { AuthService } from '../core/auth/types';
import type { RequestLimits } from '../core/shared/http';
import type { Logger } from '../core/shared/logger';
import type { SqlDriver } from '../core/snowflake/sqlDriver';

export interface EditorDeps {
  /** Where disposables go (the extension context's subscriptions). */
  readonly subscriptions: { push(...items: vscode.Disposable[]): unknown };
  readonly log: Logger;
  readonly auth: AuthService;
  /** The extension's version, for user agents and the Connect client version. */
  readonly version: string;
  /** Per-machine state (the Connect server list). */
  readonly globalState: vscode.Memento;
  /** Per-workspace state (each connection's chosen role and warehouse). */
  readonly workspaceState: vscode.Memento;
  /** Where the extension's files are (the results grid's script). */
  readonly extensionUri: vscode.Uri;
  /** Request time limits, kept in step with the setting `positSnowflake.requestTimeoutSeconds`. */
  readonly limits: RequestLimits;
  /** The SQL driver every session logs in through (snowflake-sdk in a process of its own). */
  readonly sqlDriver: SqlDriver;
}

export type AuthDeps = Pick<EditorDeps, 'subscriptions' | 'log' | 'auth'>;
export type ConnectionsDeps = Pick<
  EditorDeps,
  'subscriptions' | 'log' | 'auth' | 'workspaceState' | 'extensionUri' | 'sqlDriver'
>;
export type CortexDeps = Pick<EditorDeps, 'subscriptions' | 'log' | 'auth' | 'version' | 'limits' | 'sqlDriver'>;
export type PublishDeps = Pick<EditorDeps, 'subscriptions' | 'log' | 'auth' | 'version' | 'globalState' | 'limits'>;
