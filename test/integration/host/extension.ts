// The extension as the real-editor suites load it (scripts/testHost.mjs stages it under our own id): the same
// composition as src/extension.ts, and in its exports what only tests may look at. The tree as the view sees it, the
// sessions the auth provider hands out (VS Code gives them only to extensions a person allowed), the raw
// SecretStorage entries in our namespace (to check the envelope, and what a corrupt one does), and the @snowflake
// participant's answers (the chat view's text is not readable through the API).
import * as vscode from 'vscode';
import type { PositSnowflakeApi } from '../../../src/api';
import { SecretStore, type SecretKind } from '../../../src/core/auth/secretStore';
import {
  addConnection,
  type AddConnectionOptions,
  type AddConnectionResult,
} from '../../../src/core/connections/edit/addConnection';
import type { ParticipantRecord } from '../../../src/editor/cortex/snowflakeParticipant';
import { composeExtension } from '../../../src/extension';

export interface TestDoors {
  readonly tree: vscode.TreeDataProvider<unknown>;
  sessions(scopes: readonly string[]): Promise<readonly vscode.AuthenticationSession[]>;
  readonly rawSecrets: {
    get(key: string): Thenable<string | undefined>;
    store(key: string, value: string): Thenable<void>;
    delete(key: string): Thenable<void>;
  };
  /** Read through the extension's typed SecretStore (envelope validated). */
  typedSecret(kind: SecretKind, id: string): Promise<string | undefined>;
  answers(): readonly ParticipantRecord[];
  /** Closes a connection's SQL session, so a suite leaves no session behind for the next one to find. */
  resetSession(connection: string): Promise<void>;
  /**
   * What Add Connection's form hands the core once every answer is in (the core function itself, over the
   * extension's auth service): fields the form never asks, such as the emulator's host and port, can be given.
   */
  addConnection(options: AddConnectionOptions): Promise<AddConnectionResult>;
  /** The lines written so far to the extension's output channel `name` (the deployment log), as a person reads them. */
  outputLines(name: string): readonly string[];
}

export interface TestHostApi extends PositSnowflakeApi {
  readonly testDoors: TestDoors;
}

function ours(key: string): string {
  if (!key.startsWith('positSnowflake/')) throw new Error('Only keys in the positSnowflake/ namespace.');
  return key;
}

type Win = { createOutputChannel: (name: string, options?: unknown) => vscode.OutputChannel };

/**
 * Runs `compose` with plain output channels recording their lines (the API gives no way to read a channel back);
 * log channels, and every channel made later, are left as they are.
 */
function recordingOutputChannels<T>(lines: Map<string, string[]>, compose: () => T): T {
  const win = vscode.window as unknown as Win;
  const create = win.createOutputChannel;
  win.createOutputChannel = (name, options) => {
    const channel = create.call(vscode.window, name, options);
    if (options !== undefined) return channel;
    const written = lines.get(name) ?? [];
    lines.set(name, written);
    return new Proxy(channel, {
      get(target, key) {
        if (key === 'appendLine')
          return (value: string) => {
            written.push(value);
            target.appendLine(value);
          };
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  try {
    return compose();
  } finally {
    win.createOutputChannel = create;
  }
}

export function activate(context: vscode.ExtensionContext): TestHostApi {
  const answers: ParticipantRecord[] = [];
  const outputs = new Map<string, string[]>();
  const parts = recordingOutputChannels(outputs, () =>
    composeExtension(context, { onAnswer: (entry) => void answers.push(entry) }),
  );
  const secrets = new SecretStore(context.secrets);
  context.subscriptions.push(secrets);
  return {
    ...parts.api,
    testDoors: {
      tree: parts.connections.tree,
      sessions: (scopes) => parts.auth.provider.getSessions(scopes, {}),
      rawSecrets: {
        get: (key) => context.secrets.get(ours(key)),
        store: (key, value) => context.secrets.store(ours(key), value),
        delete: (key) => context.secrets.delete(ours(key)),
      },
      typedSecret: (kind, id) => secrets.get({ kind, id }),
      answers: () => answers.slice(),
      resetSession: (connection) => parts.connections.sessions.reset(connection),
      outputLines: (name) => [...(outputs.get(name) ?? [])],
      addConnection: (options) => addConnection(parts.authService, options),
    },
  };
}

export function deactivate(): void {}
