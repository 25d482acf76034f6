// Small real fakes for the SQL layer: a driver whose sessions expire on demand, and an auth service that counts.
import type { AuthRequestOptions, AuthService, ConnectionProfile, LoginCredential } from '../../../src/core/auth/types';
import { CancelledError } from '../../../src/core/shared/errors';
import type { ConnectOptions, QueryResult, SqlConnection, SqlDriver } from '../../../src/core/snowflake/sqlDriver';

export function profile(over: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return {
    name: 'dev',
    source: 'connections.toml',
    isDefault: true,
    params: {},
    authenticator: 'OAUTH',
    account: 'myorg-acct',
    baseUrl: 'http://127.0.0.1:1',
    user: 'ALICE',
    ...over,
  };
}

export class FakeAuth implements Pick<AuthService, 'forLogin' | 'invalidate'> {
  minted = 0;
  readonly invalidated: string[] = [];
  readonly requests: AuthRequestOptions[] = [];
  failWith?: Error;

  async forLogin(_p: ConnectionProfile, opts: AuthRequestOptions = {}): Promise<LoginCredential> {
    this.requests.push(opts);
    if (this.failWith) throw this.failWith;
    this.minted++;
    return { authenticator: 'OAUTH', token: `token-${this.minted}` };
  }

  invalidate(p: ConnectionProfile): void {
    this.invalidated.push(p.name);
  }
}

export interface DriverError extends Error {
  code?: string;
  sqlState?: string;
}

export function driverError(code: string, message = `error ${code}`, sqlState?: string): DriverError {
  return Object.assign(new Error(message), { code, sqlState });
}

type Handler = (sql: string, conn: FakeConnection) => QueryResult | Promise<QueryResult>;

export class FakeConnection implements SqlConnection {
  closed = false;
  /** When set, the next statements fail with this error (as an expired server session would). */
  expired?: DriverError;
  readonly executed: string[] = [];
  cancelled = 0;
  role?: string;
  warehouse?: string;

  constructor(
    readonly options: ConnectOptions,
    private readonly handler: Handler,
  ) {
    this.role = options.role;
    this.warehouse = options.warehouse;
  }

  execute(sql: string, signal?: AbortSignal): Promise<QueryResult> {
    this.executed.push(sql);
    if (this.closed)
      return Promise.reject(
        driverError('407002', 'Unable to perform operation because the connection was disconnected.'),
      );
    if (this.expired) return Promise.reject(this.expired);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      signal?.addEventListener(
        'abort',
        () => {
          this.cancelled++;
          reject(new CancelledError());
        },
        { once: true },
      );
      Promise.resolve()
        .then(() => this.handler(sql, this))
        .then((r) => resolve({ role: this.role, warehouse: this.warehouse, ...r }), reject);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FakeDriver implements SqlDriver {
  readonly connections: FakeConnection[] = [];
  /** Errors the next logins fail with, in order. */
  readonly loginFailures: Error[] = [];
  loginDelayMs = 0;

  constructor(private readonly handler: Handler = () => ({ columns: [], rows: [] })) {}

  async connect(options: ConnectOptions): Promise<SqlConnection> {
    if (this.loginDelayMs) await new Promise((r) => setTimeout(r, this.loginDelayMs));
    const failure = this.loginFailures.shift();
    if (failure) throw failure;
    const c = new FakeConnection(options, this.handler);
    this.connections.push(c);
    return c;
  }
}

/** A SHOW-like result with a `name` column (and whatever other text columns are given). */
export function showResult(names: readonly string[], extra: Record<string, (n: string) => string> = {}): QueryResult {
  const cols = ['created_on', 'name', ...Object.keys(extra)];
  return {
    columns: cols.map((name) => ({ name, type: 'text', nullable: true })),
    rows: names.map((n) => ['1700000000.000', n, ...Object.values(extra).map((f) => f(n))]),
  };
}
