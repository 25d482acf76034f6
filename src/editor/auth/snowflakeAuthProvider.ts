// The "Snowflake" AuthenticationProvider: one session per OAUTH_AUTHORIZATION_CODE connection with a stored sign-in,
// so sign-ins show in the Accounts menu and other extensions can ask for a Snowflake token. The auth service owns the
// tokens; this lists what it knows, cached as a promise and re-read when secrets or files change (other windows too).
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile, SignOutResult } from '../../core/auth/types';
import { SnowflakeExtError } from '../../core/shared/errors';
import type { Logger } from '../../core/shared/logger';

export const PROVIDER_ID = 'positSnowflake';
export const PROVIDER_LABEL = 'Snowflake';
const SESSION_PREFIX = 'snowflake-oauth:';

/** What a session stands for, without its token (tokens are minted fresh on each request). */
interface SessionInfo {
  readonly id: string;
  readonly connection: string;
  readonly account: vscode.AuthenticationSessionAccountInformation;
  readonly scopes: readonly string[];
}

/** Scopes a caller may pass: `connection:<name>`, `session:role:<ROLE>`; others (e.g. `refresh_token`) are ignored. */
export function parseScopes(scopes: readonly string[]): { connection?: string; role?: string } {
  const connection = scopes.find((s) => s.startsWith('connection:'))?.slice('connection:'.length);
  const role = scopes.find((s) => s.startsWith('session:role:'))?.slice('session:role:'.length);
  return { ...(connection ? { connection } : {}), ...(role ? { role } : {}) };
}

export function sessionIdFor(connection: string): string {
  return SESSION_PREFIX + connection;
}

export function isOAuthSignIn(p: ConnectionProfile): boolean {
  return p.authenticator === 'OAUTH_AUTHORIZATION_CODE';
}

function bearerOf(headers: Readonly<Record<string, string>>): string {
  const value = headers.Authorization ?? headers.authorization ?? '';
  return value.replace(/^Bearer\s+/i, '');
}

export class SnowflakeAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private sessionsPromise: Promise<SessionInfo[]>;
  /** User names learned at sign-in (the profile may not name the user for OAuth). */
  private readonly usernames = new Map<string, string>();
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private updating: Promise<void> = Promise.resolve();

  constructor(
    private readonly auth: AuthService,
    private readonly log: Logger,
    /** Picks the connection when createSession's scopes do not name one. */
    private readonly choose: () => Promise<ConnectionProfile>,
  ) {
    this.sessionsPromise = this.readSessions();
    this.subscriptions.push(
      // Files (a connection added, removed or re-typed), sign-ins through the service itself, and secrets written
      // elsewhere (another window signing in or out).
      auth.onDidChange((e) => {
        if (e.reason !== 'workbenchToken') void this.checkForUpdates();
      }),
    );
  }

  private async readSessions(): Promise<SessionInfo[]> {
    const { connections } = await this.auth.connections();
    const out: SessionInfo[] = [];
    for (const p of connections.filter(isOAuthSignIn)) {
      const listed = await this.auth.signIns(p).catch(() => []);
      const active = listed.find((s) => s.active && s.status === 'valid');
      if (!active) continue;
      const role = active.role || p.role;
      const user = this.usernames.get(p.name) ?? active.username ?? p.user;
      out.push({
        id: sessionIdFor(p.name),
        connection: p.name,
        account: { id: `${p.account}/${p.name}`, label: user ? `${user} (${p.name})` : p.name },
        scopes: [`connection:${p.name}`, ...(role ? [`session:role:${role}`] : [])],
      });
    }
    // Sign Out appears in the palette only when there is something to sign out of.
    void vscode.commands.executeCommand('setContext', 'positSnowflake.signedIn', out.length > 0);
    return out;
  }

  /**
   * Re-reads the stored sign-ins and reports what was added or removed (here, in another window, or by a file edit).
   * Checks run one after another, so each change is reported exactly once whoever noticed it first.
   */
  checkForUpdates(): Promise<void> {
    this.updating = this.updating.then(async () => {
      const before = await this.sessionsPromise.catch(() => [] as SessionInfo[]);
      this.sessionsPromise = this.readSessions();
      const after = await this.sessionsPromise.catch(() => [] as SessionInfo[]);
      const has = (list: SessionInfo[], s: SessionInfo): boolean => list.some((x) => x.id === s.id);
      const added = after.filter((s) => !has(before, s));
      const removed = before.filter((s) => !has(after, s));
      if (added.length || removed.length) {
        this.changed.fire({
          added: added.map((s) => this.placeholder(s)),
          removed: removed.map((s) => this.placeholder(s)),
          changed: [],
        });
      }
    });
    return this.updating;
  }

  /** Change events carry sessions without a live token; callers fetch one with getSession. */
  private placeholder(s: SessionInfo): vscode.AuthenticationSession {
    return { id: s.id, account: s.account, scopes: [...s.scopes], accessToken: '' };
  }

  /** A session with a current access token; undefined (logged) when none can be minted without the person. */
  private async withToken(s: SessionInfo): Promise<vscode.AuthenticationSession | undefined> {
    try {
      const profile = await this.auth.getConnection(s.connection);
      const cred = await this.auth.forRest(profile, { silent: true });
      return { id: s.id, account: s.account, scopes: [...s.scopes], accessToken: bearerOf(cred.headers) };
    } catch (err) {
      this.log.warn(
        `Snowflake sign-in for "${s.connection}" has no usable token: ${err instanceof SnowflakeExtError ? err.message : String(err)}`,
      );
      return undefined;
    }
  }

  async getSessions(
    scopes: readonly string[] | undefined,
    _options?: vscode.AuthenticationProviderSessionOptions,
  ): Promise<vscode.AuthenticationSession[]> {
    const wanted = parseScopes(scopes ?? []);
    const infos = (await this.sessionsPromise).filter(
      (s) =>
        (!wanted.connection || s.connection === wanted.connection) &&
        (!wanted.role || s.scopes.includes(`session:role:${wanted.role}`)),
    );
    const sessions = await Promise.all(infos.map((s) => this.withToken(s)));
    return sessions.filter((s): s is vscode.AuthenticationSession => s !== undefined);
  }

  async createSession(
    scopes: readonly string[],
    _options?: vscode.AuthenticationProviderSessionOptions,
  ): Promise<vscode.AuthenticationSession> {
    const wanted = parseScopes(scopes);
    let profile = wanted.connection ? await this.auth.getConnection(wanted.connection) : await this.choose();
    // A session:role: scope asks for a token limited to that role.
    if (wanted.role && wanted.role !== profile.role)
      profile = { ...profile, role: wanted.role, params: { ...profile.params, role: wanted.role } };
    return this.signIn(profile);
  }

  /** Signs in through the auth service (browser, loopback) and reports the session; used by createSession and Sign In. */
  async signIn(profile: ConnectionProfile, signal?: AbortSignal, role?: string): Promise<vscode.AuthenticationSession> {
    if (!isOAuthSignIn(profile)) {
      throw new SnowflakeExtError(
        'config',
        `Connection "${profile.name}" uses ${profile.authenticator}, not a browser sign-in, so there is nothing to sign in to.`,
        {
          text: 'Sign-in applies to connections with authenticator = "OAUTH_AUTHORIZATION_CODE".',
        },
      );
    }
    const existed = (await this.sessionsPromise).some((s) => s.connection === profile.name);
    const result = await this.auth.signIn(profile, { ...(signal ? { signal } : {}), ...(role ? { role } : {}) });
    if (result.username) this.usernames.set(profile.name, result.username);
    await this.checkForUpdates(); // reports the new session as added
    const info = (await this.sessionsPromise).find((s) => s.connection === profile.name);
    const session = info && (await this.withToken(info));
    if (!session)
      throw new SnowflakeExtError('auth', `Signed in to "${profile.name}", but no access token could be obtained.`, {
        text: "Run 'Snowflake: Show Diagnostics'.",
        command: 'positSnowflake.showDiagnostics',
        commandTitle: 'Show Diagnostics',
      });
    if (existed) this.changed.fire({ added: [], removed: [], changed: [session] });
    return session;
  }

  /** The Accounts menu's Sign Out: every role of the connection, revoked at Snowflake, then deleted here. */
  async removeSession(sessionId: string): Promise<void> {
    const result = await this.signOut(sessionId);
    if (result?.revocation === 'unconfirmed')
      this.log.warn(`Signed out of "${result.connection}"; the revocation at Snowflake could not be confirmed.`);
  }

  /** Signs out of every role of the connection (see removeSession); the result says whether Snowflake confirmed. */
  async signOut(sessionId: string): Promise<SignOutResult | undefined> {
    const info = (await this.sessionsPromise).find((s) => s.id === sessionId);
    const name =
      info?.connection ?? (sessionId.startsWith(SESSION_PREFIX) ? sessionId.slice(SESSION_PREFIX.length) : undefined);
    if (!name) return undefined;
    const result = await this.auth.signOut(await this.auth.getConnection(name));
    this.usernames.delete(name);
    await this.checkForUpdates(); // reports the session as removed
    return result;
  }

  /** The sessions' connections, for Sign Out's picker. */
  async signedInConnections(): Promise<string[]> {
    return (await this.sessionsPromise).map((s) => s.connection);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
