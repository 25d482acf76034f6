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
import type { ConnectionProblem, ConnectionSource, Diagnostic, HostEnvironment, ListedConnection } from '../auth/types';

export interface RawConnection {
  readonly name: string;
  /** A table for a real connection; any other value is listed with a problem, as the connector lists it. */
  readonly value: unknown;
  readonly source: ConnectionSource;
  readonly file?: string;
  /** Where the entry sits, for messages ("connections.toml", "[connections] of config.toml"). */
  readonly label: string;
}

export interface ListingContext {
  readonly host: HostEnvironment;
  readonly env: EnvironmentIndex;
  readonly defaultName: string;
  /** Paths as written → absolute, remembered for the resolution (many connections name one key file). */
  readonly paths: Map<string, string>;
}

export function problemOf(d: Diagnostic): ConnectionProblem {
  return { code: d.code ?? 'invalidConnection', message: d.message, fix: d.fix ?? '' };
}

/** A value where a [table] belongs (`stray = "x"`, or `default_connection_name` in connections.toml). */
function notATable(r: RawConnection): Diagnostic {
  const where = { connection: r.name, ...(r.file ? { file: r.file } : {}) };
  if (r.name === 'default_connection_name') {
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
    message: `'${r.name}' in ${r.label} is a plain value, not a [${r.name}] table: the Python connector lists it as a connection but cannot use it (snow connection list skips it).`,
    fix: `Write it as a table: [${r.name}] followed by account = "...", user = "..." lines, or remove the line.`,
  };
}

const REFERENCED_FILES = [
  ['private_key_file', 'private key', 'keyFileMissing'],
  ['token_file_path', 'token file', 'tokenFileMissing'],
] as const;

/** Existence and permissions of the files a connection points to (key, token). */
async function referencedFileDiagnostics(ctx: ListingContext, name: string, params: Params): Promise<Diagnostic[]> {
  const { host } = ctx;
  const out: Diagnostic[] = [];
  for (const [key, what, code] of REFERENCED_FILES) {
    const value = stringParam(params, key);
    if (!value) continue;
    let file = ctx.paths.get(value);
    if (file === undefined) ctx.paths.set(value, (file = userPath(host, value)));
    const st = await host.fs.stat(file);
    if (!st) {
      out.push({
        severity: 'error',
        code,
        connection: name,
        file,
        message: `Connection '${name}': the ${what} ${file} (${key}) does not exist.`,
        fix: `Fix ${key} in the connection, or create the file.`,
      });
      continue;
    }
    // Only connection and token files are refused when others can write them (as the Python connector does).
    const verdict = await checkFilePermissions(host, file, what, { writableIsError: key === 'token_file_path' });
    for (const d of verdict.diagnostics) out.push({ ...d, connection: name });
  }
  return out;
}

function keep(list: readonly Diagnostic[], diagnostics: Diagnostic[], errors: ConnectionProblem[]): void {
  for (const d of list) {
    diagnostics.push(d);
    if (d.severity === 'error') errors.push(problemOf(d));
  }
}

/** Lists one entry; its diagnostics are appended to `diagnostics` (the resolution's flat list). */
export async function listConnection(
  ctx: ListingContext,
  r: RawConnection,
  diagnostics: Diagnostic[],
): Promise<ListedConnection> {
  const base: { name: string; source: ConnectionSource; file?: string; isDefault: boolean } = {
    name: r.name,
    source: r.source,
    isDefault: r.name === ctx.defaultName,
  };
  if (r.file) base.file = r.file;
  if (!isTable(r.value)) {
    const d = notATable(r);
    diagnostics.push(d);
    return { ...base, params: {}, errors: [problemOf(d)] };
  }
  const normalised = normaliseTable(r.name, r.value, r.file);
  const params = applyEnvironment(r.name, normalised.params, ctx.env);
  const built = buildProfile({ ...base, params });
  const errors: ConnectionProblem[] = [];
  keep(normalised.diagnostics, diagnostics, errors);
  keep(unknownKeyDiagnostics(r.name, params, r.file), diagnostics, errors);
  keep(built.diagnostics, diagnostics, errors);
  if (params.private_key_file !== undefined || params.token_file_path !== undefined)
    keep(await referencedFileDiagnostics(ctx, r.name, params), diagnostics, errors);
  const listed: { -readonly [K in keyof ListedConnection]: ListedConnection[K] } = { ...base, params, errors };
  if (built.authenticator) listed.authenticator = built.authenticator;
  if (built.profile) listed.profile = built.profile;
  return listed;
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
