// resolveConnections: the connections the official Snowflake clients would see (PROTOCOLS §1), as a pure function of
// env, home directory, platform and a file system, with diagnostics saying what was used, what was not, and why.
import { chooseDirectory, CONFIG_FILE, CONNECTIONS_FILE, pathApi, userPath } from './connectionDirectory';
import {
  applyEnvironment,
  genericEnvironmentParams,
  normaliseTable,
  stringParam,
  unknownKeyDiagnostics,
  type Params,
} from './connectionParams';
import { buildProfile } from './connectionProfile';
import { checkFilePermissions } from './filePermissions';
import { isTable, loadToml, parseToml, type LoadedToml, type TomlTable } from './tomlFiles';
import type {
  ConnectionProfile,
  ConnectionSource,
  Diagnostic,
  HostEnvironment,
  ResolvedConnections,
} from '../auth/types';

/** Token file SPCS mounts in every container (used by authenticator=oauth without a token). */
export const SPCS_TOKEN_FILE = '/snowflake/session/token';

interface RawConnection {
  readonly name: string;
  readonly table: TomlTable;
  readonly source: ConnectionSource;
  readonly file?: string;
}

/** A Workbench session points SNOWFLAKE_HOME at a directory whose path contains `posit-workbench` (§1.7). */
export function isWorkbenchDirectory(host: HostEnvironment, directory: string): boolean {
  const home = host.env.SNOWFLAKE_HOME;
  return !!home && /posit-workbench/i.test(home) && directory.includes('posit-workbench');
}

function defaultNameOf(host: HostEnvironment, config: LoadedToml, diagnostics: Diagnostic[]): string {
  const top = config.data?.default_connection_name;
  const inside = isTable(config.data?.connections) ? config.data.connections.default_connection_name : undefined;
  if (typeof inside === 'string') {
    diagnostics.push({
      severity: 'warning',
      file: config.file,
      message: `default_connection_name = "${inside}" is inside [connections] in ${config.file}, where it does nothing.`,
      fix: `Move default_connection_name above the first [table] of ${config.file}.`,
    });
  }
  const fromEnv = host.env.SNOWFLAKE_DEFAULT_CONNECTION_NAME?.trim();
  if (fromEnv) return fromEnv;
  return typeof top === 'string' && top.trim() ? top.trim() : 'default';
}

/** Top-level tables of a document are connections; anything else is reported. */
function tablesOf(
  doc: TomlTable,
  source: ConnectionSource,
  label: string,
  file: string | undefined,
  diagnostics: Diagnostic[],
): RawConnection[] {
  const out: RawConnection[] = [];
  for (const [name, value] of Object.entries(doc)) {
    if (isTable(value)) {
      out.push({ name, table: value, source, ...(file ? { file } : {}) });
    } else if (name === 'default_connection_name') {
      diagnostics.push({
        severity: 'warning',
        ...(file ? { file } : {}),
        message: `default_connection_name in ${label} does nothing.`,
        fix: 'Put default_connection_name at the top of config.toml, or set SNOWFLAKE_DEFAULT_CONNECTION_NAME.',
      });
    } else {
      diagnostics.push({
        severity: 'warning',
        ...(file ? { file } : {}),
        message: `'${name}' at the top of ${label} is not a [connection] table, so it is ignored.`,
      });
    }
  }
  return out;
}

function rawConnections(
  host: HostEnvironment,
  directory: string,
  config: LoadedToml,
  conns: LoadedToml,
  diagnostics: Diagnostic[],
): RawConnection[] {
  const workbench = isWorkbenchDirectory(host, directory);
  const envToml = host.env.SNOWFLAKE_CONNECTIONS;
  if (envToml && envToml.trim()) {
    const parsed = parseToml(envToml, 'SNOWFLAKE_CONNECTIONS');
    if (parsed.error) {
      diagnostics.push({ ...parsed.error, fix: 'Fix or unset the SNOWFLAKE_CONNECTIONS environment variable.' });
      return [];
    }
    if (conns.present || isTable(config.data?.connections)) {
      diagnostics.push({
        severity: 'info',
        message: 'SNOWFLAKE_CONNECTIONS is set, so it replaces every connection in the connection files.',
      });
    }
    return tablesOf(parsed.data ?? {}, 'environment', 'SNOWFLAKE_CONNECTIONS', undefined, diagnostics);
  }
  if (conns.present) {
    if (isTable(config.data?.connections) && Object.values(config.data.connections).some(isTable)) {
      diagnostics.push({
        severity: 'info',
        file: config.file,
        message: `The [connections] of ${config.file} are not used because ${conns.file} exists and replaces them.`,
        fix: `Move them into ${conns.file}.`,
      });
    }
    return conns.data
      ? tablesOf(conns.data, workbench ? 'workbench' : 'connections.toml', conns.file, conns.file, diagnostics)
      : [];
  }
  const section = config.data?.connections;
  if (!isTable(section)) return [];
  const tables = Object.fromEntries(Object.entries(section).filter(([k]) => k !== 'default_connection_name'));
  return tablesOf(
    tables,
    workbench ? 'workbench' : 'config.toml',
    `[connections] of ${config.file}`,
    config.file,
    diagnostics,
  );
}

/** When no file has connections but SNOWFLAKE_ACCOUNT is set (SPCS, CI), the generic variables make one. */
async function environmentConnection(host: HostEnvironment, defaultName: string): Promise<RawConnection | undefined> {
  const params = genericEnvironmentParams(host.env);
  if (!stringParam(params, 'account') && !stringParam(params, 'host')) return undefined;
  const hasCredential = ['authenticator', 'token', 'token_file_path', 'private_key_file', 'private_key_raw'].some((k) =>
    stringParam(params, k),
  );
  if (!hasCredential) {
    // SNOWFLAKE_ACCOUNT alone (a Workbench session before its file is written) is not a connection; inside SPCS it is.
    if (!(await host.fs.stat(SPCS_TOKEN_FILE))?.isFile()) return undefined;
    params.authenticator = 'oauth';
  }
  return { name: defaultName, table: params, source: 'environment' };
}

/** Existence and permissions of the files a connection points to (key, token). */
async function referencedFileDiagnostics(host: HostEnvironment, name: string, params: Params): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const [key, what] of [
    ['private_key_file', 'private key'],
    ['token_file_path', 'token file'],
  ] as const) {
    const value = stringParam(params, key);
    if (!value) continue;
    const file = userPath(host, value);
    const st = await host.fs.stat(file);
    if (!st) {
      out.push({
        severity: 'error',
        connection: name,
        file,
        message: `Connection '${name}': the ${what} ${file} (${key}) does not exist.`,
        fix: `Fix ${key} in the connection, or create the file.`,
      });
      continue;
    }
    // Only connection and token files are refused when others can write them (as the Python connector does).
    const verdict = await checkFilePermissions(host, file, what, { writableIsError: key === 'token_file_path' });
    out.push(...verdict.diagnostics.map((d) => ({ ...d, connection: name })));
  }
  return out;
}

function orderConnections(list: ConnectionProfile[]): ConnectionProfile[] {
  return [...list.filter((c) => c.source === 'workbench'), ...list.filter((c) => c.source !== 'workbench')];
}

/**
 * In a Workbench session the clients read only the Workbench-managed directory. People still keep their own
 * connections in ~/.snowflake (or the platform directory); those are shown after the Workbench ones, labelled by
 * their file, with a note that the Python connector in this session does not see them.
 */
async function withUserConnections(host: HostEnvironment, managed: ResolvedConnections): Promise<ResolvedConnections> {
  if (host.env.SNOWFLAKE_CONNECTIONS?.trim()) return managed;
  const userHost: HostEnvironment = {
    ...host,
    env: { ...host.env, SNOWFLAKE_HOME: undefined, SNOWFLAKE_DEFAULT_CONNECTION_NAME: undefined },
  };
  const own = await resolveConnections(userHost);
  const taken = new Set(managed.connections.map((c) => c.name.toLowerCase()));
  const added = own.connections.filter((c) => c.source !== 'environment' && !taken.has(c.name.toLowerCase()));
  const shadowed = own.connections.filter((c) => c.source !== 'environment' && taken.has(c.name.toLowerCase()));
  const diagnostics: Diagnostic[] = [
    ...managed.diagnostics.filter((d) => !(d.file && own.files.includes(d.file) && d.severity === 'info')),
    ...own.diagnostics.filter((d) => d.severity !== 'info' || d.connection),
    ...shadowed.map((c) => ({
      severity: 'warning' as const,
      connection: c.name,
      file: c.file,
      message: `Connection '${c.name}' in ${c.file} has the name of a Posit Workbench-managed connection, which wins.`,
      fix: `Rename [${c.name}] in ${c.file}.`,
    })),
  ];
  if (added.length > 0) {
    diagnostics.push({
      severity: 'info',
      message: `Posit Workbench manages SNOWFLAKE_HOME (${managed.directory}) in this session. Your own connections in ${own.directory} are listed too, but snowflake-connector-python and the Snowflake CLI started in this session see only the Workbench-managed ones.`,
      fix: `To use one of yours from Python here, pass connection_name and set SNOWFLAKE_HOME=${own.directory} for that process.`,
    });
  }
  return {
    ...managed,
    connections: [...managed.connections, ...added.map((c) => ({ ...c, isDefault: c.name === managed.defaultName }))],
    files: [...managed.files, ...own.files],
    userDirectory: own.directory,
    diagnostics,
  };
}

export async function resolveConnections(host: HostEnvironment): Promise<ResolvedConnections> {
  const resolved = await resolveOneDirectory(host);
  return isWorkbenchDirectory(host, resolved.directory) ? withUserConnections(host, resolved) : resolved;
}

async function resolveOneDirectory(host: HostEnvironment): Promise<ResolvedConnections> {
  const p = pathApi(host);
  const choice = await chooseDirectory(host);
  const { directory } = choice;
  const config = await loadToml(host, p.join(directory, CONFIG_FILE), 'config file');
  const conns = await loadToml(host, p.join(directory, CONNECTIONS_FILE), 'connections file');
  const diagnostics: Diagnostic[] = [...config.diagnostics, ...conns.diagnostics];
  const defaultName = defaultNameOf(host, config, diagnostics);
  const raw = rawConnections(host, directory, config, conns, diagnostics);
  if (raw.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    const fromEnv = await environmentConnection(host, defaultName);
    if (fromEnv) {
      raw.push(fromEnv);
      diagnostics.push({
        severity: 'info',
        connection: fromEnv.name,
        message: `No connection file in ${directory}; connection '${fromEnv.name}' is made from the SNOWFLAKE_* environment variables.`,
      });
    }
  }
  const names = raw.map((r) => r.name);
  const connections: ConnectionProfile[] = [];
  for (const r of raw) {
    const normalised = normaliseTable(r.name, r.table, r.file);
    const params = applyEnvironment(r.name, normalised.params, host.env, names);
    diagnostics.push(...normalised.diagnostics, ...unknownKeyDiagnostics(r.name, params, r.file));
    const built = buildProfile({
      name: r.name,
      source: r.source,
      ...(r.file ? { file: r.file } : {}),
      params,
      isDefault: r.name === defaultName,
    });
    diagnostics.push(...built.diagnostics, ...(await referencedFileDiagnostics(host, r.name, params)));
    if (built.profile) connections.push(built.profile);
  }
  if (names.length > 0 && !names.includes(defaultName)) {
    diagnostics.push({
      severity: 'warning',
      message: `Default connection with name '${defaultName}' cannot be found, known ones are [${names.map((n) => `'${n}'`).join(', ')}].`,
      fix: 'Set default_connection_name at the top of config.toml (or SNOWFLAKE_DEFAULT_CONNECTION_NAME) to one of them.',
    });
  }
  diagnostics.push(...choice.unused);
  return {
    connections: orderConnections(connections),
    defaultName,
    directory,
    files: [config, conns].filter((f) => f.present).map((f) => f.file),
    diagnostics,
  };
}
