// The one table of Snowflake's codes (login, session, SQL, OAuth, PAT, and the SQL driver's own): each code has a
// refusal kind (what callers decide on, and whether a fresh credential may cure it), a message and a fix in the
// user's terms (the fingerprint to compare, the clock to fix, the command to run). Decided by code, never by text.
import { SnowflakeExtError, isCancelled, type ErrorKind, type RefusalKind } from '../shared/errors';
import { HttpError } from '../shared/http';
import { jwtAccount } from '../connections/account';
import type { ConnectionProfile } from './types';

/** Refusals a fresh credential (or a new login) may cure: invalidate and try once more. */
const REFRESH_CURES: ReadonlySet<RefusalKind> = new Set<RefusalKind>([
  'auth-expired',
  'auth-refused',
  'key-mismatch',
  'clock',
  'session-gone',
]);

export interface ExplainContext {
  readonly profile: ConnectionProfile;
  /** Our key's fingerprint (key-pair connections). */
  readonly fingerprint?: string;
  readonly now: number;
}

export interface Explanation {
  readonly message: string;
  readonly fix: string;
  readonly command?: string;
  readonly commandTitle?: string;
}

export interface CodeRow {
  readonly refusal: RefusalKind;
  readonly kind: ErrorKind;
  /** A wrong clock on this computer can cause it: name the skew when the server's Date shows one. */
  readonly clockSensitive?: true;
  readonly explain: (ctx: ExplainContext, code: string) => Explanation;
}

const DIAGNOSTICS = { command: 'positSnowflake.showDiagnostics', commandTitle: 'Show Diagnostics' } as const;
const name = (ctx: ExplainContext): string => `connection '${ctx.profile.name}'`;
const user = (ctx: ExplainContext): string => (ctx.profile.user ?? '').toUpperCase();

function describeUserFix({ profile, fingerprint }: ExplainContext): string {
  const who = (profile.user ?? '<user>').toUpperCase();
  return fingerprint
    ? `Our key's fingerprint is ${fingerprint}; compare it with RSA_PUBLIC_KEY_FP in DESCRIBE USER ${who}, and set the public key with ALTER USER ${who} SET RSA_PUBLIC_KEY='...'.`
    : `Compare RSA_PUBLIC_KEY_FP in DESCRIBE USER ${who} with the key's fingerprint ('Snowflake: Show Diagnostics').`;
}

const jwtRejected: CodeRow = {
  refusal: 'auth-refused',
  kind: 'auth',
  explain: (ctx) => ({
    message: `Snowflake rejected the key-pair JWT of ${name(ctx)} (it names ${jwtAccount(ctx.profile.account)}.${user(ctx)}).`,
    fix: `Check account and user in the connection. ${describeUserFix(ctx)}`,
  }),
};

const jwtTimes: CodeRow = {
  refusal: 'clock',
  kind: 'auth',
  clockSensitive: true,
  explain: (ctx, code) => ({
    message: `Snowflake found the key-pair JWT of ${name(ctx)} ${code === '394302' ? 'not yet valid' : code === '394301' ? 'expired' : 'to have a bad lifetime'}.`,
    fix: "Check that this computer's clock is right (enable automatic time).",
  }),
};

/** A row whose fix does not depend on the connection. */
function row(refusal: RefusalKind, kind: ErrorKind, message: (ctx: ExplainContext) => string, fix: string): CodeRow {
  return { refusal, kind, explain: (ctx) => ({ message: message(ctx), fix }) };
}

const sessionGone = row(
  'session-gone',
  'auth',
  (ctx) => `The Snowflake session of ${name(ctx)} has expired.`,
  'Try again; a new session is opened.',
);

const userRefused = row(
  'user-refused',
  'auth',
  (ctx) => `Snowflake refused the sign-in of ${name(ctx)} (the user is unknown, locked or the password is wrong).`,
  'Check user in the connection.',
);

const driverDisconnected = row(
  'session-gone',
  'auth',
  (ctx) => `The SQL session of ${name(ctx)} was disconnected.`,
  'Try again; a new session is opened.',
);

function oauthExpired(ctx: ExplainContext): Explanation {
  if (ctx.profile.source === 'workbench')
    return {
      message: `The Posit Workbench token of ${name(ctx)} has expired and Workbench has not written a new one.`,
      fix: 'Check the Snowflake sign-in on the Posit Workbench home page, or start a new session.',
    };
  const signIn = ctx.profile.authenticator === 'OAUTH_AUTHORIZATION_CODE';
  return {
    message: `The OAuth token of ${name(ctx)} has expired.`,
    fix: signIn ? "Run 'Snowflake: Sign In'." : 'Get a fresh token (token_file_path or token) for the connection.',
    ...(signIn ? { command: 'positSnowflake.signIn', commandTitle: 'Sign In' } : {}),
  };
}

/** 390186 names the token's role list: for a PAT that is its ROLE_RESTRICTION, for OAuth the signed-in scope. */
function roleNotInToken(ctx: ExplainContext): Explanation {
  const role = ctx.profile.role ?? '';
  if (ctx.profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN')
    return {
      message: `The programmatic access token of ${name(ctx)} is restricted to another role than '${role}' (its ROLE_RESTRICTION).`,
      fix: "Set role in the connection to the PAT's role (SHOW USER PROGRAMMATIC ACCESS TOKENS lists it), or remove role to use it; or create a PAT for this role and run 'Snowflake: Set PAT'.",
      command: 'positSnowflake.setPat',
      commandTitle: 'Set PAT',
    };
  return {
    message: `The role '${role}' of ${name(ctx)} is not allowed by its OAuth token (roles such as ACCOUNTADMIN are blocked for OAuth, or the sign-in was for another role).`,
    fix: 'Use another role in the connection, or sign in again for this role.',
  };
}

/**
 * Sources, per row: "gs_errors" = snowflake-connector-nodejs lib/constants/gs_errors.ts; "network.py" =
 * snowflake-connector-python src/snowflake/connector/network.py (CREDENTIAL_REJECTION_GS_CODES and the *_GS_CODE
 * constants); "error_code" = snowflake-connector-nodejs lib/error_code.ts (the driver's own codes); "errno" =
 * snowflake-cli src/snowflake/cli/api/errno.py. Rows marked "unverified" carry the code this project has used; no
 * public client source names that number.
 */
export const SERVER_CODES: Readonly<Record<string, CodeRow>> = {
  // network.py: JWT_TOKEN_INVALID (390144, 394300), JWT_TOKEN_INVALID_ALGORITHM, JWT_TOKEN_INVALID_FORMAT.
  '390144': jwtRejected,
  '394300': jwtRejected,
  '394305': jwtRejected,
  '394306': jwtRejected,
  // network.py: JWT_TOKEN_INVALID_PUBLIC_KEY_FINGERPRINT_MISMATCH.
  '394304': {
    refusal: 'key-mismatch',
    kind: 'auth',
    explain: (ctx) => ({
      message: `The public key registered for user ${user(ctx)} does not match the private key of ${name(ctx)}.`,
      fix: describeUserFix(ctx),
    }),
  },
  // network.py: JWT_TOKEN_EXPIRED, JWT_TOKEN_NOT_YET_VALID, JWT_TOKEN_INVALID_EXPIRATION_TIME.
  '394301': jwtTimes,
  '394302': jwtTimes,
  '394303': jwtTimes,
  // network.py OAUTH_ACCESS_TOKEN_EXPIRED_GS_CODE; gs_errors OAUTH_TOKEN_EXPIRED.
  '390318': { refusal: 'auth-expired', kind: 'auth', clockSensitive: true, explain: oauthExpired },
  // network.py OAUTH_ACCESS_TOKEN_INVALID_GS_CODE ("Invalid OAuth access token."); gs_errors OAUTH_TOKEN_INVALID.
  '390303': {
    refusal: 'auth-refused',
    kind: 'auth',
    explain: (ctx) => ({
      message: `Snowflake did not accept the OAuth token of ${name(ctx)}.`,
      fix:
        ctx.profile.source === 'workbench'
          ? 'Check the Snowflake sign-in on the Posit Workbench home page.'
          : 'Check that the token belongs to this account, or sign in again.',
    }),
  },
  // unverified: "The user you were trying to authenticate as differs from the user tied to the access token."
  '390309': {
    refusal: 'user-mismatch',
    kind: 'config',
    explain: (ctx) => ({
      message: `The OAuth token of ${name(ctx)} belongs to another user than '${ctx.profile.user ?? ''}'.`,
      fix: 'Remove user from the connection, or use a token of that user.',
    }),
  },
  // snowflake-connector-nodejs wiremock/mappings/pat/invalid_pat_token.json ("Programmatic access token is invalid.").
  '394400': {
    refusal: 'auth-refused',
    kind: 'auth',
    explain: (ctx) => ({
      message: `Snowflake did not accept the programmatic access token of ${name(ctx)}: it may be wrong, expired or revoked.`,
      fix: "Create a new PAT and run 'Snowflake: Set PAT'. A PAT also needs a network policy on the user (ALTER USER … SET NETWORK_POLICY) unless an authentication policy exempts it.",
      command: 'positSnowflake.setPat',
      commandTitle: 'Set PAT',
    }),
  },
  // unverified code; the rule is docs.snowflake.com/en/user-guide/programmatic-access-tokens ("Network policy
  // requirements": by default a user needs a network policy to use a PAT).
  '390432': {
    refusal: 'network-policy',
    kind: 'permission',
    explain: (ctx) => ({
      message: `Snowflake requires a network policy to use the programmatic access token of ${name(ctx)}.`,
      fix: 'Ask an administrator to attach a network policy that allows your address to the user (ALTER USER … SET NETWORK_POLICY = …).',
    }),
  },
  // unverified code; authentication policies: docs.snowflake.com/en/user-guide/authentication-policies.
  '390190': {
    refusal: 'auth-policy',
    kind: 'permission',
    explain: (ctx) => ({
      message: `The account does not allow ${ctx.profile.authenticator.toLowerCase()} sign-in for ${name(ctx)} (an authentication policy blocks this method).`,
      fix: 'Ask an administrator which methods the authentication policy allows (DESCRIBE AUTHENTICATION POLICY), or use one of them.',
    }),
  },
  // unverified code; the message ("... is not listed in the Access Token or was filtered") is quoted by dbt's docs,
  // dbt-labs/docs.getdbt.com website/docs/faqs/Troubleshooting/failed-snowflake-oauth-connection.md.
  '390186': { refusal: 'role', kind: 'permission', explain: roleNotInToken },
  // unverified code: "Role '<role>' specified in the connect string is not granted to this user."
  '390189': {
    refusal: 'role',
    kind: 'permission',
    explain: (ctx) => ({
      message: `The role '${ctx.profile.role ?? ''}' of ${name(ctx)} is not granted to user ${user(ctx)}.`,
      fix: 'Fix role in the connection (SHOW GRANTS TO USER lists the roles you have).',
    }),
  },
  // gs_errors INCORRECT_USERNAME_PASSWORD; network.py AUTHORIZATION_FAILURE. 390101 (user locked) is unverified.
  '390100': userRefused,
  '390101': userRefused,
  // gs_errors SESSION_TOKEN_INVALID, GONE_SESSION, SESSION_TOKEN_EXPIRED, MASTER_TOKEN_EXPIRED; network.py
  // SESSION_EXPIRED_GS_CODE, MASTER_TOKEN_EXPIRED_GS_CODE (gosnowflake#160 explains 390112 vs 390114).
  '390104': sessionGone,
  '390111': sessionGone,
  '390112': sessionGone,
  '390114': sessionGone,
  // errno NO_WAREHOUSE_SELECTED_IN_SESSION (606).
  '000606': {
    refusal: 'warehouse-missing',
    kind: 'config',
    explain: () => ({
      message: 'The statement needs a warehouse, and this session has none.',
      fix: "Run 'Snowflake: Switch Warehouse' on the connection, or set `warehouse` in the connection.",
      command: 'positSnowflake.switchWarehouse',
      commandTitle: 'Switch Warehouse',
    }),
  },
  // errno DOES_NOT_EXIST_OR_NOT_AUTHORIZED (2003).
  '002003': {
    refusal: 'not-found',
    kind: 'notFound',
    explain: () => ({
      message: 'The object does not exist, or the current role cannot see it.',
      fix: 'Refresh the parent, or switch to a role that can see it.',
    }),
  },
  // unverified code ("Insufficient privileges to operate on ..."); its SQLSTATE 42501 is the SQL standard's
  // insufficient_privilege.
  '003001': {
    refusal: 'privilege',
    kind: 'permission',
    explain: () => ({
      message: 'The current role lacks the privilege for this.',
      fix: "Switch role ('Snowflake: Switch Role') or ask for the grant.",
    }),
  },
  // error_code ERR_CONN_CONNECT_STATUS_DISCONNECTED, ERR_CONN_REQUEST_STATUS_DISCONNECTED.
  '405503': driverDisconnected,
  '407002': driverDisconnected,
  // error_code ERR_SF_NETWORK_COULD_NOT_CONNECT.
  '401001': {
    refusal: 'network',
    kind: 'network',
    explain: () => ({
      message: 'Could not reach Snowflake.',
      fix: "Check the network and the connection's host or account, then Retry.",
    }),
  },
};

/** error_code's 404xxx: ERR_CONN_CREATE_* (the driver refused an option before sending anything). */
const DRIVER_CONFIG: CodeRow = {
  refusal: 'driver-config',
  kind: 'config',
  explain: () => ({
    message: "The connection's settings are not valid for the SQL driver.",
    fix: "Run 'Snowflake: Show Diagnostics' to check the connection.",
    ...DIAGNOSTICS,
  }),
};

/** The table's row for a code: exact codes first, then the driver's 404xxx family. */
export function codeRow(code: string | undefined): CodeRow | undefined {
  if (!code) return undefined;
  return SERVER_CODES[code] ?? (/^404\d{3}$/.test(code) ? DRIVER_CONFIG : undefined);
}

/** The code a failure carries: an HTTP error's parsed body code, a typed error's code, a driver error's code. */
export function serverCodeOf(err: unknown): string | undefined {
  if (err instanceof HttpError) return err.serverCode;
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

/** Why the server refused: the typed error's refusal, else the table's kind for its code, else its HTTP status. */
export function refusalOf(err: unknown): RefusalKind | undefined {
  if (err instanceof SnowflakeExtError && err.refusal) return err.refusal;
  const row = codeRow(serverCodeOf(err));
  if (row) return row.refusal;
  if (err instanceof HttpError && err.status === 401) return 'auth-refused';
  if (err instanceof HttpError && err.status === 429) return 'throttled';
  return undefined;
}

/** Did the server refuse the credential in a way a fresh one (or a new login) may cure? */
export function isCredentialRefused(err: unknown): boolean {
  if (isCancelled(err)) return false;
  if (err instanceof HttpError && err.status === 401) return true;
  if (err instanceof SnowflakeExtError && err.kind === 'config') return false;
  const refusal = refusalOf(err);
  return refusal !== undefined && REFRESH_CURES.has(refusal);
}

/** Only an interactive sign-in helps: the tree shows a Sign In node instead of an error. */
export function needsSignIn(err: unknown, profile: ConnectionProfile): boolean {
  const refusal = refusalOf(err);
  if (refusal === 'sign-in-needed') return true;
  return (
    profile.authenticator === 'OAUTH_AUTHORIZATION_CODE' && profile.source !== 'workbench' && refusal === 'auth-expired'
  );
}
