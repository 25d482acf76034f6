// The user's two public-key slots at Snowflake (RSA_PUBLIC_KEY, RSA_PUBLIC_KEY_2): the ALTER USER statements that set
// and unset them, DESCRIBE USER's fingerprints, and registering a key over an existing sign-in, checked by fingerprint.
// Statements and property names: docs.snowflake.com/en/user-guide/key-pair-auth (assign, verify, rotate).
import type { QueryResult } from '../../snowflake/sqlDriver';
import { quoteIdentifier } from '../../snowflake/identifiers';
import { SnowflakeExtError } from '../../shared/errors';

export type KeySlot = 'RSA_PUBLIC_KEY' | 'RSA_PUBLIC_KEY_2';
export const KEY_SLOTS: readonly KeySlot[] = ['RSA_PUBLIC_KEY', 'RSA_PUBLIC_KEY_2'];

/** Runs one statement on a working sign-in (a SQL session); `what` says what it is for, in the person's words. */
export type SqlRunner = (sqlText: string, what: string) => Promise<QueryResult>;

/** Login names are case-insensitive, so a plain name is written unquoted (upper case); others keep their quotes. */
function userName(user: string): string {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(user) ? quoteIdentifier(user.toUpperCase()) : quoteIdentifier(user);
}

export function setKeyStatement(user: string, slot: KeySlot, publicKeyBody: string): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(publicKeyBody))
    throw new SnowflakeExtError('internal', 'The public key is not base64 text.');
  return `ALTER USER ${userName(user)} SET ${slot}='${publicKeyBody}'`;
}

export function unsetKeyStatement(user: string, slot: KeySlot): string {
  return `ALTER USER ${userName(user)} UNSET ${slot}`;
}

export function describeUserStatement(user: string): string {
  return `DESCRIBE USER ${userName(user)}`;
}

/** Fingerprints of both slots (undefined when empty), from DESCRIBE USER's property/value rows. */
export async function userKeyFingerprints(run: SqlRunner, user: string): Promise<Record<KeySlot, string | undefined>> {
  const result = await run(describeUserStatement(user), `Reading the keys of user ${user}`);
  const prop = result.columns.findIndex((c) => c.name.toLowerCase() === 'property');
  const value = result.columns.findIndex((c) => c.name.toLowerCase() === 'value');
  const fp = (name: string): string | undefined => {
    const v = result.rows.find((r) => r[prop] === name)?.[value];
    return v && v !== 'null' ? v : undefined;
  };
  return { RSA_PUBLIC_KEY: fp('RSA_PUBLIC_KEY_FP'), RSA_PUBLIC_KEY_2: fp('RSA_PUBLIC_KEY_2_FP') };
}

/** True when Snowflake refused the statement for lack of privilege (SQL access control error, 003001). */
export function isPrivilegeRefusal(err: unknown): boolean {
  return err instanceof SnowflakeExtError && (err.refusal === 'privilege' || err.code === '003001');
}

export type RegisterOutcome =
  | { readonly status: 'registered'; readonly slot: KeySlot }
  | { readonly status: 'noPrivilege'; readonly statement: string; readonly reason: string };

/**
 * Sets the key into the slot and reads it back: the slot's fingerprint must be ours. A refusal for lack of privilege is
 * an outcome (the statement is kept for an administrator); any other failure is thrown.
 */
export async function registerKey(
  run: SqlRunner,
  user: string,
  slot: KeySlot,
  key: { readonly publicKeyBody: string; readonly fingerprint: string },
): Promise<RegisterOutcome> {
  const statement = setKeyStatement(user, slot, key.publicKeyBody);
  try {
    await run(statement, `Setting ${slot} of user ${user}`);
  } catch (err) {
    if (isPrivilegeRefusal(err)) return { status: 'noPrivilege', statement, reason: (err as Error).message };
    throw err;
  }
  const fps = await userKeyFingerprints(run, user);
  if (fps[slot] !== key.fingerprint) {
    throw new SnowflakeExtError(
      'auth',
      `After ALTER USER, DESCRIBE USER shows ${slot}_FP ${fps[slot] ?? '(empty)'}, not the new key's ${key.fingerprint}.`,
      { text: `Run DESCRIBE USER ${user} and compare ${slot}_FP with ${key.fingerprint}.` },
    );
  }
  return { status: 'registered', slot };
}

/** The slot a rotation writes into: the empty one, or the one not holding the key in use. */
export function freeSlot(fps: Record<KeySlot, string | undefined>, current: string): KeySlot {
  if (fps.RSA_PUBLIC_KEY === current) return 'RSA_PUBLIC_KEY_2';
  if (fps.RSA_PUBLIC_KEY_2 === current) return 'RSA_PUBLIC_KEY';
  if (!fps.RSA_PUBLIC_KEY) return 'RSA_PUBLIC_KEY';
  return 'RSA_PUBLIC_KEY_2';
}
