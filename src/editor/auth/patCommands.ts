// "Create Programmatic Access Token…": the prompts over core/auth/pat (every question before Snowflake is asked), and
// the warning before a PAT we created expires: a toast at most once a day per connection, with "Create a new PAT".
// The secret goes only to the auth service: no prompt, message or log line ever shows it.
import * as vscode from 'vscode';
import type { AuthDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { answered } from '../../core/connections/edit/addConnection';
import {
  createPat,
  defaultPatConnection,
  defaultPatName,
  type PatCreateOptions,
  type PatCreateResult,
} from '../../core/auth/pat/patCreation';
import { patDeps } from '../../core/auth/pat/patDeps';
import { PAT_DEFAULT_DAYS, PAT_MAX_DAYS } from '../../core/auth/pat/patStatements';
import { patWarning, shouldToast, warningDay } from '../../core/auth/pat/patRecord';
import type { ConnectionProfile } from '../../core/auth/types';
import { connectionIdentifier } from '../../core/snowflake/identifiers';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { pickConnection } from './connectionPicker';

export const CREATE_PAT_COMMAND = 'positSnowflake.createPat';
const TITLE = 'Snowflake: Create Programmatic Access Token';
const WARNED_KEY = 'positSnowflake.patWarnedOn';
const CHECK_MS = 3600_000;

async function ask(prompt: string, value: string, validate: (v: string) => string | undefined): Promise<string> {
  return answered(
    await vscode.window.showInputBox({ title: TITLE, prompt, value, ignoreFocusOut: true, validateInput: validate }),
  ).trim();
}

/** Name, role, days and where the PAT goes; all asked before anything happens. */
async function askOptions(deps: AuthDeps, source: ConnectionProfile): Promise<PatCreateOptions> {
  const name = await ask('Name of the new token', defaultPatName(source.name, Date.now()), (v) =>
    /^[A-Za-z_][A-Za-z0-9_$]*$/.test(v.trim())
      ? undefined
      : 'Letters, digits and underscores, not starting with a digit.',
  );
  const role = await ask(
    'Role the token is restricted to (empty: the role this connection signs in with)',
    source.role ? connectionIdentifier(source.role) : '',
    () => undefined,
  );
  const days = await ask(`Days until it expires (1 to ${PAT_MAX_DAYS})`, String(PAT_DEFAULT_DAYS), (v) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 1 && n <= PAT_MAX_DAYS ? undefined : `A whole number from 1 to ${PAT_MAX_DAYS}.`;
  });
  const isPat = source.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN';
  // Workbench-managed and environment connections are not in a file we may change.
  const editable = source.source === 'connections.toml' || source.source === 'config.toml';
  const fresh = defaultPatConnection(source.name);
  const exists = (await deps.auth.connections()).listed.some((c) => c.name === fresh);
  const items = [
    ...(isPat && editable
      ? [{ label: `Replace the PAT of "${source.name}"`, target: { kind: 'update', name: source.name } }]
      : []),
    ...(exists ? [] : [{ label: `New connection "${fresh}"`, target: { kind: 'new', name: fresh } }]),
    ...(isPat || !editable
      ? []
      : [{ label: `Switch "${source.name}" to the PAT`, target: { kind: 'update', name: source.name } }]),
    { label: 'New connection with another name…', target: undefined },
  ] as { label: string; target: PatCreateOptions['target'] }[];
  const picked = answered(
    await vscode.window.showQuickPick(items, {
      title: TITLE,
      placeHolder: 'Which connection signs in with it?',
      ignoreFocusOut: true,
    }),
  );
  const target = picked.target ?? {
    kind: 'new' as const,
    name: await ask('Name of the new connection', fresh, (v) => (v.trim() ? undefined : 'This is needed.')),
  };
  return { connection: source.name, name, days: Number(days), target, ...(role ? { role } : {}) };
}

function report(r: PatCreateResult): void {
  const until = new Date(r.record.expiresAt).toISOString().slice(0, 10);
  const what = `PAT ${r.record.name} for ${r.record.user}${r.record.role ? ` (role ${r.record.role})` : ''}, valid until ${until}`;
  if (r.login)
    void vscode.window.showInformationMessage(
      `Created ${what}. Connection "${r.connection}" signs in with it as ${r.login.user}, role ${r.login.role}.`,
    );
  else
    void vscode.window.showWarningMessage(
      `Created ${what} for connection "${r.connection}", but signing in with it failed: ${r.loginError ?? ''}`,
    );
}

export function registerPatCommands(deps: AuthDeps, sessions: SqlSessionManager): vscode.Disposable[] {
  const core = () => patDeps(deps.auth, sessions);
  return [
    // The argument is only the connection (a name or a tree node); everything else is asked.
    registerCommand(deps.log, CREATE_PAT_COMMAND, async (arg?: unknown) => {
      const source = await pickConnection(deps.auth, arg, { title: TITLE });
      const options = await askOptions(deps, source);
      const r = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Creating a programmatic access token over "${source.name}"…`,
        },
        () => createPat(core(), options),
      );
      report(r);
      return r;
    }),
  ];
}

/** Looks at every PAT we created, now and hourly and when credentials change; toasts at most once a day each. */
export class PatExpiryWatcher implements vscode.Disposable {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly deps: Pick<AuthDeps, 'auth' | 'log'>,
    private readonly state: vscode.Memento,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.check(), CHECK_MS);
    this.timer.unref?.();
    this.sub = deps.auth.onDidChange((c) => c.reason !== 'workbenchToken' && void this.check());
    void this.check();
  }

  /** The connections warned about now (tests call this). */
  async check(): Promise<string[]> {
    const warned: string[] = [];
    try {
      const { connections } = await this.deps.auth.connections();
      const shown = this.state.get<Record<string, string>>(WARNED_KEY) ?? {};
      for (const c of connections.filter((p) => p.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN')) {
        const record = await this.deps.auth.patRecord(c.name);
        const w = record ? patWarning(c.name, record, this.now()) : undefined;
        if (!w || !shouldToast(w, shown[c.name], this.now())) continue;
        shown[c.name] = warningDay(this.now());
        warned.push(c.name);
        const renewFrom = w.expired ? (record?.createdVia ?? c.name) : c.name;
        void vscode.window.showWarningMessage(w.text, 'Create a new PAT').then((choice) => {
          if (choice) void vscode.commands.executeCommand(CREATE_PAT_COMMAND, renewFrom);
        });
      }
      if (warned.length) await this.state.update(WARNED_KEY, shown);
    } catch (err) {
      this.deps.log.debug(`PAT expiry check: ${err instanceof Error ? err.message : String(err)}`);
    }
    return warned;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.sub.dispose();
  }
}
