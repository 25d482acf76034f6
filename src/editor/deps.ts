// What every capability's register function receives from the composition root.
import type * as vscode from 'vscode';
import type { AuthService } from '../core/auth/types';
import type { SecretStore } from '../core/auth/secretStore';
import type { Logger } from '../core/shared/logger';

export interface ExtensionDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: Logger;
  readonly channel: vscode.LogOutputChannel;
  readonly auth: AuthService;
  readonly secrets: SecretStore;
}
