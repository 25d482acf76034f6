// Turns one connection's parameters into a ConnectionProfile: authenticator rules (§1.5), account checks and the
// base URL (§2). Problems that make the connection unusable come back as error diagnostics instead of a profile.
import { accountProblem, baseUrlOf, cleanAccount, jwtAccount } from './account';
import { stringParam, type Params } from './connectionParams';
import type { Authenticator, ConnectionProfile, ConnectionSource, Diagnostic } from '../auth/types';

export const KNOWN_AUTHENTICATORS: readonly Authenticator[] = [
  'SNOWFLAKE',
  'EXTERNALBROWSER',
  'SNOWFLAKE_JWT',
  'OAUTH',
  'OAUTH_AUTHORIZATION_CODE',
  'OAUTH_CLIENT_CREDENTIALS',
  'USERNAME_PASSWORD_MFA',
  'WORKLOAD_IDENTITY',
  'PROGRAMMATIC_ACCESS_TOKEN',
  'PAT_WITH_EXTERNAL_SESSION',
];

/** Known authenticators as usually written (all upper or all lower case), so most need no upper-case copy. */
const AS_WRITTEN: ReadonlyMap<string, Authenticator> = new Map(
  KNOWN_AUTHENTICATORS.flatMap((a) => [[a, a] as const, [a.toLowerCase(), a] as const]),
);

/** The authenticators this extension can mint credentials for. */
export const SUPPORTED_AUTHENTICATORS: readonly Authenticator[] = [
  'SNOWFLAKE_JWT',
  'OAUTH',
  'PROGRAMMATIC_ACCESS_TOKEN',
  'OAUTH_AUTHORIZATION_CODE',
];

export interface ProfileInput {
  readonly name: string;
  readonly source: ConnectionSource;
  readonly file?: string;
  readonly params: Params;
  readonly isDefault: boolean;
  /** Base URLs already made in this resolution, by account (many connections share one account): one string each. */
  readonly baseUrls?: Map<string, string>;
}

export interface ProfileResult {
  readonly profile?: ConnectionProfile;
  /** The sign-in method that will be used, also when the connection is unusable for another reason. */
  readonly authenticator?: Authenticator;
}

/** Okta native SSO: the connector takes any authenticator that starts with https:// as the Okta URL (connection.py). */
function isOktaUrl(value: string): boolean {
  return value.toUpperCase().startsWith('HTTPS://');
}

function parseAuthenticator(input: ProfileInput, out: Diagnostic[]): Authenticator | undefined {
  const { name, params } = input;
  const raw = stringParam(params, 'authenticator');
  let auth: Authenticator | undefined;
  if (raw !== undefined) {
    const upper = AS_WRITTEN.get(raw) ?? (raw.toUpperCase() as Authenticator);
    if (KNOWN_AUTHENTICATORS.includes(upper)) auth = upper;
    else if (isOktaUrl(raw)) auth = 'OKTA';
    else {
      // connection.py: "Unknown authenticator: <value>" (test/unit/test_connection.py test_invalid_authenticator).
      note(input, out, {
        severity: 'error',
        code: 'unknownAuthenticator',
        message: `Connection '${name}': authenticator '${raw}' is not one Snowflake knows (the Python connector says "Unknown authenticator").`,
        fix: `Use one of ${KNOWN_AUTHENTICATORS.map((a) => a.toLowerCase()).join(', ')}, or your Okta URL (https://<org>.okta.com).`,
      });
      return undefined;
    }
  }
  if (stringParam(params, 'private_key_file') !== undefined || stringParam(params, 'private_key_raw') !== undefined) {
    if (auth && auth !== 'SNOWFLAKE_JWT') {
      note(input, out, {
        severity: 'warning',
        message: `Connection '${name}': a private key is set, so it signs in with a key pair (SNOWFLAKE_JWT), not ${raw}.`,
        fix: `Remove private_key_file to use ${raw}.`,
      });
    }
    return 'SNOWFLAKE_JWT';
  }
  if (auth) return auth;
  // Ours: a token with no authenticator can only mean OAuth; the Python connector would try a password and fail.
  if (stringParam(params, 'token') !== undefined || stringParam(params, 'token_file_path') !== undefined) {
    note(input, out, {
      severity: 'info',
      message: `Connection '${name}' has a token and no authenticator, so it is used as OAuth.`,
      fix: `Add authenticator = "oauth" (or "programmatic_access_token" for a PAT).`,
    });
    return 'OAUTH';
  }
  return 'SNOWFLAKE';
}

function accountFromHost(host: string | undefined): string | undefined {
  const m = /^(?:https?:\/\/)?([^/:]+?)\.snowflakecomputing\.(?:com|cn)\b/i.exec(host ?? '');
  return m?.[1];
}

/** Account and the account part of the host, or error notes. */
function parseAccount(input: ProfileInput, out: Diagnostic[]): { account: string; hostAccount: string } | undefined {
  const { name, params } = input;
  const written = stringParam(params, 'account') ?? accountFromHost(stringParam(params, 'host'));
  if (!written) {
    // connection.py: "Account must be specified".
    note(input, out, {
      severity: 'error',
      code: 'missingAccount',
      message: `Connection '${name}' has no account (the Python connector says "Account must be specified").`,
      fix: `Add account = "<orgname>-<account_name>" to the connection.`,
    });
    return undefined;
  }
  const { account, cleaned } = cleanAccount(written);
  if (cleaned)
    note(input, out, {
      severity: 'warning',
      message: `Connection '${name}': account '${written}' looks like a URL; using '${account}'.`,
      fix: `Set account = "${account}".`,
    });
  const problem = accountProblem(account);
  if (problem) {
    // util_text.py is_valid_account_identifier: letters, digits, '_' and '-' in each dot-separated part.
    note(input, out, {
      severity: 'error',
      code: 'invalidAccount',
      message: `Connection '${name}': account '${account}' is not valid: ${problem}.`,
      fix: 'Use the account identifier from Snowsight (Account → View account details), e.g. myorg-myaccount.',
    });
    return undefined;
  }
  const parts = account.split('.');
  const extra = parts.slice(1).filter((p) => !/^(privatelink|global)$/i.test(p));
  if (parts[0]!.includes('-') && extra.length > 0 && !/\.global$/i.test(account)) {
    note(input, out, {
      severity: 'warning',
      message: `Connection '${name}': account '${account}' mixes the org-account form with a region (${extra.join('.')}); org-account identifiers take no region.`,
      fix: `Set account = "${parts[0]}".`,
    });
  } else if (extra.length > 0) {
    note(input, out, {
      severity: 'info',
      message: `Connection '${name}': account '${account}' includes its region; the host keeps it and key-pair JWTs name the account ${jwtAccount(account)}.`,
    });
  }
  const region = stringParam(params, 'region');
  const hostAccount = region && parts.length === 1 ? `${account}.${region}` : account;
  return { account, hostAccount };
}

/** A port must be a whole number from 1 to 65535 (a TOML integer, or its digits in a string); absent is fine. */
function badPort(port: unknown): boolean {
  if (port === undefined || port === '') return false;
  const text = String(port).trim();
  if (!/^\d{1,5}$/.test(text)) return true;
  const n = Number(text);
  return n < 1 || n > 65535;
}

type Note = Pick<Diagnostic, 'severity' | 'code' | 'message' | 'fix'>;

/**
 * A problem of the connection `input` describes, appended to `out` with the connection's name and file. Built field
 * by field: in V8 a spread copy gets a hidden class of its own each time, which costs at 100,000 connections.
 */
function note(input: ProfileInput, out: Diagnostic[], d: Note): void {
  const { severity, code, message, fix } = d;
  const connection = input.name;
  const file = input.file;
  if (code !== undefined && fix !== undefined && file) {
    out.push({ severity, code, message, fix, connection, file });
    return;
  }
  const full: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } =
    code === undefined ? { severity, message } : { severity, code, message };
  if (fix !== undefined) full.fix = fix;
  full.connection = connection;
  if (file) full.file = file;
  out.push(full);
}

/** Plain accounts (no dot, no URL), the common case, skip the cleaning and the region checks. */
const PLAIN_ACCOUNT = /^[A-Za-z0-9_-]+$/;

/** The profile, or what makes the connection unusable; every problem found is appended to `out`. */
export function buildProfile(input: ProfileInput, out: Diagnostic[]): ProfileResult {
  const { name, params } = input;
  const authenticator = parseAuthenticator(input, out);
  const written = stringParam(params, 'account');
  // A plain account (the usual) is its own host account: no object for the pair.
  const plain = written !== undefined && PLAIN_ACCOUNT.test(written) && stringParam(params, 'region') === undefined;
  const acct = plain ? undefined : parseAccount(input, out);
  const port = params.port;
  if (badPort(port)) {
    note(input, out, {
      severity: 'error',
      code: 'invalidPort',
      message: `Connection '${name}': port ${JSON.stringify(port)} is not a port number (1 to 65535).`,
      fix: `Fix port in connection '${name}', or remove it to use the protocol's default.`,
    });
    return authenticator ? { authenticator } : {};
  }
  if (!authenticator || !(plain || acct)) return authenticator ? { authenticator } : {};
  const account = plain ? written : acct!.account;
  const hostAccount = plain ? written : acct!.hostAccount;
  const host = stringParam(params, 'host');
  const protocol = stringParam(params, 'protocol');
  const plainUrl = host === undefined && port === undefined && protocol === undefined;
  let baseUrl = plainUrl ? input.baseUrls?.get(hostAccount) : undefined;
  if (baseUrl === undefined) {
    baseUrl = baseUrlOf(hostAccount, { host, port: port === undefined ? undefined : String(port), protocol });
    if (plainUrl) input.baseUrls?.set(hostAccount, baseUrl);
  }
  const profile = profileOf(input, authenticator, account, baseUrl);
  return { profile, authenticator };
}

type Profile = { -readonly [K in keyof ConnectionProfile]: ConnectionProfile[K] };

/**
 * The profile, its fields in one order. A connection with file, user, role and warehouse (most) is made in one
 * literal: each field added later costs V8 a hidden-class step, and past the literal's size a property store too.
 */
function profileOf(input: ProfileInput, authenticator: Authenticator, account: string, baseUrl: string): Profile {
  const { name, source, isDefault, params, file } = input;
  const user = stringParam(params, 'user');
  const role = stringParam(params, 'role');
  const warehouse = stringParam(params, 'warehouse');
  const database = stringParam(params, 'database');
  const schema = stringParam(params, 'schema');
  if (file && user !== undefined && role !== undefined && warehouse !== undefined) {
    if (database !== undefined && schema !== undefined)
      return {
        name,
        source,
        isDefault,
        params,
        authenticator,
        account,
        baseUrl,
        file,
        user,
        role,
        warehouse,
        database,
        schema,
      };
    const usual: Profile = {
      name,
      source,
      isDefault,
      params,
      authenticator,
      account,
      baseUrl,
      file,
      user,
      role,
      warehouse,
    };
    if (database !== undefined) usual.database = database;
    if (schema !== undefined) usual.schema = schema;
    return usual;
  }
  const profile: Profile = { name, source, isDefault, params, authenticator, account, baseUrl };
  if (file) profile.file = file;
  if (user !== undefined) profile.user = user;
  if (role !== undefined) profile.role = role;
  if (warehouse !== undefined) profile.warehouse = warehouse;
  if (database !== undefined) profile.database = database;
  if (schema !== undefined) profile.schema = schema;
  return profile;
}
