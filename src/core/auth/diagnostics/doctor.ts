// runDoctor: for each connection, where it came from and why other files are not used, permissions, the key and its
// fingerprint, the account as the JWT carries it, the host, clock skew and a login test with the server's code explained.
import { isCancelled, toExtError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { jwtAccount } from '../../connections/account';
import { chooseDirectory } from '../../connections/connectionDirectory';
import { knownNames } from '../../connections/resolveConnections';
import { patWarning } from '../pat/patRecord';
import { loginProbe } from './loginProbe';
import { clockSkewText, SnowflakeServerError } from '../serverFailure';
import type { AuthService, ConnectionProfile, Diagnostic, HostEnvironment, KeyInfo, ListedConnection } from '../types';

export interface DoctorProblem {
  readonly message: string;
  readonly fix?: string;
  readonly code?: string;
}

export interface DoctorConnection {
  readonly name: string;
  readonly source?: ConnectionProfile['source'];
  readonly file?: string;
  readonly isDefault: boolean;
  readonly authenticator?: string;
  readonly account?: string;
  /** The account as a key-pair JWT names it. */
  readonly jwtAccount?: string;
  readonly baseUrl?: string;
  readonly user?: string;
  readonly role?: string;
  readonly warehouse?: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly key?: KeyInfo;
  readonly keyProblem?: DoctorProblem;
  readonly login?: { readonly user: string; readonly role: string; readonly warehouse: string | null };
  readonly loginProblem?: DoctorProblem;
  /** Our clock minus Snowflake's, in ms, from the login answer's Date header. */
  readonly clockSkewMs?: number;
  readonly clockText?: string;
}

export interface DoctorReport {
  readonly directory: string;
  readonly directoryWhy: string;
  readonly files: readonly string[];
  readonly defaultName: string;
  readonly environment: readonly string[];
  /** Diagnostics not tied to one connection (files, directories, defaults). */
  readonly general: readonly Diagnostic[];
  readonly connections: readonly DoctorConnection[];
  /** Errors, failed key checks and failed logins. */
  readonly problemCount: number;
  /** No login was attempted (`doctor --offline`). */
  readonly offline: boolean;
}

export interface DoctorOptions {
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Skip the login test (`doctor --offline`): files, keys and settings only, nothing sent over the network. */
  readonly skipLogin?: boolean;
}

const ENV_NAMES = [
  'SNOWFLAKE_HOME',
  'SNOWFLAKE_DEFAULT_CONNECTION_NAME',
  'SNOWFLAKE_CONNECTIONS',
  'PRIVATE_KEY_PASSPHRASE',
  'RS_SERVER_URL',
  'SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
  'SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
];

/** Which relevant variables are set (values of secrets are never shown). */
function environmentNotes(host: HostEnvironment): string[] {
  const notes: string[] = [];
  for (const name of ENV_NAMES) {
    const v = host.env[name];
    if (v === undefined) continue;
    const shown = name === 'PRIVATE_KEY_PASSPHRASE' || name === 'SNOWFLAKE_CONNECTIONS' ? '(set)' : v;
    notes.push(`${name}=${shown}`);
  }
  const overrides = Object.keys(host.env).filter((k) => k.startsWith('SNOWFLAKE_CONNECTIONS_'));
  if (overrides.length) notes.push(`overrides: ${overrides.join(', ')}`);
  if (host.env.RS_SERVER_URL) notes.push('running inside Posit Workbench');
  return notes;
}

function problemOf(err: unknown): DoctorProblem {
  const e = toExtError(err);
  return { message: e.message, ...(e.fix ? { fix: e.fix.text } : {}), ...(e.code ? { code: e.code } : {}) };
}

async function checkConnection(
  auth: AuthService,
  profile: ConnectionProfile,
  diagnostics: readonly Diagnostic[],
  opts: DoctorOptions,
): Promise<DoctorConnection> {
  const now = opts.now ?? Date.now;
  const record = profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN' ? await auth.patRecord(profile.name) : undefined;
  const expiry = record ? patWarning(profile.name, record, now()) : undefined;
  const base: DoctorConnection = {
    name: profile.name,
    source: profile.source,
    ...(profile.file ? { file: profile.file } : {}),
    isDefault: profile.isDefault,
    authenticator: profile.authenticator.toLowerCase(),
    account: profile.account,
    jwtAccount: jwtAccount(profile.account),
    baseUrl: profile.baseUrl,
    ...(profile.user ? { user: profile.user } : {}),
    ...(profile.role ? { role: profile.role } : {}),
    ...(profile.warehouse ? { warehouse: profile.warehouse } : {}),
    diagnostics: expiry
      ? [
          ...diagnostics,
          {
            severity: 'warning',
            message: expiry.text,
            connection: profile.name,
            fix: "Run 'Snowflake: Create Programmatic Access Token…' on the connection (or posit-snowflake pat create).",
            code: 'patExpiring',
          },
        ]
      : diagnostics,
  };
  let key: KeyInfo | undefined;
  let keyProblem: DoctorProblem | undefined;
  // A missing key file is already one of the connection's problems; reading it again would report it twice.
  const keyFileMissing = diagnostics.some((d) => d.code === 'keyFileMissing');
  if (profile.authenticator === 'SNOWFLAKE_JWT' && !keyFileMissing) {
    try {
      key = await auth.describeKey(profile, { silent: true });
    } catch (err) {
      if (isCancelled(err)) throw err;
      keyProblem = problemOf(err);
    }
  }
  if (opts.skipLogin || keyProblem || keyFileMissing)
    return { ...base, ...(key ? { key } : {}), ...(keyProblem ? { keyProblem } : {}) };
  try {
    const probe = await loginProbe(auth, profile, {
      silent: true,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      now,
    });
    const skew = probe.serverDate !== undefined ? now() - probe.serverDate : undefined;
    const clockText = clockSkewText(probe.serverDate, now());
    return {
      ...base,
      ...(key ? { key } : {}),
      login: { user: probe.user, role: probe.role, warehouse: probe.warehouse },
      ...(skew !== undefined ? { clockSkewMs: skew } : {}),
      ...(clockText ? { clockText } : {}),
    };
  } catch (err) {
    if (isCancelled(err)) throw err;
    const serverDate = err instanceof SnowflakeServerError ? err.serverDate : undefined;
    const clockText = clockSkewText(serverDate, now());
    return {
      ...base,
      ...(key ? { key } : {}),
      loginProblem: problemOf(err),
      ...(serverDate !== undefined ? { clockSkewMs: now() - serverDate } : {}),
      ...(clockText ? { clockText } : {}),
    };
  }
}

/** Diagnostics of each connection, grouped once (a scan per connection would be quadratic). */
function byConnection(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.connection === undefined) continue;
    const list = out.get(d.connection);
    if (list) list.push(d);
    else out.set(d.connection, [d]);
  }
  return out;
}

/** A defined connection that cannot be used: listed with its problems, never tried. */
function unusableConnection(c: ListedConnection, diagnostics: readonly Diagnostic[]): DoctorConnection {
  return {
    name: c.name,
    source: c.source,
    ...(c.file ? { file: c.file } : {}),
    isDefault: c.isDefault,
    ...(c.authenticator ? { authenticator: c.authenticator.toLowerCase() } : {}),
    diagnostics,
  };
}

export async function runDoctor(
  host: HostEnvironment,
  auth: AuthService,
  name?: string,
  opts: DoctorOptions = {},
): Promise<DoctorReport> {
  const choice = await chooseDirectory(host);
  const resolved = await auth.connections();
  const grouped = byConnection(resolved.diagnostics);
  const all: DoctorConnection[] = [];
  for (const c of resolved.listed) {
    if (name !== undefined && c.name !== name) continue;
    const diagnostics = grouped.get(c.name) ?? [];
    all.push(
      c.profile ? await checkConnection(auth, c.profile, diagnostics, opts) : unusableConnection(c, diagnostics),
    );
  }
  if (name !== undefined && all.length === 0) {
    all.push({
      name,
      isDefault: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'connectionNotFound',
          connection: name,
          message: `Connection '${name}' cannot be found, known ones are ${knownNames(resolved.listed.map((c) => c.name))}.`,
          fix: `Check the name, or add it to ${resolved.directory}/connections.toml ('Snowflake: Add Connection').`,
        },
      ],
    });
  }
  const general = resolved.diagnostics.filter((d) => !d.connection);
  const problemCount =
    general.filter((d) => d.severity === 'error').length +
    all.reduce(
      (n, c) =>
        n +
        c.diagnostics.filter((d) => d.severity === 'error').length +
        (c.keyProblem ? 1 : 0) +
        (c.loginProblem ? 1 : 0),
      0,
    );
  return {
    directory: resolved.directory,
    directoryWhy: choice.why,
    files: resolved.files,
    defaultName: resolved.defaultName,
    environment: environmentNotes(host),
    general,
    connections: all,
    problemCount,
    offline: opts.skipLogin === true,
  };
}
