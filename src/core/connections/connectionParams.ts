// A connection's parameters as the official clients see them (PROTOCOLS §1.4–§1.5): keys lower snake case, aliases
// folded, SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> over the file, generic SNOWFLAKE_<KEY> filling what is missing.
import type { Diagnostic } from '../auth/types';

export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;

/** Keys the project reads (§1.5) plus the other parameters the Python connector accepts, so they are not called unknown. */
const KNOWN_KEYS = new Set([
  'account',
  'user',
  'host',
  'port',
  'protocol',
  'region',
  'role',
  'warehouse',
  'database',
  'schema',
  'authenticator',
  'private_key_file',
  'private_key_file_pwd',
  'private_key_passphrase',
  'private_key_raw',
  'token',
  'token_file_path',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_authorization_url',
  'oauth_token_request_url',
  'oauth_redirect_uri',
  'oauth_socket_uri',
  'oauth_scope',
  'oauth_enable_pkce',
  'oauth_enable_refresh_tokens',
  'oauth_enable_single_use_refresh_tokens',
  'password',
  'passcode',
  'passcode_in_password',
  'login_timeout',
  'network_timeout',
  'socket_timeout',
  'client_session_keep_alive',
  'client_session_keep_alive_heartbeat_frequency',
  'client_store_temporary_credential',
  'client_request_mfa_token',
  'client_prefetch_threads',
  'validate_default_parameters',
  'paramstyle',
  'timezone',
  'autocommit',
  'application',
  'ocsp_fail_open',
  'insecure_mode',
  'disable_ocsp_checks',
  'session_parameters',
  'proxy_host',
  'proxy_port',
  'proxy_user',
  'proxy_password',
  'workload_identity_provider',
  'workload_identity_entra_resource',
  'connection_name',
  'query_tag',
  'client_telemetry_enabled',
  'disable_request_pooling',
  'internal_application_name',
  'internal_application_version',
  'log_imported_packages_in_telemetry',
  'max_connection_pool',
  // Further parameters of the Snowflake CLI's ConnectionConfig (snowflake-cli src/snowflake/cli/api/config.py) and
  // of the connector's DEFAULT_CONFIGURATION (connection.py).
  'session_token',
  'master_token',
  'secondary_roles',
  'server_session_keep_alive',
  'oauth_disable_pkce',
  'workload_identity_impersonation_path',
  'workload_identity_aws_use_outbound_token',
]);

/**
 * Keys the generic SNOWFLAKE_<KEY> variables may fill when the connection lacks them: the Snowflake CLI's
 * SUPPORTED_ENV_OVERRIDES (snowflake-cli src/snowflake/cli/_app/snow_connector.py; cases in tests/test_connection.py
 * test_connection_details_are_resolved_using_environment_variables and test_source_precedence).
 */
const GENERIC_ENV_KEYS = [
  'account',
  'user',
  'password',
  'host',
  'port',
  'protocol',
  'authenticator',
  'workload_identity_provider',
  'private_key_file',
  'private_key_path',
  'private_key_raw',
  'database',
  'schema',
  'role',
  'warehouse',
  'session_token',
  'master_token',
  'token',
  'token_file_path',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_authorization_url',
  'oauth_token_request_url',
  'oauth_redirect_uri',
  'oauth_scope',
  'oauth_disable_pkce',
  'oauth_enable_refresh_tokens',
  'oauth_enable_single_use_refresh_tokens',
  'client_store_temporary_credential',
  'secondary_roles',
  'server_session_keep_alive',
];

/** Spellings read as another key: the connector's alias, and the Snowflake CLI's legacy misspelling (config.py). */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['private_key_path', 'private_key_file'],
  ['oatuh_enable_pkce', 'oauth_enable_pkce'],
]);

/**
 * Lower-cases keys, keeps scalars, folds aliases. Tables and arrays are reported (warnings appended to `out`) and
 * left out.
 */
export function normaliseTable(
  name: string,
  table: Record<string, unknown>,
  file: string | undefined,
  out: Diagnostic[],
): Params {
  const params: Params = {};
  let aliased: [string, string, ParamValue][] | undefined;
  // TOML tables are dictionaries (null prototype): for-in would look each key up again to filter it.
  const keys = Object.keys(table);
  for (let i = 0; i < keys.length; i++) {
    const rawKey = keys[i]!;
    const value = table[rawKey];
    // Known keys are lower case and no alias: the usual key needs neither a case fold nor an alias lookup.
    const known = KNOWN_KEYS.has(rawKey);
    const lower = known ? rawKey : rawKey.toLowerCase();
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      if (lower !== 'session_parameters') {
        out.push({
          severity: 'warning',
          ...where(name, file),
          message: `Connection '${name}': '${rawKey}' is not a plain value, so it is ignored.`,
        });
      }
      continue;
    }
    const canonical = known ? undefined : ALIASES.get(lower);
    if (canonical) (aliased ??= []).push([lower, canonical, value]);
    else params[lower] = value;
  }
  // Aliases only fill in: when both spellings are set, the canonical key wins, as in the Snowflake CLI.
  for (const [alias, canonical, value] of aliased ?? []) {
    if (canonical in params) {
      out.push({
        severity: 'warning',
        ...where(name, file),
        message: `Connection '${name}': both ${canonical} and its alias ${alias} are set; ${canonical} is used.`,
      });
    } else {
      params[canonical] = value;
    }
  }
  return params;
}

function where(name: string, file: string | undefined): { connection: string; file?: string } {
  return file ? { connection: name, file } : { connection: name };
}

const OVERRIDE_PREFIX = 'SNOWFLAKE_CONNECTIONS_';
/** A connection name a variable can target. */
const ASCII_NAME = /^[A-Za-z0-9_]+$/;
/** What such a name is in upper case. */
const UPPER_NAME = /^[A-Z0-9_]+$/;

/**
 * The environment read once for all connections, so resolution stays linear in connections and variables:
 * SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> grouped by connection, and the generic SNOWFLAKE_<KEY> values.
 */
export interface EnvironmentIndex {
  readonly overrides: ReadonlyMap<string, Params>;
  readonly generic: Params;
}

/**
 * A variable targets the connection whose upper-cased name is the longest prefix followed by `_` (MY_CONN_ACCOUNT
 * goes to "my_conn", not to "my" as key conn_account); names that cannot be written in a variable name (a `-`)
 * cannot be targeted. Several connections whose names differ only in case share a variable, as in the CLI.
 */
export function indexEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  names: Iterable<string>,
): EnvironmentIndex {
  // The variables first (few): every prefix one of them could target. Then one lookup per connection name, and
  // none at all when no such variable is set.
  const variables: [rest: string, value: string][] = [];
  const targets = new Map<string, string[]>();
  for (const variable of Object.keys(env)) {
    const value = env[variable];
    if (value === undefined || !variable.startsWith(OVERRIDE_PREFIX)) continue;
    const rest = variable.slice(OVERRIDE_PREFIX.length);
    variables.push([rest, value]);
    for (let i = rest.lastIndexOf('_'); i > 0; i = rest.lastIndexOf('_', i - 1)) {
      if (i !== rest.length - 1) targets.set(rest.slice(0, i), []);
    }
  }
  if (targets.size > 0) {
    // Only names of letters, digits and '_' can be targeted, and their upper case is an ASCII prefix: looking the
    // lower-case name up among lower-cased prefixes finds the same ones without an upper-case copy of every name.
    const byLower = new Map<string, string[]>();
    for (const [prefix, list] of targets) if (UPPER_NAME.test(prefix)) byLower.set(prefix.toLowerCase(), list);
    for (const name of names) {
      const list = byLower.get(name.toLowerCase());
      if (list && ASCII_NAME.test(name) && !list.includes(name)) list.push(name);
    }
  }
  const overrides = new Map<string, Params>();
  for (const [rest, value] of variables) {
    for (let i = rest.lastIndexOf('_'); i > 0; i = rest.lastIndexOf('_', i - 1)) {
      const named = targets.get(rest.slice(0, i));
      if (!named || named.length === 0 || i === rest.length - 1) continue;
      const rawKey = rest.slice(i + 1).toLowerCase();
      const key = ALIASES.get(rawKey) ?? rawKey;
      for (const name of named) {
        const params = overrides.get(name) ?? {};
        params[key] = value;
        overrides.set(name, params);
      }
      break;
    }
  }
  const generic: Params = {};
  for (const rawKey of GENERIC_ENV_KEYS) {
    // The CLI fills only from non-empty generic variables (`if ... and generic_env_value`).
    const value = env[`SNOWFLAKE_${rawKey.toUpperCase()}`];
    if (value === undefined || value === '') continue;
    const key = ALIASES.get(rawKey) ?? rawKey;
    if (!(key in generic)) generic[key] = value;
  }
  return { overrides, generic };
}

/** SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> over the file's values, then generic SNOWFLAKE_<KEY> where a key is missing. */
export function applyEnvironment(name: string, params: Params, index: EnvironmentIndex): Params {
  const own = index.overrides.get(name);
  let out = params;
  if (own) out = { ...params, ...own };
  for (const key in index.generic) {
    if (key in out) continue;
    if (out === params) out = { ...params };
    out[key] = index.generic[key]!;
  }
  return out;
}

/** Generic SNOWFLAKE_<KEY> variables that are set (for a connection made from the environment alone). */
export function genericEnvironmentParams(env: Readonly<Record<string, string | undefined>>): Params {
  return { ...indexEnvironment(env, []).generic };
}

/** Warnings for keys no client knows, appended to `out`. */
export function unknownKeyDiagnostics(name: string, params: Params, file: string | undefined, out: Diagnostic[]): void {
  for (const k in params) {
    if (KNOWN_KEYS.has(k)) continue;
    const message = `Connection '${name}': unknown key '${k}' is ignored.`;
    const fix = `Check its spelling${file ? ` in ${file}` : ''}; keys are lower snake case, e.g. private_key_file, token_file_path.`;
    // One literal per shape: a spread in the middle would make each warning an object of its own hidden class.
    out.push(
      file
        ? { severity: 'warning', connection: name, file, message, fix }
        : { severity: 'warning', connection: name, message, fix },
    );
  }
}

export function stringParam(params: Params, key: string): string | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? v.trim() : String(v).trim();
  return s === '' ? undefined : s;
}
