// Programmatic access tokens made and listed by SQL, with Snowflake's rules:
// - ALTER USER [IF EXISTS] [<user>] ADD {PROGRAMMATIC ACCESS TOKEN | PAT} <name> [ROLE_RESTRICTION = '<role>']
//   [DAYS_TO_EXPIRY = n] [MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT = n] [COMMENT = '…'] answers one row
//   (token_name, token_secret), the only time the secret is shown; the user defaults to the session's; the role
//   restriction must be a role already granted to the user; DAYS_TO_EXPIRY runs from 1 to the maximum (365 unless an
//   authentication policy lowers it), default 15 (docs.snowflake.com/en/sql-reference/sql/
//   alter-user-add-programmatic-access-token; result columns as snowflakedb/terraform-provider-snowflake's SDK reads
//   them, pkg/sdk users_programmatic_access_tokens). MINS_TO_BYPASS… runs from 1 to 1440 (…/alter-user-modify-
//   programmatic-access-token).
// - ALTER USER [IF EXISTS] [<user>] REMOVE {PROGRAMMATIC ACCESS TOKEN | PAT} <name>: the token stops working at once
//   (…/alter-user-remove-programmatic-access-token).
// - SHOW USER {PROGRAMMATIC ACCESS TOKENS | PATS} [FOR USER <user>]: name, user_name, role_restriction, expires_at,
//   status (ACTIVE, EXPIRED, DISABLED), comment, created_on, created_by, mins_to_bypass_network_policy_requirement,
//   rotated_to; tokens expired more than 30 days ago are left out (…/show-user-programmatic-access-tokens).
// Who may: a user for themself; for another user, administrators name that user (the ADD page's `username`), and
// SHOW's access control table asks for a privilege on the user only when it is not yourself. The emulator applies
// the rule it uses for the key properties (userKeys.ts): a role that owns users, or MODIFY PROGRAMMATIC
// AUTHENTICATION METHODS on that user (docs.snowflake.com/en/user-guide/security-access-control-privileges).
// Codes Snowflake does not document for these refusals (a name in use, a role not granted, a value out of range) are
// the generic ones of the same kind; only the refusal is relied upon.
import { T } from './catalog';
import { SqlError, type QueryResult, type ResultColumn } from './show';
import type { Cursor } from './sqlLexer';
import type { EmulatorState, Pat, Session } from './state';
import { mayModifyAuthentication } from './userKeys';

export const PAT_MAX_DAYS = 365;
export const PAT_DEFAULT_DAYS = 15;
const BYPASS_MAX_MINUTES = 1440;
const LISTED_AFTER_EXPIRY_MS = 30 * 86400_000;

const text = (name: string): ResultColumn => ({ name, t: T.varchar() });
const ltz = (name: string): ResultColumn => ({ name, t: T.timestampLtz() });
const ts = (ms: number): string => `${Math.floor(ms / 1000)}.000000000`;
const OK: QueryResult = { columns: [text('status')], rows: [['Statement executed successfully.']] };

/** True when the ALTER USER being read is ADD or REMOVE of a PAT (looked ahead, nothing consumed). */
export function isPatStatement(c: Cursor): boolean {
  let i = 0;
  const word = (k: number): string | undefined => {
    const t = c.peek(k);
    return t && (t.kind === 'word' || t.kind === 'quoted') ? t.value : undefined;
  };
  if (word(0) === 'IF' && word(1) === 'EXISTS') i = 2;
  const verb = (k: number): boolean => word(k) === 'ADD' || word(k) === 'REMOVE';
  return verb(i) || verb(i + 1);
}

function patKeyword(c: Cursor): void {
  if (c.accept('PAT')) return;
  c.expect('PROGRAMMATIC', 'ACCESS', 'TOKEN');
}

function outOfRange(param: string, value: number, max: number): SqlError {
  return new SqlError(
    '002029',
    '22023',
    `SQL compilation error:\nInvalid value [${value}] for parameter '${param}': it must be between 1 and ${max}.`,
  );
}

interface AddClauses {
  role?: string;
  days: number;
  bypass?: number;
  comment?: string;
}

function addClauses(c: Cursor): AddClauses {
  const out: AddClauses = { days: PAT_DEFAULT_DAYS };
  while (!c.done) {
    if (c.accept('ROLE_RESTRICTION')) {
      c.expect('=');
      out.role = c.string();
    } else if (c.accept('DAYS_TO_EXPIRY')) {
      c.expect('=');
      out.days = c.integer();
      if (out.days < 1 || out.days > PAT_MAX_DAYS) throw outOfRange('DAYS_TO_EXPIRY', out.days, PAT_MAX_DAYS);
    } else if (c.accept('MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT')) {
      c.expect('=');
      out.bypass = c.integer();
      if (out.bypass < 1 || out.bypass > BYPASS_MAX_MINUTES)
        throw outOfRange('MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT', out.bypass, BYPASS_MAX_MINUTES);
    } else if (c.accept('COMMENT')) {
      c.expect('=');
      out.comment = c.string();
    } else throw c.unexpected();
  }
  return out;
}

function noUser(name: string): SqlError {
  return new SqlError('002003', '02000', `SQL compilation error:\nUser '${name}' does not exist or not authorized.`);
}

function denied(user: string): SqlError {
  return new SqlError(
    '003001',
    '42501',
    `SQL access control error:\nInsufficient privileges to operate on user '${user}'`,
  );
}

/** After `ALTER USER` has been read: ADD or REMOVE of a programmatic access token. */
export function alterUserPats(state: EmulatorState, s: Session, c: Cursor): QueryResult {
  const ifExists = c.accept('IF', 'EXISTS');
  const named = !(c.peek()?.value === 'ADD' || c.peek()?.value === 'REMOVE');
  const name = named ? c.ident() : s.user.toUpperCase();
  const add = c.accept('ADD');
  if (!add) c.expect('REMOVE');
  patKeyword(c);
  const tokenName = c.ident();
  const clauses = add ? addClauses(c) : undefined;
  c.end();
  const user = state.user(name);
  if (!user) {
    if (ifExists) return OK;
    throw noUser(name);
  }
  if (!mayModifyAuthentication(state, s, user.name)) throw denied(user.name);
  const existing = state.patsOf(user.name).find(([, p]) => p.name === tokenName);
  if (!clauses) {
    if (!existing)
      throw new SqlError(
        '002003',
        '02000',
        `SQL compilation error:\nProgrammatic access token '${tokenName}' does not exist or not authorized.`,
      );
    state.pats.delete(existing[0]);
    return OK;
  }
  if (existing)
    throw new SqlError(
      '002002',
      '42710',
      `SQL compilation error:\nProgrammatic access token '${tokenName}' already exists.`,
    );
  if (clauses.role !== undefined && !user.roles.has(clauses.role))
    throw new SqlError(
      '002003',
      '02000',
      `SQL compilation error:\nRole '${clauses.role}' does not exist or is not granted to user '${user.name}'.`,
    );
  const secret = state.addPat(user.name, clauses.role, clauses.days * 86400, {
    name: tokenName,
    createdBy: s.user.toUpperCase(),
    ...(clauses.comment !== undefined ? { comment: clauses.comment } : {}),
    ...(clauses.bypass !== undefined ? { minsToBypassNetworkPolicy: clauses.bypass } : {}),
  });
  return { columns: [text('token_name'), text('token_secret')], rows: [[tokenName, secret]] };
}

function status(state: EmulatorState, p: Pat): string {
  if (state.user(p.user)?.disabled || p.revoked) return 'DISABLED';
  return p.expiresAt <= state.now() ? 'EXPIRED' : 'ACTIVE';
}

/** After `SHOW USER` has been read: `{PROGRAMMATIC ACCESS TOKENS | PATS} [FOR USER <user>]`. */
export function showUserPats(state: EmulatorState, s: Session, c: Cursor): QueryResult {
  if (!c.accept('PATS')) c.expect('PROGRAMMATIC', 'ACCESS', 'TOKENS');
  const name = c.accept('FOR', 'USER') ? c.ident() : s.user.toUpperCase();
  c.end();
  const user = state.user(name);
  if (!user) throw noUser(name);
  if (!mayModifyAuthentication(state, s, user.name)) throw denied(user.name);
  const now = state.now();
  const rows = state
    .patsOf(user.name)
    .map(([, p]) => p)
    .filter((p) => p.expiresAt > now - LISTED_AFTER_EXPIRY_MS)
    .sort((a, b) => a.createdOn - b.createdOn)
    .map((p) => [
      p.name,
      p.user,
      p.roleRestriction ?? null,
      ts(p.expiresAt),
      status(state, p),
      p.comment ?? null,
      ts(p.createdOn),
      p.createdBy,
      p.minsToBypassNetworkPolicy !== undefined ? String(p.minsToBypassNetworkPolicy) : null,
      null,
    ]);
  return {
    columns: [
      text('name'),
      text('user_name'),
      text('role_restriction'),
      ltz('expires_at'),
      text('status'),
      text('comment'),
      ltz('created_on'),
      text('created_by'),
      { name: 'mins_to_bypass_network_policy_requirement', t: T.number() },
      text('rotated_to'),
    ],
    rows,
  };
}
