// "Set Up Key-Pair Sign-In" without the prompts: a new key file, the public key set on the user over another working
// sign-in of the same account and user (or the statement kept for an administrator), checked with DESCRIBE USER, then
// the connection written and its login tested. Every check that can fail runs before the first write.
import { promises as fsp } from 'node:fs';
import type { AuthService, ConnectionProfile, ResolvedConnections } from '../types';
import type { ConnectionSecretWriter } from '../secretWriter';
import type { QueryResult } from '../../snowflake/sqlDriver';
import { appendConnection, editTomlFile, validateConnectionName } from '../../connections/edit/connectionsFileEditor';
import { connectionTable, setTableValues } from '../../connections/edit/connectionTable';
import { connectionsTarget } from '../../connections/edit/addConnection';
import { accountProblem, cleanAccount } from '../../connections/account';
import { SnowflakeExtError } from '../../shared/errors';
import { generateKey, keyFileFor, refuseExistingKeyFile, writeNewKeyFile, type GeneratedKey } from './keyFiles';
import { registerKey, setKeyStatement, userKeyFingerprints, type KeySlot, type SqlRunner } from './userKeys';

export interface KeySetupDeps {
  readonly auth: Pick<AuthService, 'connections' | 'reload' | 'getConnection'> & ConnectionSecretWriter;
  /** Runs a statement on a connection's SQL session (a SqlSessionManager's query). */
  readonly query: (profile: ConnectionProfile, sqlText: string, what: string) => Promise<QueryResult>;
  /** Logs in with the connection as it is now written and says who Snowflake says we are. */
  readonly testLogin: (profile: ConnectionProfile) => Promise<{ readonly user: string; readonly role: string }>;
}

export interface KeySetupOptions {
  readonly connection: string;
  /** Needed when the connection does not exist yet; otherwise its own account and user are used. */
  readonly account?: string;
  readonly user?: string;
  /** Encrypts the key; required unless `unencrypted`. Kept only in the editor's secret storage. */
  readonly passphrase?: string;
  readonly unencrypted?: boolean;
  readonly bits?: number;
  /** The sign-in to run ALTER USER over (default: the first working one of the same account and user). */
  readonly via?: string;
  /** False: run nothing at Snowflake, only give the statement (for an administrator). */
  readonly runStatement?: boolean;
  /** A new connection's other settings (Add Connection's role, warehouse, database, schema). */
  readonly settings?: Readonly<Partial<Record<'role' | 'warehouse' | 'database' | 'schema', string>>>;
}

export interface KeySetupResult {
  readonly connection: string;
  readonly connectionsFile: string;
  readonly keyFile: string;
  readonly fingerprint: string;
  /** The ALTER USER statement (to run by hand when `registeredVia` is undefined). */
  readonly statement: string;
  /** The sign-in the statement ran over, when it ran. */
  readonly registeredVia?: string;
  /** Why it did not run (no other sign-in, or Snowflake's refusal for lack of privilege). */
  readonly notRegistered?: string;
  /** Who the new key logs in as (only after it was registered). */
  readonly login?: { readonly user: string; readonly role: string };
  readonly loginError?: string;
  readonly encrypted: boolean;
}

const sameUser = (a: string | undefined, b: string): boolean => a !== undefined && a.toUpperCase() === b.toUpperCase();
const accountKey = (a: string): string => cleanAccount(a).account.toLowerCase();

/**
 * Connections of the same account and user that can run SQL for us (any kind of working sign-in). A connection named
 * with `via` may sign in as another user of the account (an administrator's), whose role then needs the privilege.
 */
export function helperSignIns(
  resolved: ResolvedConnections,
  account: string,
  user: string,
  via?: string,
): ConnectionProfile[] {
  const sameAccount = resolved.connections.filter((c) => accountKey(c.account) === accountKey(account));
  if (via === undefined) return sameAccount.filter((c) => sameUser(c.user, user));
  const chosen = sameAccount.find((c) => c.name === via);
  if (!chosen)
    throw new SnowflakeExtError('config', `"${via}" is not a connection of account ${account}.`, {
      text: 'Choose a connection of the same account, or leave it out to get the statement to run.',
    });
  return [chosen];
}

interface Plan {
  readonly name: string;
  readonly account: string;
  readonly user: string;
  readonly existing?: ConnectionProfile;
  readonly keyFile: string;
  readonly helpers: ConnectionProfile[];
  readonly resolved: ResolvedConnections;
}

/** Everything checked before a key is generated: names, account, user, passphrase choice, the key file's absence. */
async function plan(deps: KeySetupDeps, o: KeySetupOptions): Promise<Plan> {
  const name = validateConnectionName(o.connection);
  const resolved = await deps.auth.connections();
  const existing = resolved.connections.find((c) => c.name === name);
  if (existing) connectionTable(existing); // refuses Workbench-managed and environment connections
  const account = cleanAccount(o.account ?? existing?.account ?? '').account;
  const user = (o.user ?? existing?.user ?? '').trim();
  if (!account)
    throw new SnowflakeExtError('config', `Connection "${name}" does not exist yet, so it needs an account.`, {
      text: 'Give the account identifier (--account myorg-myaccount).',
    });
  const problem = accountProblem(account);
  if (problem) throw new SnowflakeExtError('config', `"${account}" is not an account identifier: ${problem}.`);
  if (!user)
    throw new SnowflakeExtError('config', `Key-pair sign-in needs a Snowflake user, and "${name}" has none.`, {
      text: 'Give the user the key belongs to (--user NAME, or user = "NAME" in the connection).',
    });
  if (!o.unencrypted && !o.passphrase)
    throw new SnowflakeExtError('config', 'An encrypted key needs a passphrase.', {
      text: 'Type a passphrase (kept in the editor’s secret storage), or ask for an unencrypted key.',
    });
  const keyFile = keyFileFor(resolved.userDirectory ?? resolved.directory, name);
  await refuseExistingKeyFile(keyFile);
  return {
    name,
    account,
    user,
    keyFile,
    resolved,
    helpers: o.runStatement === false ? [] : helperSignIns(resolved, account, user, o.via),
    ...(existing ? { existing } : {}),
  };
}

/** The slot a first key goes into: an empty one; with both full, nothing is replaced (Rotate Key does that). */
async function slotFor(run: SqlRunner, user: string): Promise<KeySlot> {
  const fps = await userKeyFingerprints(run, user);
  if (!fps.RSA_PUBLIC_KEY) return 'RSA_PUBLIC_KEY';
  if (!fps.RSA_PUBLIC_KEY_2) return 'RSA_PUBLIC_KEY_2';
  throw new SnowflakeExtError(
    'config',
    `User ${user} has public keys in both RSA_PUBLIC_KEY (${fps.RSA_PUBLIC_KEY}) and RSA_PUBLIC_KEY_2 (${fps.RSA_PUBLIC_KEY_2}); setting a new one would lock out whatever uses the key it replaces.`,
    { text: "Run 'Snowflake: Rotate Key' on the connection that uses one of them, or unset the unused one." },
  );
}

type Registration = Pick<KeySetupResult, 'statement' | 'registeredVia' | 'notRegistered'>;

async function register(deps: KeySetupDeps, p: Plan, key: GeneratedKey): Promise<Registration> {
  const helper = p.helpers[0];
  const statement = setKeyStatement(p.user, 'RSA_PUBLIC_KEY', key.publicKeyBody);
  if (!helper) return { statement, notRegistered: `No other sign-in for ${p.user} on ${p.account} can run it.` };
  const run: SqlRunner = (sql, what) => deps.query(helper, sql, what);
  let slot: KeySlot;
  try {
    slot = await slotFor(run, p.user);
  } catch (err) {
    if (err instanceof SnowflakeExtError && err.refusal === 'privilege')
      return { statement, notRegistered: `Snowflake refused ${helper.name}'s role: ${err.message}` };
    throw err;
  }
  const outcome = await registerKey(run, p.user, slot, key);
  if (outcome.status === 'noPrivilege')
    return {
      statement: outcome.statement,
      notRegistered: `Snowflake refused it for lack of privilege (over "${helper.name}"): ${outcome.reason}`,
    };
  return { statement: setKeyStatement(p.user, slot, key.publicKeyBody), registeredVia: helper.name };
}

/** Adds the table, or points the existing one at the new key; returns the file written. */
async function writeConnection(p: Plan, keyFile: string, settings: KeySetupOptions['settings'] = {}): Promise<string> {
  const values = { user: p.user, authenticator: 'SNOWFLAKE_JWT', private_key_file: keyFile };
  if (p.existing) {
    const t = connectionTable(p.existing);
    // A key path written under the alias would shadow the new one (the clients read either).
    const patch = { ...values, private_key_path: undefined, private_key_raw: undefined };
    return (await editTomlFile(t.file, (text) => setTableValues(text, t.path, patch, t.file))).file;
  }
  const target = await connectionsTarget(p.resolved);
  // A PrivateLink or custom host of the same account applies to the new connection too.
  const via = p.helpers[0]?.params;
  const reach = Object.fromEntries(
    ['host', 'port', 'protocol'].flatMap((k) => (via?.[k] !== undefined ? [[k, via[k]!]] : [])),
  );
  const table = { account: p.account, ...values, ...reach, ...settings };
  const res = await editTomlFile(target.file, (text) =>
    appendConnection(text, p.name, table, { tablePrefix: target.tablePrefix, file: target.file }),
  );
  return res.file;
}

export async function setUpKeyPair(deps: KeySetupDeps, o: KeySetupOptions): Promise<KeySetupResult> {
  const p = await plan(deps, o);
  const key = generateKey({
    ...(o.bits ? { bits: o.bits } : {}),
    ...(o.unencrypted ? {} : { passphrase: o.passphrase }),
  });
  await writeNewKeyFile(p.keyFile, key.privateKeyPem);
  let reg: Registration;
  try {
    reg = await register(deps, p, key);
  } catch (err) {
    await fsp.rm(p.keyFile, { force: true }); // nothing at Snowflake refers to it
    throw err;
  }
  let connectionsFile: string;
  try {
    connectionsFile = await writeConnection(p, p.keyFile, o.settings);
  } catch (err) {
    if (!reg.registeredVia) {
      await fsp.rm(p.keyFile, { force: true });
      throw err;
    }
    // The user's key now is this file: keep it, and say how to finish by hand.
    throw new SnowflakeExtError(
      'config',
      `The new key (${key.fingerprint}) is set on user ${p.user} and saved in ${p.keyFile}, but the connection could not be written: ${(err as Error).message}`,
      { text: `Set private_key_file = "${p.keyFile}" and authenticator = "SNOWFLAKE_JWT" in connection "${p.name}".` },
      undefined,
      { cause: err },
    );
  }
  await deps.auth.setSecret(p.name, 'keyPassphrase', o.unencrypted ? undefined : o.passphrase);
  await deps.auth.reload();
  const base = {
    connection: p.name,
    connectionsFile,
    keyFile: p.keyFile,
    fingerprint: key.fingerprint,
    encrypted: key.encrypted,
    ...reg,
  };
  if (!reg.registeredVia) return base;
  try {
    return { ...base, login: await deps.testLogin(await deps.auth.getConnection(p.name)) };
  } catch (err) {
    return { ...base, loginError: err instanceof Error ? err.message : String(err) };
  }
}
