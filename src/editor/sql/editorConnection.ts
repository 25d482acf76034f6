// Which connection a SQL editor runs on: asked the first time (the selected tree node's connection, else the
// default one, offered first), remembered per document. The status bar item (connections/activeConnectionStatus.ts)
// shows it while a SQL editor is active.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import { Emitter } from '../../core/shared/events';

export const CHOOSE_CONNECTION_COMMAND = 'positSnowflake.chooseEditorConnection';
const CHOICES_KEY = 'positSnowflake.editorConnections';

export interface EditorConnectionDeps {
  readonly auth: Pick<AuthService, 'connections'>;
  readonly sessions: SqlSessionManager;
  readonly workspaceState: vscode.Memento;
  readonly selectedConnection: () => string | undefined;
}

export class EditorConnections implements vscode.Disposable {
  private readonly chose = new Emitter<void>();
  /** A document's connection was chosen, or a run may have changed its session's role or warehouse. */
  readonly onDidChange = this.chose.event;

  constructor(private readonly deps: EditorConnectionDeps) {}

  private choices(): Record<string, string> {
    return this.deps.workspaceState.get<Record<string, string>>(CHOICES_KEY) ?? {};
  }

  /** The remembered connection of a document, if any. */
  chosen(doc: vscode.TextDocument): string | undefined {
    return this.choices()[doc.uri.toString()];
  }

  private async profiles(): Promise<ConnectionProfile[]> {
    return [...(await this.deps.auth.connections()).connections];
  }

  /** The document's connection: remembered, else picked now (and remembered). */
  async profileFor(doc: vscode.TextDocument): Promise<ConnectionProfile> {
    const profiles = await this.profiles();
    const name = this.chosen(doc);
    const remembered = name !== undefined ? profiles.find((p) => p.name === name) : undefined;
    return remembered ?? (await this.choose(doc, undefined, profiles));
  }

  /** Asks which connection the document runs on (or takes `given`), and remembers it. */
  async choose(doc: vscode.TextDocument, given?: string, known?: ConnectionProfile[]): Promise<ConnectionProfile> {
    const profiles = known ?? (await this.profiles());
    if (profiles.length === 0)
      throw new SnowflakeExtError('config', 'There is no Snowflake connection to run SQL with.', {
        text: 'Add a connection first.',
        command: 'positSnowflake.addConnection',
        commandTitle: 'Add Connection',
      });
    let name = given;
    if (name === undefined) {
      const preferred = this.deps.selectedConnection() ?? profiles.find((p) => p.isDefault)?.name;
      const ordered = [...profiles].sort((a, b) => Number(b.name === preferred) - Number(a.name === preferred));
      const pick =
        profiles.length === 1
          ? { label: profiles[0]?.name ?? '' }
          : await vscode.window.showQuickPick(
              ordered.map((p) => ({
                label: p.name,
                description: [p.name === preferred ? 'suggested' : '', p.isDefault ? 'default' : '']
                  .filter(Boolean)
                  .join(', '),
                detail: [p.account, p.role, p.warehouse].filter(Boolean).join(' · '),
              })),
              { title: 'Snowflake connection for this editor', placeHolder: 'Run this SQL on…' },
            );
      if (!pick) throw new CancelledError();
      name = pick.label;
    }
    const profile = profiles.find((p) => p.name === name);
    if (!profile)
      throw new SnowflakeExtError('notFound', `No Snowflake connection is named "${name}".`, {
        text: "Run 'Snowflake: Choose Connection for This Editor' and pick one of the listed connections.",
      });
    await this.deps.workspaceState.update(CHOICES_KEY, { ...this.choices(), [doc.uri.toString()]: profile.name });
    this.chose.fire();
    return profile;
  }

  /** Tells the status bar to look again (after a run). */
  touch(): void {
    this.chose.fire();
  }

  dispose(): void {
    this.chose.dispose();
  }
}
