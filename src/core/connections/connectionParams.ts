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
]);

/** Keys the generic SNOWFLAKE_<KEY> variables may fill (Snowflake CLI). */
const GENERIC_ENV_KEYS = [
  'account',
  'user',
  'host',
  'port',
  'protocol',
  'authenticator',
  'private_key_file',
  'private_key_path',
  'private_key_raw',
  'database',
  'schema',
  'role',
  'warehouse',
  'token',
  'token_file_path',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_authorization_url',
  'oauth_token_request_url',
  'oauth_redirect_uri',
  'oauth_scope',
];

/** Parameters whose value is a secret: never shown, never logged. */
export const SECRET_KEYS = new Set([
  'token',
  'password',
  'passcode',
  'private_key_file_pwd',
  'private_key_passphrase',
  'oauth_client_secret',
  'private_key_raw',
  'proxy_password',
]);

const ALIASES: Readonly<Record<string, string>> = { private_key_path: 'private_key_file' };

export interface NormalisedParams {
  readonly params: Params;
  readonly diagnostics: Diagnostic[];
}

/** Lower-cases keys, keeps scalars, folds aliases. Tables and arrays are reported and left out. */
export function normaliseTable(
  name: string,
  table: Record<string, unknown>,
  file: string | undefined,
): NormalisedParams {
  const params: Params = {};
  const diagnostics: Diagnostic[] = [];
  const where = { connection: name, ...(file ? { file } : {}) };
  const aliased: [string, string, ParamValue][] = [];
  for (const [rawKey, value] of Object.entries(table)) {
    const lower = rawKey.toLowerCase();
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      if (lower !== 'session_parameters') {
        diagnostics.push({
          severity: 'warning',
          ...where,
          message: `Connection '${name}': '${rawKey}' is not a plain value, so it is ignored.`,
        });
      }
      continue;
    }
    const canonical = ALIASES[lower];
    if (canonical) aliased.push([lower, canonical, value]);
    else params[lower] = value;
  }
  // Aliases only fill in: when both spellings are set, the canonical key wins, as in the Snowflake CLI.
  for (const [alias, canonical, value] of aliased) {
    if (canonical in params) {
      diagnostics.push({
        severity: 'warning',
        ...where,
        message: `Connection '${name}': both ${canonical} and its alias ${alias} are set; ${canonical} is used.`,
      });
    } else {
      params[canonical] = value;
    }
  }
  return { params, diagnostics };
}

/** The env prefix that targets a connection; undefined when its name cannot be written in a variable name. */
function envPrefixOf(name: string): string | undefined {
  return /^[A-Za-z0-9_]+$/.test(name) ? `SNOWFLAKE_CONNECTIONS_${name.toUpperCase()}_` : undefined;
}

/**
 * Applies SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> (highest) and generic SNOWFLAKE_<KEY> (only where the connection has no
 * value). `allNames` decides ambiguous prefixes (MY_CONN_ACCOUNT targets "my_conn", not "my" with key conn_account).
 */
export function applyEnvironment(
  name: string,
  params: Params,
  env: Readonly<Record<string, string | undefined>>,
  allNames: readonly string[],
): Params {
  const out: Params = { ...params };
  const prefix = envPrefixOf(name);
  if (prefix) {
    const longer = allNames
      .filter((n) => n !== name)
      .map(envPrefixOf)
      .filter((p): p is string => p !== undefined && p.length > prefix.length && p.startsWith(prefix));
    for (const [variable, value] of Object.entries(env)) {
      if (value === undefined || !variable.startsWith(prefix) || longer.some((p) => variable.startsWith(p))) continue;
      const rawKey = variable.slice(prefix.length).toLowerCase();
      if (!rawKey) continue;
      const key = ALIASES[rawKey] ?? rawKey;
      out[key] = value;
    }
  }
  for (const rawKey of GENERIC_ENV_KEYS) {
    const value = env[`SNOWFLAKE_${rawKey.toUpperCase()}`];
    if (value === undefined || value === '') continue;
    const key = ALIASES[rawKey] ?? rawKey;
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** Generic SNOWFLAKE_<KEY> variables that are set (for a connection made from the environment alone). */
export function genericEnvironmentParams(env: Readonly<Record<string, string | undefined>>): Params {
  return applyEnvironment('', {}, env, []);
}

export function unknownKeyDiagnostics(name: string, params: Params, file: string | undefined): Diagnostic[] {
  return Object.keys(params)
    .filter((k) => !KNOWN_KEYS.has(k))
    .map((k) => ({
      severity: 'warning' as const,
      connection: name,
      ...(file ? { file } : {}),
      message: `Connection '${name}': unknown key '${k}' is ignored.`,
      fix: `Check its spelling${file ? ` in ${file}` : ''}; keys are lower snake case, e.g. private_key_file, token_file_path.`,
    }));
}

export function stringParam(params: Params, key: string): string | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** Parameters safe to show: secrets replaced by "***". */
export function maskedParams(params: Readonly<Params>): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) out[k] = SECRET_KEYS.has(k) ? '***' : v;
  return out;
}
