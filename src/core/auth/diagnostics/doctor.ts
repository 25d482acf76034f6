// runDoctor: for each connection, where it came from and why other files are not used, permissions, the key and its
// fingerprint, the account as the JWT carries it, the host, clock skew and a login test with the server's code explained.
import { isCancelled, toExtError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { jwtAccount } from '../../connections/account';
import { chooseDirectory } from '../../connections/connectionDirectory';
import { loginProbe } from './loginProbe';
import { clockSkewText, SnowflakeServerError } from '../serverFailure';
import type {
  AuthService,
  ConnectionProfile,
  Diagnostic,
  HostEnvironment,
  KeyInfo,
  ResolvedConnections,
} from '../types';

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
}

export interface DoctorOptions {
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Skip the login test (offline). */
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
  resolved: ResolvedConnections,
  opts: DoctorOptions,
): Promise<DoctorConnection> {
  const now = opts.now ?? Date.now;
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
    diagnostics: resolved.diagnostics.filter((d) => d.connection === profile.name),
  };
  let key: KeyInfo | undefined;
  let keyProblem: DoctorProblem | undefined;
  if (profile.authenticator === 'SNOWFLAKE_JWT') {
    try {
      key = await auth.describeKey(profile, { silent: true });
    } catch (err) {
      if (isCancelled(err)) throw err;
      keyProblem = problemOf(err);
    }
  }
  if (opts.skipLogin || keyProblem) return { ...base, ...(key ? { key } : {}), ...(keyProblem ? { keyProblem } : {}) };
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

/** Connections that the files name but that could not be built (their error diagnostics). */
function brokenConnections(resolved: ResolvedConnections): DoctorConnection[] {
  const good = new Set(resolved.connections.map((c) => c.name));
  const names = [
    ...new Set(
      resolved.diagnostics
        .filter((d) => d.connection && d.severity === 'error' && !good.has(d.connection))
        .map((d) => d.connection!),
    ),
  ];
  return names.map((name) => ({
    name,
    isDefault: name === resolved.defaultName,
    diagnostics: resolved.diagnostics.filter((d) => d.connection === name),
  }));
}

export async function runDoctor(
  host: HostEnvironment,
  auth: AuthService,
  name?: string,
  opts: DoctorOptions = {},
): Promise<DoctorReport> {
  const choice = await chooseDirectory(host);
  const resolved = await auth.connections();
  const profiles = resolved.connections.filter((c) => name === undefined || c.name === name);
  const checked: DoctorConnection[] = [];
  for (const profile of profiles) checked.push(await checkConnection(auth, profile, resolved, opts));
  const broken = brokenConnections(resolved).filter((c) => name === undefined || c.name === name);
  const all = [...checked, ...broken];
  if (name !== undefined && all.length === 0) {
    all.push({
      name,
      isDefault: false,
      diagnostics: [
        {
          severity: 'error',
          connection: name,
          message: `Connection '${name}' cannot be found, known ones are [${resolved.connections.map((c) => `'${c.name}'`).join(', ')}].`,
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
  };
}
