// Snowflake's authentication answers explained: each server code becomes a message and a fix in the user's terms
// (the fingerprint to compare, the clock to fix, the command to run), by code and never by message text.
import { SnowflakeExtError, type ErrorFix, type ErrorKind } from '../shared/errors';
import { jwtAccount } from '../connections/account';
import type { ConnectionProfile } from './types';

/** Codes that mean "this credential was refused": invalidate and try once more with a fresh one. */
export const AUTH_FAILURE_CODES = new Set([
  '390144',
  '394300',
  '394301',
  '394302',
  '394303',
  '394304',
  '394305',
  '394306', // key-pair JWT
  '390318',
  '390303', // OAuth token expired / invalid
  '394400', // PAT invalid
  '390112',
  '390104',
  '390111',
  '390114', // session token expired / invalid
]);

const CLOCK_CODES = new Set(['394301', '394302', '394303', '390318']);

/** A refusal from Snowflake, with the server's Date (epoch ms) when it sent one, to reason about clock skew. */
export class SnowflakeServerError extends SnowflakeExtError {
  override readonly name = 'SnowflakeServerError';
  constructor(
    kind: ErrorKind,
    message: string,
    fix: ErrorFix | undefined,
    code: string | undefined,
    readonly serverDate?: number,
    readonly serverMessage?: string,
  ) {
    super(kind, message, fix, code);
  }
}

export interface ServerFailure {
  readonly code?: string;
  readonly message?: string;
  /** Epoch ms from the response's Date header. */
  readonly serverDate?: number;
}

export interface ExplainContext {
  readonly profile: ConnectionProfile;
  /** Our key's fingerprint (key-pair connections). */
  readonly fingerprint?: string;
  readonly now: number;
}

/** "Your clock is 7 minutes ahead of Snowflake's." when the skew is worth naming (over a minute). */
export function clockSkewText(serverDate: number | undefined, now: number): string | undefined {
  if (serverDate === undefined || Number.isNaN(serverDate)) return undefined;
  const skew = now - serverDate;
  if (Math.abs(skew) < 60_000) return undefined;
  const minutes = Math.round(Math.abs(skew) / 60_000);
  const amount = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `Your clock is ${amount} ${skew > 0 ? 'ahead of' : 'behind'} Snowflake's.`;
}

export function serverDateOf(headers: Headers | undefined): number | undefined {
  const d = headers?.get('date');
  const ms = d ? Date.parse(d) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

function describeUserFix(profile: ConnectionProfile, fingerprint: string | undefined): string {
  const user = (profile.user ?? '<user>').toUpperCase();
  return fingerprint
    ? `Our key's fingerprint is ${fingerprint}; compare it with RSA_PUBLIC_KEY_FP in DESCRIBE USER ${user}, and set the public key with ALTER USER ${user} SET RSA_PUBLIC_KEY='...'.`
    : `Compare RSA_PUBLIC_KEY_FP in DESCRIBE USER ${user} with the key's fingerprint ('Snowflake: Show Diagnostics').`;
}

type Explanation = { kind: ErrorKind; message: string; fix: string; command?: string };

function explainCode(code: string, ctx: ExplainContext): Explanation | undefined {
  const { profile } = ctx;
  const name = `connection '${profile.name}'`;
  const jwtWho = `${jwtAccount(profile.account)}.${(profile.user ?? '').toUpperCase()}`;
  const workbench = profile.source === 'workbench';
  switch (code) {
    case '390144':
    case '394300':
    case '394306':
    case '394305':
      return {
        kind: 'auth',
        message: `Snowflake rejected the key-pair JWT of ${name} (it names ${jwtWho}).`,
        fix: `Check account and user in the connection. ${describeUserFix(profile, ctx.fingerprint)}`,
      };
    case '394304':
      return {
        kind: 'auth',
        message: `The public key registered for user ${(profile.user ?? '').toUpperCase()} does not match the private key of ${name}.`,
        fix: describeUserFix(profile, ctx.fingerprint),
      };
    case '394301':
    case '394302':
    case '394303':
      return {
        kind: 'auth',
        message: `Snowflake found the key-pair JWT of ${name} ${code === '394302' ? 'not yet valid' : code === '394301' ? 'expired' : 'to have a bad lifetime'}.`,
        fix: "Check that this computer's clock is right (enable automatic time).",
      };
    case '390318':
      return workbench
        ? {
            kind: 'auth',
            message: `The Posit Workbench token of ${name} has expired and Workbench has not written a new one.`,
            fix: 'Check the Snowflake sign-in on the Posit Workbench home page, or start a new session.',
          }
        : {
            kind: 'auth',
            message: `The OAuth token of ${name} has expired.`,
            fix:
              profile.authenticator === 'OAUTH_AUTHORIZATION_CODE'
                ? "Run 'Snowflake: Sign In'."
                : 'Get a fresh token (token_file_path or token) for the connection.',
            ...(profile.authenticator === 'OAUTH_AUTHORIZATION_CODE' ? { command: 'positSnowflake.signIn' } : {}),
          };
    case '390303':
      return {
        kind: 'auth',
        message: `Snowflake did not accept the OAuth token of ${name}.`,
        fix: workbench
          ? 'Check the Snowflake sign-in on the Posit Workbench home page.'
          : 'Check that the token belongs to this account, or sign in again.',
      };
    case '390309':
      return {
        kind: 'config',
        message: `The OAuth token of ${name} belongs to another user than '${profile.user ?? ''}'.`,
        fix: 'Remove user from the connection, or use a token of that user.',
      };
    case '394400':
      return {
        kind: 'auth',
        message: `Snowflake did not accept the programmatic access token of ${name}: it may be wrong, expired or revoked.`,
        fix: "Create a new PAT and run 'Snowflake: Set PAT'. A PAT also needs a network policy on the user (ALTER USER … SET NETWORK_POLICY) unless an authentication policy exempts it.",
        command: 'positSnowflake.setPat',
      };
    case '390432':
      return {
        kind: 'permission',
        message: `Snowflake requires a network policy to use the programmatic access token of ${name}.`,
        fix: 'Ask an administrator to attach a network policy that allows your address to the user (ALTER USER … SET NETWORK_POLICY = …).',
      };
    case '390190':
      return {
        kind: 'permission',
        message: `The account does not allow ${profile.authenticator.toLowerCase()} sign-in for ${name} (an authentication policy blocks this method).`,
        fix: 'Ask an administrator which methods the authentication policy allows (DESCRIBE AUTHENTICATION POLICY), or use one of them.',
      };
    case '390186':
      return {
        kind: 'permission',
        message: `The role '${profile.role ?? ''}' of ${name} is not allowed by its OAuth token (roles such as ACCOUNTADMIN are blocked for OAuth, or the sign-in was for another role).`,
        fix: 'Use another role in the connection, or sign in again for this role.',
      };
    case '390189':
      return {
        kind: 'permission',
        message: `The role '${profile.role ?? ''}' of ${name} is not granted to user ${(profile.user ?? '').toUpperCase()}.`,
        fix: 'Fix role in the connection (SHOW GRANTS TO USER lists the roles you have).',
      };
    case '390100':
    case '390101':
      return {
        kind: 'auth',
        message: `Snowflake refused the sign-in of ${name} (the user is unknown, locked or the password is wrong).`,
        fix: 'Check user in the connection.',
      };
    case '390112':
    case '390114':
    case '390104':
    case '390111':
      return {
        kind: 'auth',
        message: `The Snowflake session of ${name} has expired.`,
        fix: 'Try again; a new session is opened.',
      };
    default:
      return undefined;
  }
}

/** Turns a refused login or REST call into a typed error that names the problem, the fix, and any clock skew. */
export function explainServerFailure(failure: ServerFailure, ctx: ExplainContext): SnowflakeServerError {
  const code = failure.code;
  const known = code ? explainCode(code, ctx) : undefined;
  const skew = clockSkewText(failure.serverDate, ctx.now);
  const server = failure.message ? ` Snowflake said: ${failure.message.trim()}` : '';
  if (!known) {
    return new SnowflakeServerError(
      'auth',
      `Snowflake refused connection '${ctx.profile.name}'${code ? ` (code ${code})` : ''}.${server}`,
      { text: skew ?? "Check the connection with 'Snowflake: Show Diagnostics'." },
      code,
      failure.serverDate,
      failure.message,
    );
  }
  const clock = skew && code && CLOCK_CODES.has(code) ? `${skew} ` : '';
  const fixText = clock
    ? `${clock}Set the computer's clock to the right time (enable automatic time), then try again.`
    : known.fix;
  return new SnowflakeServerError(
    known.kind,
    `${known.message.replace(/\.$/, '')} (code ${code}).${server}`,
    { text: fixText, ...(known.command ? { command: known.command } : {}) },
    code,
    failure.serverDate,
    failure.message,
  );
}
