// The extension as the real-editor suites load it (scripts/testHost.mjs stages it under our own id): the same
// composition as src/extension.ts, and in its exports what only tests may look at. The tree as the view sees it, the
// sessions the auth provider hands out (VS Code gives them only to extensions a person allowed), the raw
// SecretStorage entries in our namespace (to check the envelope, and what a corrupt one does), and the @snowflake
// participant's answers (the chat view's text is not readable through the API).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
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
import type { StatusSnapshot } from '../../../src/editor/connections/activeConnectionStatus';
import type { GridAction, GridState, PanelView } from '../../../src/core/results/gridProtocol';

/** The SQL results panel as its grids show it: they report their state after each render. */
export interface ResultsDoor {
  view(): PanelView | undefined;
  html(): string;
  grids(): readonly (GridState | undefined)[];
  /** Scrolls, sorts, filters, selects or copies in result `index`'s grid, as a person would. */
  act(index: number, action: GridAction): void;
  /** Rows of result `index` as the grid gets them (through the panel's bounded window). */
  rows(index: number, start: number, end: number): Promise<readonly (readonly (string | null)[])[]>;
  /** Resolves with result `index`'s grid state once `test` passes (rejects after `timeoutMs`). */
  waitFor(index: number, test: (s: GridState) => boolean, timeoutMs?: number): Promise<GridState>;
}

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
  /** What the connection status bar item shows now (recomputed; no API reads another item's text). */
  statusBar(): Promise<StatusSnapshot>;
  /** Runs the PAT expiry check now; the connections it warned about. */
  checkPatExpiry(): Promise<string[]>;
  /** Everything the extension's log files hold so far (the log channel writes under context.logUri). */
  logText(): Promise<string>;
  readonly results: ResultsDoor;
  /**
   * What Add Connection's form hands the core once every answer is in (the core function itself, over the
   * extension's auth service): fields the form never asks, such as the emulator's host and port, can be given.
   */
  addConnection(options: AddConnectionOptions): Promise<AddConnectionResult>;
  /** The lines written so far to the extension's output channel `name` (the deployment log), as a person reads them. */
  outputLines(name: string): readonly string[];
}

async function filesText(dir: string): Promise<string> {
  const entries = await fsp.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => fsp.readFile(path.join(e.parentPath, e.name), 'utf8').catch(() => '')),
  );
  return texts.join('\n');
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
      statusBar: () => parts.status.refresh(),
      checkPatExpiry: () => parts.patWatcher.check(),
      logText: () => filesText(context.logUri.fsPath),
      results: resultsDoor(parts.sqlEditor.results),
      outputLines: (name) => [...(outputs.get(name) ?? [])],
      addConnection: (options) => addConnection(parts.authService, options),
    },
  };
}

function resultsDoor(panel: ReturnType<typeof composeExtension>['sqlEditor']['results']): ResultsDoor {
  return {
    view: () => panel.view,
    html: () => panel.html,
    grids: () => panel.gridStates(),
    act: (index, action) => panel.act(index, action),
    rows: (index, start, end) => panel.rows(index, start, end),
    waitFor: (index, test, timeoutMs = 20_000) =>
      new Promise<GridState>((resolve, reject) => {
        const check = (): boolean => {
          const s = panel.gridStates()[index];
          if (s && test(s)) {
            sub.dispose();
            clearTimeout(timer);
            resolve(s);
            return true;
          }
          return false;
        };
        const sub = panel.onDidChangeGridState(() => void check());
        const timer = setTimeout(() => {
          sub.dispose();
          reject(
            new Error(`The grid did not get there in ${timeoutMs} ms: ${JSON.stringify(panel.gridStates()[index])}`),
          );
        }, timeoutMs);
        check();
      }),
  };
}

export function deactivate(): void {}
