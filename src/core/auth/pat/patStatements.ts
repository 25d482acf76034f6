// The SQL of programmatic access tokens and what their answers say, with Snowflake's limits checked before anything
// is sent. Syntax, DAYS_TO_EXPIRY (1 to 365 unless an authentication policy lowers it; default 15) and the one-time
// secret: docs.snowflake.com/en/sql-reference/sql/alter-user-add-programmatic-access-token; the answer's columns
// (token_name, token_secret) and SHOW's (name, role_restriction, expires_at, status, created_on, …):
// docs.snowflake.com/en/sql-reference/sql/show-user-programmatic-access-tokens.
import type { QueryResult } from '../../snowflake/sqlDriver';
import { sqlIdentifier, sqlString } from '../../snowflake/identifiers';
import { SnowflakeExtError } from '../../shared/errors';

export const PAT_MAX_DAYS = 365;
export const PAT_DEFAULT_DAYS = 30;

/** Names are identifiers; we write only plain ones (no quoting needed, stored upper case). */
export function validatePatName(name: string): string {
  const n = name.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,254}$/.test(n))
    throw new SnowflakeExtError(
      'config',
      `"${name}" is not a token name Snowflake accepts unquoted.`,
      { text: 'Use letters, digits and underscores, starting with a letter or underscore.' },
      'patName',
    );
  return n.toUpperCase();
}

export function validatePatDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > PAT_MAX_DAYS)
    throw new SnowflakeExtError(
      'config',
      `A PAT lasts from 1 to ${PAT_MAX_DAYS} days; ${String(days)} is not allowed.`,
      { text: `Give a whole number of days between 1 and ${PAT_MAX_DAYS}.` },
      'patDays',
    );
  return days;
}

export interface AddPatOptions {
  readonly name: string;
  readonly role?: string;
  readonly days: number;
  readonly comment?: string;
}

export function addPatStatement(user: string, o: AddPatOptions): string {
  const parts = [`ALTER USER ${sqlIdentifier(user)} ADD PROGRAMMATIC ACCESS TOKEN ${validatePatName(o.name)}`];
  if (o.role) parts.push(`ROLE_RESTRICTION = ${sqlString(o.role)}`);
  parts.push(`DAYS_TO_EXPIRY = ${validatePatDays(o.days)}`);
  if (o.comment) parts.push(`COMMENT = ${sqlString(o.comment)}`);
  return parts.join(' ');
}

export function removePatStatement(user: string, name: string): string {
  return `ALTER USER ${sqlIdentifier(user)} REMOVE PROGRAMMATIC ACCESS TOKEN ${validatePatName(name)}`;
}

export function showPatsStatement(user: string): string {
  return `SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER ${sqlIdentifier(user)}`;
}

function column(result: QueryResult, name: string): number {
  return result.columns.findIndex((c) => c.name.toLowerCase() === name);
}

/** The secret in ADD's answer (shown this once). */
export function secretOf(result: QueryResult): { readonly name: string; readonly secret: string } {
  const row = result.rows[0];
  const secret = row?.[column(result, 'token_secret')];
  const name = row?.[column(result, 'token_name')];
  if (typeof secret !== 'string' || !secret)
    throw new SnowflakeExtError('server', 'Snowflake created the token but its answer held no token_secret.', {
      text: 'Remove the token (ALTER USER … REMOVE PROGRAMMATIC ACCESS TOKEN) and create it again.',
    });
  return { name: String(name ?? ''), secret };
}

export interface ListedPat {
  readonly name: string;
  readonly roleRestriction?: string;
  readonly status: string;
  /** Epoch ms. */
  readonly expiresAt?: number;
  readonly createdOn?: number;
}

/** TIMESTAMP_LTZ as the drivers give it: a Date, epoch seconds text, or an ISO string. */
function epochMs(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v > 1e12 ? v : v * 1000;
  if (typeof v === 'string' && v) {
    if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
    // "2026-01-31 12:00:00.000 -0800" (TIMESTAMP_LTZ_OUTPUT_FORMAT) → ISO 8601.
    const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?([+-]\d{2}):?(\d{2})$/.exec(v);
    const t = Date.parse(m ? `${m[1]}T${m[2]}${m[3]}:${m[4]}` : v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export function listedPats(result: QueryResult): ListedPat[] {
  const at = (n: string) => column(result, n);
  return result.rows.map((r) => {
    const role = r[at('role_restriction')];
    const expiresAt = epochMs(r[at('expires_at')]);
    const createdOn = epochMs(r[at('created_on')]);
    return {
      name: String(r[at('name')] ?? ''),
      status: String(r[at('status')] ?? ''),
      ...(typeof role === 'string' && role ? { roleRestriction: role } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(createdOn !== undefined ? { createdOn } : {}),
    };
  });
}
