// ALTER USER … SET / UNSET RSA_PUBLIC_KEY[_2] with Snowflake's rules on who may run it.
// Syntax and slots: docs.snowflake.com/en/sql-reference/sql/alter-user (objectProperties RSA_PUBLIC_KEY,
// RSA_PUBLIC_KEY_2; the user name may be left out for the current user) and docs.snowflake.com/en/user-guide/
// key-pair-auth (the key is the PEM body without its BEGIN/END lines; two slots exist so a key can be rotated).
// Who may: ALTER USER's usage notes let a user change their own key properties; another user's need OWNERSHIP of that
// user (users are owned by USERADMIN, which SECURITYADMIN and ACCOUNTADMIN inherit: docs.snowflake.com/en/user-guide/
// security-access-control-overview, system-defined roles) or the MODIFY PROGRAMMATIC AUTHENTICATION METHODS privilege
// on it (docs.snowflake.com/en/user-guide/security-access-control-privileges, User privileges).
import crypto from 'node:crypto';
import { T } from './catalog';
import { SqlError, type QueryResult } from './show';
import type { Cursor } from './sqlLexer';
import type { EmulatorState, Session } from './state';

const OWNER_ROLES = new Set(['USERADMIN', 'SECURITYADMIN', 'ACCOUNTADMIN']);
const SLOTS: Readonly<Record<string, 0 | 1>> = { RSA_PUBLIC_KEY: 0, RSA_PUBLIC_KEY_2: 1 };
const OK: QueryResult = { columns: [{ name: 'status', t: T.varchar() }], rows: [['Statement executed successfully.']] };

/** Who may change a user's keys and PATs: the user, an owning role, or MODIFY PROGRAMMATIC AUTHENTICATION METHODS. */
export function mayModifyAuthentication(state: EmulatorState, s: Session, target: string): boolean {
  if (target === s.user.toUpperCase()) return true;
  return OWNER_ROLES.has(s.role) || state.modifyAuthGrants.has(`${s.role}|${target}`);
}

function slotOf(c: Cursor): 0 | 1 {
  const t = c.next();
  const slot = t.kind === 'word' ? SLOTS[t.value] : undefined;
  if (slot === undefined)
    throw new SqlError('001003', '42000', `SQL compilation error:\ninvalid property '${t.text}' for 'USER'`);
  return slot;
}

/**
 * Reads a public key the way Snowflake accepts it: the base64 body (armour and line breaks tolerated). A value that is
 * not an RSA public key is refused; Snowflake's code for that is not documented, so only the refusal is relied upon.
 */
function publicKeyOf(text: string): crypto.KeyObject {
  const body = text.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  try {
    return crypto.createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new SqlError('002029', '22023', 'New public key rejected by current policy. reason: Invalid public key');
  }
}

/** After `ALTER USER` has been read: `[IF EXISTS] [name] SET slot = '…'` or `[IF EXISTS] [name] UNSET slot`. */
export function alterUserKeys(state: EmulatorState, s: Session, c: Cursor): QueryResult {
  const ifExists = c.accept('IF', 'EXISTS');
  const named = !(c.peek()?.kind === 'word' && (c.peek()?.value === 'SET' || c.peek()?.value === 'UNSET'));
  const name = named ? c.ident() : s.user.toUpperCase();
  const user = state.user(name);
  const set = c.accept('SET');
  if (!set) c.expect('UNSET');
  const slot = slotOf(c);
  let key: crypto.KeyObject | undefined;
  if (set) {
    c.expect('=');
    key = publicKeyOf(c.string());
  }
  c.end();
  if (!user) {
    if (ifExists) return OK;
    throw new SqlError('002003', '02000', `SQL compilation error:\nUser '${name}' does not exist or not authorized.`);
  }
  if (!mayModifyAuthentication(state, s, user.name))
    throw new SqlError(
      '003001',
      '42501',
      `SQL access control error:\nInsufficient privileges to operate on user '${user.name}'`,
    );
  if (key) state.addPublicKey(user.name, key, slot);
  else {
    const fp = user.keySlots[slot];
    if (fp !== undefined) state.removePublicKey(user.name, fp);
  }
  return OK;
}
