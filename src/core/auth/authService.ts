// Placeholder: the AuthService implementation lands with the auth work. The factory's signature is the contract.
import type { AuthPrompter, AuthService, HostEnvironment } from './types';
import type { SecretStore } from './secretStore';
import type { Logger } from '../shared/logger';
import { Emitter, type Disposable } from '../shared/events';

export interface AuthServiceOptions {
  readonly host: HostEnvironment;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly prompter?: AuthPrompter;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Watch connection files and the Workbench token for changes (the editor); the CLI reads once. */
  readonly watch?: boolean;
}

export function createAuthService(_opts: AuthServiceOptions): AuthService & Disposable {
  const changed = new Emitter<never>();
  const notYet = (): never => {
    throw new Error('not implemented');
  };
  return {
    connections: async () => ({ connections: [], defaultName: 'default', directory: '', files: [], diagnostics: [] }),
    getConnection: notYet,
    forRest: notYet,
    forLogin: notYet,
    forIngress: notYet,
    invalidate: () => undefined,
    onDidChange: changed.event,
    dispose: () => changed.dispose(),
  };
}
