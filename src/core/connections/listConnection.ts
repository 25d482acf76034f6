// One defined connection as the clients list it: its parameters (aliases folded, environment applied), the sign-in
// method, its profile when usable, and every problem as diagnostics with a code and a fix. Never drops an entry:
// the Python connector and `snow connection list` list every table; only using a broken one fails.
import { userPath } from './connectionDirectory';
import {
  applyEnvironment,
  normaliseTable,
  stringParam,
  unknownKeyDiagnostics,
  type EnvironmentIndex,
  type Params,
} from './connectionParams';
import { buildProfile } from './connectionProfile';
import { checkFilePermissions } from './filePermissions';
import { isTable } from './tomlFiles';
import type {
  Authenticator,
  ConnectionProblem,
  ConnectionProfile,
  ConnectionSource,
  Diagnostic,
  HostEnvironment,
  ListedConnection,
} from '../auth/types';

/** The document the connections come from: every top-level entry is a connection, as the connector sees it. */
export interface RawConnections {
  /** Name → a table for a real connection; any other value is listed with a problem, as the connector lists it. */
  readonly entries: Readonly<Record<string, unknown>>;
  readonly source: ConnectionSource;
  readonly file?: string;
  /** Where the entries sit, for messages ("connections.toml", "[connections] of config.toml"). */
  readonly label: string;
}

export interface ListingContext {
  readonly host: HostEnvironment;
  readonly env: EnvironmentIndex;
  readonly defaultName: string;
  /** Paths as written → absolute, remembered for the resolution (many connections name one key file). */
  readonly paths: Map<string, string>;
  /** Base URLs by account, so connections of one account share one string. */
  readonly baseUrls: Map<string, string>;
  /** What each referenced file was found to be, per entry of REFERENCED_FILES, remembered for the resolution. */
  readonly files: readonly Map<string, FileVerdict | Promise<FileVerdict>>[];
}

/** A referenced file is missing, or these are its permission problems (for any connection naming it). */
type FileVerdict = 'missing' | readonly Diagnostic[];

export function listingContext(host: HostEnvironment, env: EnvironmentIndex, defaultName: string): ListingContext {
  return {
    host,
    env,
    defaultName,
    paths: new Map(),
    baseUrls: new Map(),
    files: REFERENCED_FILES.map(() => new Map()),
  };
}

export function problemOf(d: Diagnostic): ConnectionProblem {
  return { code: d.code ?? 'invalidConnection', message: d.message, fix: d.fix ?? '' };
}

/** A value where a [table] belongs (`stray = "x"`, or `default_connection_name` in connections.toml). */
function notATable(r: RawConnections, name: string): Diagnostic {
  const where = { connection: name, ...(r.file ? { file: r.file } : {}) };
  if (name === 'default_connection_name') {
    return {
      severity: 'error',
      code: 'defaultNameInConnections',
      ...where,
      message: `default_connection_name in ${r.label} does nothing as a setting: the Python connector reads it as a connection named 'default_connection_name' (and fails to use it).`,
      fix: 'Move default_connection_name to the top of config.toml, or set SNOWFLAKE_DEFAULT_CONNECTION_NAME.',
    };
  }
  return {
    severity: 'error',
    code: 'notATable',
    ...where,
    message: `'${name}' in ${r.label} is a plain value, not a [${name}] table: the Python connector lists it as a connection but cannot use it (snow connection list skips it).`,
    fix: `Write it as a table: [${name}] followed by account = "...", user = "..." lines, or remove the line.`,
  };
}

const REFERENCED_FILES = [
  ['private_key_file', 'private key', 'keyFileMissing'],
  ['token_file_path', 'token file', 'tokenFileMissing'],
] as const;

async function checkReferencedFile(ctx: ListingContext, index: number, file: string): Promise<FileVerdict> {
  const { host } = ctx;
  const [key, what] = REFERENCED_FILES[index]!;
  if (!(await host.fs.stat(file))) return 'missing';
  // Only connection and token files are refused when others can write them (as the Python connector does).
  return (await checkFilePermissions(host, file, what, { writableIsError: key === 'token_file_path' })).diagnostics;
}

function fileVerdict(ctx: ListingContext, index: number, file: string): FileVerdict | Promise<FileVerdict> {
  const known = ctx.files[index]!;
  const verdict = known.get(file);
  return verdict === undefined ? firstVerdict(ctx, index, file) : verdict;
}

/** The check of a file not seen yet, remembered; apart, so fileVerdict's calls allocate no closure context. */
function firstVerdict(ctx: ListingContext, index: number, file: string): Promise<FileVerdict> {
  const known = ctx.files[index]!;
  const verdict = checkReferencedFile(ctx, index, file).then((v) => {
    known.set(file, v);
    return v;
  });
  known.set(file, verdict);
  return verdict;
}

/**
 * A file's diagnostic as one connection's. The permission checks' shape is copied field by field (in V8 a spread copy
 * gets a hidden class of its own each time); any other shape is spread.
 */
function forConnection(d: Diagnostic, connection: string): Diagnostic {
  const { severity, code, file, message, fix } = d;
  if (code === undefined || file === undefined || fix === undefined || Object.keys(d).length !== 5)
    return { ...d, connection };
  return { severity, code, file, message, fix, connection };
}

function reportFile(index: number, name: string, file: string, verdict: FileVerdict, out: Diagnostic[]): void {
  if (verdict !== 'missing') {
    for (const d of verdict) out.push(forConnection(d, name));
    return;
  }
  const [key, what, code] = REFERENCED_FILES[index]!;
  out.push({
    severity: 'error',
    code,
    connection: name,
    file,
    message: `Connection '${name}': the ${what} ${file} (${key}) does not exist.`,
    fix: `Fix ${key} in the connection, or create the file.`,
  });
}

/**
 * Existence and permissions of the files a connection points to (key, token), appended to `out`. Answers from the
 * resolution's memory without waiting when every file was seen before (many connections share one key file).
 */
function referencedFileDiagnostics(
  ctx: ListingContext,
  name: string,
  params: Params,
  out: Diagnostic[],
): void | Promise<void> {
  const checks: [index: number, file: string, verdict: FileVerdict | Promise<FileVerdict>][] = [];
  let waiting = false;
  for (let index = 0; index < REFERENCED_FILES.length; index++) {
    const value = stringParam(params, REFERENCED_FILES[index]![0]);
    if (!value) continue;
    let file = ctx.paths.get(value);
    if (file === undefined) ctx.paths.set(value, (file = userPath(ctx.host, value)));
    const verdict = fileVerdict(ctx, index, file);
    waiting ||= verdict instanceof Promise;
    checks.push([index, file, verdict]);
  }
  if (!waiting) {
    for (const [index, file, verdict] of checks) reportFile(index, name, file, verdict as FileVerdict, out);
    return undefined;
  }
  return reportFilesAfter(checks, name, out);
}

/** Apart from referencedFileDiagnostics, so that its calls that need not wait allocate no closure context. */
async function reportFilesAfter(
  checks: readonly [index: number, file: string, verdict: FileVerdict | Promise<FileVerdict>][],
  name: string,
  out: Diagnostic[],
): Promise<void> {
  for (const [index, file, verdict] of checks) reportFile(index, name, file, await verdict, out);
}

/** Shared by every connection without errors: most have none, and 100,000 empty arrays are garbage to collect. */
const NO_ERRORS: readonly ConnectionProblem[] = Object.freeze([]);

type Listed = { -readonly [K in keyof ListedConnection]: ListedConnection[K] };

/**
 * Lists entry `name` of `r`; its diagnostics are appended to `diagnostics` (the resolution's flat list). Synchronous
 * unless a file it names has not been looked at yet in this resolution: the caller awaits only then.
 */
export function listConnection(
  ctx: ListingContext,
  r: RawConnections,
  name: string,
  diagnostics: Diagnostic[],
): ListedConnection | Promise<ListedConnection> {
  const { source, file } = r;
  const value = r.entries[name];
  const isDefault = name === ctx.defaultName;
  if (!isTable(value)) {
    const d = notATable(r, name);
    diagnostics.push(d);
    const errors = [problemOf(d)];
    return file
      ? { name, source, isDefault, file, params: {}, errors }
      : { name, source, isDefault, params: {}, errors };
  }
  const first = diagnostics.length;
  const params = applyEnvironment(name, normaliseTable(name, value, file, diagnostics), ctx.env);
  unknownKeyDiagnostics(name, params, file, diagnostics);
  const { authenticator, profile } = buildProfile(
    { name, source, file, isDefault, params, baseUrls: ctx.baseUrls },
    diagnostics,
  );
  const pending =
    params.private_key_file === undefined && params.token_file_path === undefined
      ? undefined
      : referencedFileDiagnostics(ctx, name, params, diagnostics);
  if (!pending) return listed(name, source, isDefault, file, params, authenticator, profile, diagnostics, first);
  return listedAfter(pending, name, source, isDefault, file, params, authenticator, profile, diagnostics, first);
}

/**
 * Kept out of listConnection: a closure there would make V8 allocate a context for its variables on every call,
 * also for the connections that never wait.
 */
async function listedAfter(pending: Promise<void>, ...args: Parameters<typeof listed>): Promise<ListedConnection> {
  await pending;
  return listed(...args);
}

/** The connection, its errors being the error diagnostics it added to the flat list (from `first` on). */
function listed(
  name: string,
  source: ConnectionSource,
  isDefault: boolean,
  file: string | undefined,
  params: Params,
  authenticator: Authenticator | undefined,
  profile: ConnectionProfile | undefined,
  diagnostics: readonly Diagnostic[],
  first: number,
): ListedConnection {
  let found: ConnectionProblem[] | undefined;
  for (let i = first; i < diagnostics.length; i++) {
    const d = diagnostics[i]!;
    if (d.severity === 'error') (found ??= []).push(problemOf(d));
  }
  const errors = found ?? NO_ERRORS;
  // The usual connection in one literal (no hidden-class changes); the rest gains its fields one by one.
  if (file && authenticator && profile)
    return { name, source, isDefault, file, params, errors, authenticator, profile };
  const out: Listed = file
    ? { name, source, isDefault, file, params, errors }
    : { name, source, isDefault, params, errors };
  if (authenticator) out.authenticator = authenticator;
  if (profile) out.profile = profile;
  return out;
}

/** The host with stat answers remembered for one resolution (many connections share one key file). */
export function withStatCache(host: HostEnvironment): HostEnvironment {
  const seen = new Map<string, ReturnType<HostEnvironment['fs']['stat']>>();
  const fs = host.fs;
  return {
    ...host,
    fs: {
      readFile: (p) => fs.readFile(p),
      stat: (p) => {
        let hit = seen.get(p);
        if (!hit) seen.set(p, (hit = fs.stat(p)));
        return hit;
      },
      ...(fs.statError ? { statError: (p: string) => fs.statError!(p) } : {}),
    },
  };
}
