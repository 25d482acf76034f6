// One status bar item for the connection in use: in a SQL editor the one it runs on, elsewhere the one chat (Cortex)
// uses; with the session's role and warehouse. It warns (warning background, text and tooltip) when the sign-in ends
// within 10 minutes, and clicking it offers to switch connection, role or warehouse, or to renew the sign-in.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import { expiringSoon, type CredentialLifetime } from '../../core/auth/credentialLifetime';
import { describeExpiry } from '../../core/auth/pat/patRecord';
import { CORTEX_CONNECTION_SETTING, chooseCortexConnection } from '../../core/cortex/cortexConnection';
import { connectionIdentifier } from '../../core/snowflake/identifiers';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { CancelledError } from '../../core/shared/errors';
import { registerCommand } from '../runCommand';
import type { Logger } from '../../core/shared/logger';
import { CHOOSE_CONNECTION_COMMAND, type EditorConnections } from '../sql/editorConnection';

export const STATUS_COMMAND = 'positSnowflake.connectionStatusActions';
const RECHECK_MS = 30_000;

export interface ActiveConnectionDeps {
  readonly auth: Pick<AuthService, 'connections' | 'credentialLifetime' | 'onDidChange'>;
  readonly sessions: Pick<SqlSessionManager, 'state' | 'preferences' | 'onDidChangeState'>;
  readonly editors: Pick<EditorConnections, 'chosen' | 'onDidChange'>;
  readonly log: Logger;
  readonly now?: () => number;
}

/** What the item shows (the real-editor tests read it). */
export interface StatusSnapshot {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  readonly warning: boolean;
  readonly connection?: string;
}

interface Active {
  readonly profile?: ConnectionProfile;
  /** A SQL editor is active (its connection, or none chosen yet). */
  readonly sqlEditor: boolean;
}

export class ActiveConnectionStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'positSnowflake.connection',
    vscode.StatusBarAlignment.Left,
  );
  private readonly subs: vscode.Disposable[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private seq = 0;
  private shown: StatusSnapshot = { visible: false, text: '', tooltip: '', warning: false };
  private lastLifetime: CredentialLifetime | undefined;

  constructor(private readonly deps: ActiveConnectionDeps) {
    this.item.name = 'Snowflake connection';
    this.item.command = STATUS_COMMAND;
    const again = (): void => void this.refresh();
    this.subs.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(again),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(CORTEX_CONNECTION_SETTING) && again()),
      deps.sessions.onDidChangeState(again),
      deps.editors.onDidChange(again),
      deps.auth.onDidChange(again),
    );
    this.timer = setInterval(again, RECHECK_MS);
    this.timer.unref?.();
    again();
  }

  snapshot(): StatusSnapshot {
    return this.shown;
  }

  /** The connection chat and SQL use here: the SQL editor's, else chat's. */
  async active(): Promise<Active> {
    const resolved = await this.deps.auth.connections();
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.languageId === 'sql') {
      const name = this.deps.editors.chosen(doc);
      const profile = name !== undefined ? resolved.connections.find((c) => c.name === name) : undefined;
      return { sqlEditor: true, ...(profile ? { profile } : {}) };
    }
    let profile: ConnectionProfile | undefined;
    try {
      profile = chooseCortexConnection(
        resolved,
        vscode.workspace.getConfiguration().get<string>(CORTEX_CONNECTION_SETTING),
      );
    } catch {
      profile = undefined; // the setting names a missing connection: chat says so when used
    }
    return { sqlEditor: false, ...(profile ? { profile } : {}) };
  }

  private roleAndWarehouse(p: ConnectionProfile): { role: string; warehouse: string } {
    const state = this.deps.sessions.state(p.name);
    const prefs = this.deps.sessions.preferences(p.name);
    const connected = state.status === 'connected';
    const role =
      (connected ? state.role : undefined) ?? prefs.role ?? (p.role ? connectionIdentifier(p.role) : undefined);
    const wh =
      (connected ? state.warehouse : undefined) ??
      prefs.warehouse ??
      (p.warehouse ? connectionIdentifier(p.warehouse) : undefined);
    return { role: role ?? 'default role', warehouse: wh ?? 'no warehouse' };
  }

  async refresh(): Promise<StatusSnapshot> {
    const mine = ++this.seq;
    let next: StatusSnapshot;
    try {
      next = await this.compute();
    } catch (err) {
      this.deps.log.debug(`Status bar: ${err instanceof Error ? err.message : String(err)}`);
      next = { visible: false, text: '', tooltip: '', warning: false };
    }
    if (mine !== this.seq) return this.shown; // a later refresh is under way
    this.apply(next);
    return next;
  }

  private async compute(): Promise<StatusSnapshot> {
    const a = await this.active();
    if (!a.profile) {
      if (!a.sqlEditor) return { visible: false, text: '', tooltip: '', warning: false };
      return {
        visible: true,
        text: '$(database) Snowflake: choose connection',
        tooltip: 'Click to choose the Snowflake connection this editor runs SQL on',
        warning: false,
      };
    }
    const p = a.profile;
    const { role, warehouse } = this.roleAndWarehouse(p);
    const lifetime = await this.deps.auth.credentialLifetime(p);
    this.lastLifetime = lifetime;
    const now = (this.deps.now ?? Date.now)();
    const ends = expiringSoon(lifetime, now);
    const base = `Snowflake: ${p.name} · ${role} · ${warehouse}`;
    const usedBy = a.sqlEditor ? 'this SQL editor' : 'chat and SQL';
    const click = 'Click to switch connection, role or warehouse.';
    if (ends === undefined)
      return {
        visible: true,
        text: `$(database) ${base}`,
        tooltip: `Snowflake connection used by ${usedBy}: ${p.name} (role ${role}, warehouse ${warehouse}). ${click}`,
        warning: false,
        connection: p.name,
      };
    const when = describeExpiry(ends, now);
    const expired = ends <= now;
    const what = lifetime.kind === 'pat' ? 'programmatic access token' : 'sign-in';
    return {
      visible: true,
      text: `$(warning) ${base} · ${expired ? 'expired' : `expires ${when}`}`,
      tooltip: `The ${what} of connection "${p.name}" ${expired ? `expired ${when}` : `expires ${when}`} (${new Date(ends).toISOString().slice(0, 16).replace('T', ' ')} UTC). ${lifetime.kind === 'pat' ? 'Create a new PAT' : 'Sign in again'} to keep working. ${click}`,
      warning: true,
      connection: p.name,
    };
  }

  private apply(s: StatusSnapshot): void {
    this.shown = s;
    if (!s.visible) {
      this.item.hide();
      return;
    }
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  /** What clicking offers. */
  async actions(): Promise<string | undefined> {
    const a = await this.active();
    if (!a.profile) {
      await vscode.commands.executeCommand(a.sqlEditor ? CHOOSE_CONNECTION_COMMAND : 'positSnowflake.addConnection');
      return undefined;
    }
    const name = a.profile.name;
    const renew =
      this.shown.warning && this.lastLifetime?.kind === 'pat'
        ? [
            {
              label: '$(key) Create a new PAT',
              run: () => vscode.commands.executeCommand('positSnowflake.createPat', name),
            },
          ]
        : this.shown.warning
          ? [
              {
                label: '$(sign-in) Sign in again',
                run: () => vscode.commands.executeCommand('positSnowflake.signIn', name),
              },
            ]
          : [];
    const items = [
      ...renew,
      {
        label: '$(plug) Switch connection…',
        run: () =>
          a.sqlEditor ? vscode.commands.executeCommand(CHOOSE_CONNECTION_COMMAND) : this.switchChatConnection(),
      },
      { label: '$(person) Switch role…', run: () => vscode.commands.executeCommand('positSnowflake.switchRole', name) },
      {
        label: '$(server) Switch warehouse…',
        run: () => vscode.commands.executeCommand('positSnowflake.switchWarehouse', name),
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: `Snowflake: ${name}`,
      placeHolder: this.shown.tooltip,
    });
    if (!picked) throw new CancelledError();
    await picked.run();
    return picked.label;
  }

  /** Chat's connection is the setting positSnowflake.cortex.connection (user settings). */
  private async switchChatConnection(): Promise<void> {
    const { connections } = await this.deps.auth.connections();
    const picked = await vscode.window.showQuickPick(
      connections.map((c) => ({
        label: c.name,
        description: [c.account, c.role, c.warehouse].filter(Boolean).join(' · '),
      })),
      { title: 'Snowflake connection for chat', placeHolder: 'Chat and SQL outside SQL editors use…' },
    );
    if (!picked) throw new CancelledError();
    await vscode.workspace
      .getConfiguration()
      .update(CORTEX_CONNECTION_SETTING, picked.label, vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subs) s.dispose();
  }
}

export function registerConnectionStatus(deps: ActiveConnectionDeps): {
  status: ActiveConnectionStatus;
  disposables: vscode.Disposable[];
} {
  const status = new ActiveConnectionStatus(deps);
  return { status, disposables: [status, registerCommand(deps.log, STATUS_COMMAND, () => status.actions())] };
}
