// One SQL session per connection: logged in on first use with a credential from the auth service, reused, logged
// in again once when the session or its token has expired, cancelled on refresh, closed on dispose.
import type { AuthService, ConnectionProfile } from '../auth/types';
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';
import { Emitter, type Disposable, type Event } from '../shared/events';
import type { Logger } from '../shared/logger';
import { untilAborted } from '../shared/abort';
import { sqlIdentifier } from './identifiers';
import type { DatesAs, QueryResult, SqlConnection, SqlDriver } from './sqlDriver';
import { needsReauth, toSqlError } from './sqlErrors';
import { refreshOnceOnRefusal } from '../auth/withAuthRetry';
import { definitionFingerprint } from '../connections/profileFingerprint';

export type SessionState =
  | { readonly status: 'notConnected' }
  | { readonly status: 'connecting' }
  | { readonly status: 'connected'; readonly user?: string; readonly role?: string; readonly warehouse?: string }
  | { readonly status: 'error'; readonly error: SnowflakeExtError };

/** Role and warehouse the user picked for a connection (remembered by the editor, applied at each login). */
export interface SessionPreferences {
  readonly role?: string;
  readonly warehouse?: string;
}

export interface SqlSessionManagerOptions {
  readonly auth: Pick<AuthService, 'forLogin' | 'invalidate'>;
  readonly driver: SqlDriver;
  readonly logger: Logger;
}

export interface QueryOptions {
  readonly signal?: AbortSignal;
  /** What the query is for, in the user's words ("Listing tables in SALES_DB.PUBLIC"), for errors and the log. */
  readonly what?: string;
  /** How dates and times become text (see ExecuteOptions): 'text' (default) for people, 'iso' for listings. */
  readonly datesAs?: DatesAs;
  /** Keep at most this many rows of the result (see ExecuteOptions.maxRows). */
  readonly maxRows?: number;
  /** Fetch no rows; the result comes back as a cursor to read in ranges (see ExecuteOptions.cursor). */
  readonly cursor?: boolean;
}

/** A login in flight or done: held in an object so the retry helper does not await it before the attempt. */
interface Login {
  readonly connection: Promise<SqlConnection>;
}

interface Session {
  profile: ConnectionProfile;
  connection?: Promise<SqlConnection>;
  state: SessionState;
  user?: string;
  role?: string;
  warehouse?: string;
  /** Loads in flight, aborted on refresh. */
  readonly inflight: Set<AbortController>;
}

export class SqlSessionManager implements Disposable {
  private readonly sessions = new Map<string, Session>();
  private readonly prefs = new Map<string, SessionPreferences>();
  private readonly changed = new Emitter<string>();
  /** Fires with a connection name when its session state changes. */
  readonly onDidChangeState: Event<string> = this.changed.event;

  constructor(private readonly opts: SqlSessionManagerOptions) {}

  state(name: string): SessionState {
    return this.sessions.get(name)?.state ?? { status: 'notConnected' };
  }

  preferences(name: string): SessionPreferences {
    return this.prefs.get(name) ?? {};
  }

  /** Sets the role/warehouse used at the next login (the editor restores them from workspace state). */
  setPreferences(name: string, prefs: SessionPreferences): void {
    this.prefs.set(name, prefs);
  }

  /** Runs one statement on the connection's session, logging in first if needed, and again once if it expired. */
  async query(profile: ConnectionProfile, sqlText: string, opts: QueryOptions = {}): Promise<QueryResult> {
    const what = opts.what ?? 'Query';
    const session = this.sessionFor(profile);
    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    session.inflight.add(controller);
    try {
      // The session is the credential here: a refused one is logged in again once, with a freshly minted credential.
      return await refreshOnceOnRefusal<Login, QueryResult>({
        credential: async (retry) => {
          if (!retry) return { connection: this.connect(session, false) };
          // Unless a concurrent caller is already logging in again, this one does it.
          const fresh = session.connection === undefined || session.connection === retry.rejected.connection;
          if (fresh) {
            await this.drop(session);
            this.opts.auth.invalidate(profile, 'login');
          }
          return { connection: this.connect(session, fresh) };
        },
        attempt: (login) => this.run(session, login.connection, sqlText, signal, opts),
        refused: (err) => !signal.aborted && needsReauth(err),
        beforeRetry: (err) =>
          this.opts.logger.info(`${profile.name}: session or token no longer valid (${codeOf(err)}); logging in again`),
      });
    } catch (err) {
      if (signal.aborted || isCancelled(err)) throw new CancelledError();
      throw toSqlError(err, what, profile);
    } finally {
      session.inflight.delete(controller);
    }
  }

  /** Switches the session's role (USE ROLE) and remembers it for later logins. */
  async useRole(profile: ConnectionProfile, role: string, signal?: AbortSignal): Promise<void> {
    await this.query(profile, `USE ROLE ${sqlIdentifier(role)}`, { signal, what: `Switching to role ${role}` });
    this.prefs.set(profile.name, { ...this.preferences(profile.name), role });
    this.updateContext(profile.name, { role });
  }

  /** Switches the session's warehouse (USE WAREHOUSE) and remembers it for later logins. */
  async useWarehouse(profile: ConnectionProfile, warehouse: string, signal?: AbortSignal): Promise<void> {
    await this.query(profile, `USE WAREHOUSE ${sqlIdentifier(warehouse)}`, {
      signal,
      what: `Switching to warehouse ${warehouse}`,
    });
    this.prefs.set(profile.name, { ...this.preferences(profile.name), warehouse });
    this.updateContext(profile.name, { warehouse });
  }

  /** Aborts the connection's loads in flight (a refresh); the session itself stays. */
  cancel(name: string): void {
    const session = this.sessions.get(name);
    if (!session) return;
    for (const c of session.inflight) c.abort();
    session.inflight.clear();
  }

  /** Aborts loads and closes the session; the next query logs in again (files, secrets or sign-in changed). */
  async reset(name: string): Promise<void> {
    const session = this.sessions.get(name);
    if (!session) return;
    this.cancel(name);
    this.sessions.delete(name);
    await this.drop(session);
    this.changed.fire(name);
  }

  dispose(): void {
    for (const name of [...this.sessions.keys()]) void this.reset(name);
    this.changed.dispose();
  }

  private sessionFor(profile: ConnectionProfile): Session {
    let session = this.sessions.get(profile.name);
    if (session && definitionFingerprint(session.profile) !== definitionFingerprint(profile)) {
      // The connection's definition changed under us: its session belongs to the old one.
      void this.reset(profile.name);
      session = undefined;
    }
    if (!session) {
      session = { profile, state: { status: 'notConnected' }, inflight: new Set() };
      this.sessions.set(profile.name, session);
    }
    return session;
  }

  private async run(
    session: Session,
    connection: Promise<SqlConnection>,
    sqlText: string,
    signal: AbortSignal,
    opts: QueryOptions,
  ): Promise<QueryResult> {
    const conn = await untilAborted(connection, signal); // the shared login keeps running for other callers
    this.opts.logger.trace(`${session.profile.name}: ${sqlText}`);
    const options = { datesAs: opts.datesAs, maxRows: opts.maxRows, ...(opts.cursor ? { cursor: true } : {}) };
    const result = await conn.execute(
      sqlText,
      signal,
      opts.datesAs || opts.maxRows !== undefined || opts.cursor ? options : undefined,
    );
    if (result.role || result.warehouse)
      this.updateContext(session.profile.name, { role: result.role, warehouse: result.warehouse });
    return result;
  }

  /** Records the session's current role/warehouse (from a response or a USE statement) when they changed. */
  private updateContext(name: string, ctx: { role?: string; warehouse?: string }): void {
    const session = this.sessions.get(name);
    if (!session || session.state.status !== 'connected') return;
    const role = ctx.role ?? session.role;
    const warehouse = ctx.warehouse ?? session.warehouse;
    if (role === session.role && warehouse === session.warehouse) return;
    session.role = role;
    session.warehouse = warehouse;
    this.setState(session, { status: 'connected', user: session.user, role, warehouse });
  }

  /** Single flight per connection: every caller waits on the same login. */
  private connect(session: Session, forceRefresh: boolean): Promise<SqlConnection> {
    if (!session.connection) {
      const attempt = this.login(session, forceRefresh);
      session.connection = attempt;
      attempt.catch((err: unknown) => {
        if (session.connection === attempt) session.connection = undefined;
        // A first expired-token failure is retried by query(); anything else, or a second one, is the session's state.
        if (!isCancelled(err) && (forceRefresh || !needsReauth(err))) {
          const error = toSqlError(err, `Connecting to ${session.profile.name}`, session.profile);
          this.setState(session, { status: 'error', error });
        }
      });
    }
    return session.connection;
  }

  private async login(session: Session, forceRefresh: boolean): Promise<SqlConnection> {
    const { profile } = session;
    const prefs = this.preferences(profile.name);
    this.setState(session, { status: 'connecting' });
    const credential = await this.opts.auth.forLogin(profile, { silent: true, forceRefresh });
    // A browser sign-in's token is limited to its role (one sign-in per role): the login asks for that role.
    const role = (credential.authenticator === 'OAUTH' ? credential.role : undefined) ?? prefs.role ?? profile.role;
    const started = Date.now();
    const conn = await this.opts.driver.connect({
      account: profile.account,
      accessUrl: profile.baseUrl,
      credential,
      user: profile.user,
      role,
      warehouse: prefs.warehouse ?? profile.warehouse,
      database: profile.database,
      schema: profile.schema,
    });
    // A Workbench or OAuth token need not name its user: ask Snowflake, so the tree can say who is connected.
    session.user =
      credential.user ??
      profile.user ??
      (await currentUser(conn, (m) => this.opts.logger.debug(`${profile.name}: ${m}`)));
    session.role = role;
    session.warehouse = prefs.warehouse ?? profile.warehouse;
    this.opts.logger.info(`${profile.name}: logged in (${profile.authenticator}) in ${Date.now() - started} ms`);
    this.setState(session, {
      status: 'connected',
      user: session.user,
      role: session.role,
      warehouse: session.warehouse,
    });
    return conn;
  }

  private async drop(session: Session): Promise<void> {
    const pending = session.connection;
    session.connection = undefined;
    this.setState(session, { status: 'notConnected' });
    if (!pending) return;
    try {
      await (await pending).close();
    } catch {
      // A session that never opened, or is already gone, has nothing to close.
    }
  }

  private setState(session: Session, state: SessionState): void {
    session.state = state;
    if (this.sessions.get(session.profile.name) === session) this.changed.fire(session.profile.name);
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === undefined ? 'no code' : `code ${String(code)}`;
}

/** What identifies the connection's definition: a change means the old session must not be reused. */

/** CURRENT_USER() of a fresh session; undefined when the query fails (the state then names no user). */
async function currentUser(conn: SqlConnection, debug: (message: string) => void): Promise<string | undefined> {
  try {
    return (await conn.execute('SELECT CURRENT_USER()')).rows[0]?.[0] ?? undefined;
  } catch (err) {
    debug(`could not read CURRENT_USER(): ${(err as Error).message}`);
    return undefined;
  }
}
