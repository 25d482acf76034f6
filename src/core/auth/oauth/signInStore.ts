// A connection's OAuth sign-ins, one per role, kept in its one `oauthRefreshToken` secret as a versioned record: the
// refresh token of each role, when it was issued and expires, and which role is in use. A secret written before
// sign-ins were kept per role (the bare refresh token) is read as the sign-in of the connection's role, and written in
// the new form under the same key by the next change (a refresh that rotates it, another role's sign-in, a sign-out),
// so nothing is lost and a read that fails writes nothing.
import { storeSecret, type SecretWriteContext } from '../authContext';
import type { SecretStore } from '../secretStore';

/** One role's sign-in. `role` '' is a sign-in that named no role (Snowflake then uses the user's default role). */
export interface RoleSignIn {
  /** Absent once Snowflake refused it (revoked or expired): the sign-in is shown as expired until signed in again. */
  readonly refreshToken?: string;
  /** Epoch ms of the browser sign-in; 0 when unknown (a sign-in migrated from a store that did not record it). */
  readonly issuedAt: number;
  /** Epoch ms after which Snowflake refuses the refresh token (from refresh_token_expires_in). */
  readonly refreshExpiresAt?: number;
  /** Epoch ms when Snowflake refused the refresh token. */
  readonly expiredAt?: number;
  readonly username?: string;
}

export interface SignInRecord {
  readonly v: 2;
  /** The role whose sign-in the connection uses. */
  readonly active: string;
  readonly roles: Readonly<Record<string, RoleSignIn>>;
}

export type StoreContext = SecretWriteContext & { readonly secrets: SecretStore };
export type ReadContext = { readonly secrets: SecretStore };

const refOf = (connection: string) => ({ kind: 'oauthRefreshToken', id: connection }) as const;

function parse(value: string): SignInRecord | undefined {
  if (!value.startsWith('{')) return undefined;
  try {
    const r = JSON.parse(value) as Partial<SignInRecord>;
    if (r.v === 2 && typeof r.active === 'string' && r.roles && typeof r.roles === 'object') return r as SignInRecord;
  } catch {
    // Not a record: a bare refresh token (refresh tokens are never JSON).
  }
  return undefined;
}

/**
 * The connection's sign-ins. A bare refresh token from before (no role key) is the sign-in of `legacyRole` (the
 * connection's role, '' when it names none), issued when it was saved.
 */
export async function readSignIns(
  ctx: ReadContext,
  connection: string,
  legacyRole: string,
): Promise<SignInRecord | undefined> {
  const stored = await ctx.secrets.entry(refOf(connection));
  if (!stored) return undefined;
  const record = parse(stored.value);
  if (record) return record;
  return {
    v: 2,
    active: legacyRole,
    roles: { [legacyRole]: { refreshToken: stored.value, issuedAt: stored.savedAt } },
  };
}

/** Writes the record; one without any role is deleted. */
export async function writeSignIns(
  ctx: StoreContext,
  connection: string,
  record: SignInRecord | undefined,
): Promise<void> {
  const empty = !record || Object.keys(record.roles).length === 0;
  await storeSecret(ctx, refOf(connection), empty ? undefined : JSON.stringify(record));
}

/** The record with one role's sign-in set (and made the active one), or removed (undefined). */
export function withRole(
  record: SignInRecord | undefined,
  role: string,
  signIn: RoleSignIn | undefined,
  activate = true,
): SignInRecord | undefined {
  const roles: Record<string, RoleSignIn> = { ...record?.roles };
  if (signIn) roles[role] = signIn;
  else delete roles[role];
  const names = Object.keys(roles);
  if (names.length === 0) return undefined;
  let active = activate && signIn ? role : (record?.active ?? role);
  if (!(active in roles)) active = names[0]!;
  return { v: 2, active, roles };
}

/** The role a token response was issued for, from its `scope` (`session:role:<ROLE>`). */
export function roleOfScope(scope: string | undefined): string | undefined {
  return /(?:^|\s)session:role:(\S+)/.exec(scope ?? '')?.[1];
}
