// resolveConnections: the connections the official Snowflake clients would see (PROTOCOLS §1), as a pure function of
// env, home directory, platform and a file system, with diagnostics saying what was used, what was not, and why.
// Linear in the number of connections and variables: the environment is indexed once, names are looked up in sets.
import { chooseDirectory, CONFIG_FILE, CONNECTIONS_FILE, pathApi } from './connectionDirectory';
import { genericEnvironmentParams, indexEnvironment, stringParam } from './connectionParams';
import { skipVariableDiagnostics } from './filePermissions';
import { listConnection, listingContext, withStatCache, type RawConnections } from './listConnection';
import { isTable, loadToml, parseToml, type LoadedToml } from './tomlFiles';
import type {
  ConnectionProfile,
  Diagnostic,
  HostEnvironment,
  ListedConnection,
  ResolvedConnections,
} from '../auth/types';

/** Token file SPCS mounts in every container (used by authenticator=oauth without a token). */
export const SPCS_TOKEN_FILE = '/snowflake/session/token';

/** A Workbench session points SNOWFLAKE_HOME at a directory whose path contains `posit-workbench` (§1.7). */
export function isWorkbenchDirectory(host: HostEnvironment, directory: string): boolean {
  const home = host.env.SNOWFLAKE_HOME;
  return !!home && /posit-workbench/i.test(home) && directory.includes('posit-workbench');
}

/**
 * SNOWFLAKE_DEFAULT_CONNECTION_NAME when set (even to ""), else config.toml's top-level default_connection_name,
 * else "default" (connector config_manager.py; test_configmanager.py test_defaultconnectionname).
 */
function defaultNameOf(host: HostEnvironment, config: LoadedToml): string {
  // default_connection_name inside [connections] is listed as a connection of that name, with what it does not do.
  const top = config.data?.default_connection_name;
  const fromEnv = host.env.SNOWFLAKE_DEFAULT_CONNECTION_NAME;
  if (fromEnv !== undefined) return fromEnv;
  return typeof top === 'string' ? top : 'default';
}

function rawConnections(
  host: HostEnvironment,
  directory: string,
  config: LoadedToml,
  conns: LoadedToml,
  diagnostics: Diagnostic[],
): RawConnections | undefined {
  const workbench = isWorkbenchDirectory(host, directory);
  const envToml = host.env.SNOWFLAKE_CONNECTIONS;
  // Set, even to "", it replaces the files: "" is a document without connections (connector: `if env_var is None`).
  if (envToml !== undefined) {
    const parsed = parseToml(envToml, 'SNOWFLAKE_CONNECTIONS');
    if (parsed.error) {
      diagnostics.push({ ...parsed.error, fix: 'Fix or unset the SNOWFLAKE_CONNECTIONS environment variable.' });
      return undefined;
    }
    if (conns.present || isTable(config.data?.connections)) {
      diagnostics.push({
        severity: 'info',
        message: 'SNOWFLAKE_CONNECTIONS is set, so it replaces every connection in the connection files.',
      });
    }
    return { entries: parsed.data ?? {}, source: 'environment', label: 'SNOWFLAKE_CONNECTIONS' };
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
    const source = workbench ? 'workbench' : 'connections.toml';
    return conns.data ? { entries: conns.data, source, label: conns.file, file: conns.file } : undefined;
  }
  const section = config.data?.connections;
  if (!isTable(section)) return undefined;
  const source = workbench ? 'workbench' : 'config.toml';
  return { entries: section, source, label: `[connections] of ${config.file}`, file: config.file };
}

/** When no file has connections but SNOWFLAKE_ACCOUNT is set (SPCS, CI), the generic variables make one. */
async function environmentConnection(host: HostEnvironment, defaultName: string): Promise<RawConnections | undefined> {
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
  return { entries: { [defaultName || 'default']: params }, source: 'environment', label: 'the environment' };
}

/** `['a', 'b']` as the connector prints the known names (a Python list). */
export function knownNames(names: readonly string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}

/** The connector's error for a missing default (config_manager.py _get_default_connection_params). */
function defaultNotFound(host: HostEnvironment, defaultName: string, names: readonly string[]): Diagnostic {
  const emptyOnPurpose = defaultName === '' && host.env.SNOWFLAKE_DEFAULT_CONNECTION_NAME === '';
  return {
    severity: emptyOnPurpose ? 'warning' : 'error',
    code: 'defaultNotFound',
    message: `Default connection with name '${defaultName}' cannot be found, known ones are ${knownNames(names)}.${emptyOnPurpose ? ' SNOWFLAKE_DEFAULT_CONNECTION_NAME is set to "", so there is no default connection.' : ''}`,
    fix:
      names.length > 0
        ? 'Set default_connection_name at the top of config.toml (or SNOWFLAKE_DEFAULT_CONNECTION_NAME) to one of them.'
        : `Add a [${defaultName || 'default'}] connection to connections.toml ('Snowflake: Add Connection'), or set SNOWFLAKE_DEFAULT_CONNECTION_NAME to the name of yours.`,
  };
}

function usable(listed: readonly ListedConnection[]): ConnectionProfile[] {
  const out: ConnectionProfile[] = [];
  for (let i = 0; i < listed.length; i++) {
    const profile = listed[i]!.profile;
    if (profile) out.push(profile);
  }
  return out;
}

/**
 * In a Workbench session the clients read only the Workbench-managed directory. People still keep their own
 * connections in ~/.snowflake (or the platform directory); those are shown after the Workbench ones, labelled by
 * their file, with a note that the Python connector in this session does not see them.
 */
async function withUserConnections(host: HostEnvironment, managed: ResolvedConnections): Promise<ResolvedConnections> {
  if (host.env.SNOWFLAKE_CONNECTIONS !== undefined) return managed;
  const userHost: HostEnvironment = {
    ...host,
    env: { ...host.env, SNOWFLAKE_HOME: undefined, SNOWFLAKE_DEFAULT_CONNECTION_NAME: undefined },
  };
  const own = await resolveConnections(userHost);
  const taken = new Set(managed.listed.map((c) => c.name.toLowerCase()));
  const fromFiles = own.listed.filter((c) => c.source !== 'environment');
  const added = fromFiles.filter((c) => !taken.has(c.name.toLowerCase()));
  const shadowed = fromFiles.filter((c) => taken.has(c.name.toLowerCase()));
  const ownFiles = new Set(own.files);
  const diagnostics: Diagnostic[] = [
    ...managed.diagnostics.filter((d) => !(d.file && ownFiles.has(d.file) && d.severity === 'info')),
    ...own.diagnostics.filter((d) => (d.severity !== 'info' || d.connection) && d.code !== 'defaultNotFound'),
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
  const relabel = (c: ListedConnection): ListedConnection => {
    const isDefault = c.name === managed.defaultName;
    return { ...c, isDefault, ...(c.profile ? { profile: { ...c.profile, isDefault } } : {}) };
  };
  const listed = [...managed.listed, ...added.map(relabel)];
  return {
    ...managed,
    connections: usable(listed),
    listed,
    files: [...managed.files, ...own.files],
    userDirectory: own.directory,
    diagnostics,
  };
}

function workbenchFirst(listed: ListedConnection[]): ListedConnection[] {
  let managed = 0;
  for (let i = 0; i < listed.length; i++) if (listed[i]!.source === 'workbench') managed++;
  if (managed === 0 || managed === listed.length) return listed;
  return [...listed.filter((c) => c.source === 'workbench'), ...listed.filter((c) => c.source !== 'workbench')];
}

export async function resolveConnections(host: HostEnvironment): Promise<ResolvedConnections> {
  const resolved = await resolveOneDirectory(withStatCache(host));
  return isWorkbenchDirectory(host, resolved.directory) ? withUserConnections(host, resolved) : resolved;
}

async function resolveOneDirectory(host: HostEnvironment): Promise<ResolvedConnections> {
  const p = pathApi(host);
  const choice = await chooseDirectory(host);
  const { directory } = choice;
  const config = await loadToml(host, p.join(directory, CONFIG_FILE), 'config file', { snowChecks: true });
  const conns = await loadToml(host, p.join(directory, CONNECTIONS_FILE), 'connections file', { snowChecks: true });
  const diagnostics: Diagnostic[] = [
    ...choice.problems,
    ...skipVariableDiagnostics(host.env),
    ...config.diagnostics,
    ...conns.diagnostics,
  ];
  const defaultName = defaultNameOf(host, config);
  let raw = rawConnections(host, directory, config, conns, diagnostics);
  let names = raw ? Object.keys(raw.entries) : [];
  if (
    names.length === 0 &&
    host.env.SNOWFLAKE_CONNECTIONS === undefined &&
    !diagnostics.some((d) => d.severity === 'error')
  ) {
    const fromEnv = await environmentConnection(host, defaultName);
    if (fromEnv) {
      const name = Object.keys(fromEnv.entries)[0]!;
      raw = fromEnv;
      names = [name];
      diagnostics.push({
        severity: 'info',
        connection: name,
        message: `No connection file in ${directory}; connection '${name}' is made from the SNOWFLAKE_* environment variables.`,
      });
    }
  }
  const ctx = listingContext(host, indexEnvironment(host.env, names), defaultName);
  const listed: ListedConnection[] = [];
  // Most connections list without waiting on a file: awaiting only the ones that must keeps 100k cheap.
  if (raw) {
    for (let i = 0; i < names.length; i++) {
      const one = listConnection(ctx, raw, names[i]!, diagnostics);
      listed.push(one instanceof Promise ? await one : one);
    }
  }
  if (!names.includes(defaultName)) diagnostics.push(defaultNotFound(host, defaultName, names));
  diagnostics.push(...choice.unused);
  // Workbench-managed connections first (one directory holds one source, so this keeps the files' order).
  const ordered = workbenchFirst(listed);
  return {
    connections: usable(ordered),
    listed: ordered,
    defaultName,
    directory,
    files: [config, conns].filter((f) => f.present).map((f) => f.file),
    diagnostics,
  };
}
