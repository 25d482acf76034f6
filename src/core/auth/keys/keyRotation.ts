// "Rotate Key" without the prompts (Snowflake's rotation steps, docs.snowflake.com/en/user-guide/key-pair-auth#
// configuring-key-pair-rotation): a new key into the free slot, checked by fingerprint and by a login with it, then
// the connections that used the old key file switched to the new one, then the old slot unset.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { AuthService, ConnectionProfile, HostEnvironment } from '../types';
import { userPath } from '../../connections/connectionDirectory';
import { stringParam } from '../../connections/connectionParams';
import { editTomlFile } from '../../connections/edit/connectionsFileEditor';
import { connectionTable, setTableValues } from '../../connections/edit/connectionTable';
import { SnowflakeExtError } from '../../shared/errors';
import type { KeySetupDeps } from './keyPairSetup';
import { generateKey, keyFileFor, refuseExistingKeyFile, writeNewKeyFile } from './keyFiles';
import {
  freeSlot,
  registerKey,
  unsetKeyStatement,
  userKeyFingerprints,
  type KeySlot,
  type SqlRunner,
} from './userKeys';

export interface KeyRotationDeps extends KeySetupDeps {
  readonly auth: KeySetupDeps['auth'] & Pick<AuthService, 'describeKey'>;
  readonly host: Pick<HostEnvironment, 'homedir' | 'platform'>;
  readonly now?: () => Date;
}

export interface KeyRotationOptions {
  readonly connection: string;
  /** The new key's passphrase (required unless `unencrypted`). */
  readonly passphrase?: string;
  readonly unencrypted?: boolean;
  readonly bits?: number;
}

export interface KeyRotationResult {
  readonly connection: string;
  readonly keyFile: string;
  readonly oldKeyFile: string;
  readonly fingerprint: string;
  readonly oldFingerprint: string;
  readonly slot: KeySlot;
  readonly oldSlot: KeySlot;
  /** Connections switched to the new key (this one and every other of the same user that used the old file). */
  readonly switched: readonly string[];
  /** Connections that use the old key file for another account or user: left as they were. */
  readonly leftAlone: readonly string[];
  /** Set when the old slot could not be unset (the message says why); the old key then still works. */
  readonly oldSlotKept?: string;
}

function keyFileOf(host: KeyRotationDeps['host'], c: ConnectionProfile): string | undefined {
  const f = stringParam(c.params, 'private_key_file');
  return f === undefined ? undefined : path.resolve(userPath(host, f));
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '_');

interface Rotation {
  readonly profile: ConnectionProfile;
  readonly user: string;
  readonly oldKeyFile: string;
  readonly oldFingerprint: string;
  readonly keyFile: string;
  readonly sharing: ConnectionProfile[];
  readonly leftAlone: string[];
}

async function planRotation(deps: KeyRotationDeps, o: KeyRotationOptions): Promise<Rotation> {
  const profile = await deps.auth.getConnection(o.connection);
  const oldKeyFile = keyFileOf(deps.host, profile);
  if (profile.authenticator !== 'SNOWFLAKE_JWT' || oldKeyFile === undefined)
    throw new SnowflakeExtError('config', `Connection "${profile.name}" does not sign in with a key file.`, {
      text: "Use 'Snowflake: Set Up Key-Pair Sign-In' to give it one.",
    });
  if (!profile.user)
    throw new SnowflakeExtError('config', `Connection "${profile.name}" has no user, so its key cannot be rotated.`, {
      text: 'Add user = "NAME" to the connection.',
    });
  if (!o.unencrypted && !o.passphrase)
    throw new SnowflakeExtError('config', 'An encrypted key needs a passphrase.', {
      text: 'Type a passphrase for the new key, or ask for an unencrypted key.',
    });
  const resolved = await deps.auth.connections();
  const users = resolved.connections.filter((c) => keyFileOf(deps.host, c) === oldKeyFile);
  const same = (c: ConnectionProfile): boolean =>
    c.account.toLowerCase() === profile.account.toLowerCase() && c.user?.toUpperCase() === profile.user?.toUpperCase();
  const sharing = users.filter(same);
  for (const c of sharing) connectionTable(c); // every one must be editable, or none is switched
  const dir = resolved.userDirectory ?? resolved.directory;
  const keyFile = keyFileFor(dir, profile.name, `_${stamp(deps.now?.() ?? new Date())}`);
  await refuseExistingKeyFile(keyFile);
  const oldFingerprint = (await deps.auth.describeKey(profile)).fingerprint;
  return {
    profile,
    user: profile.user,
    oldKeyFile,
    oldFingerprint,
    keyFile,
    sharing,
    leftAlone: users.filter((c) => !same(c)).map((c) => c.name),
  };
}

/** Which slot the key in use is in, and which one the new key goes to; a third key is never overwritten. */
async function slots(run: SqlRunner, r: Rotation): Promise<{ slot: KeySlot; oldSlot: KeySlot }> {
  const fps = await userKeyFingerprints(run, r.user);
  const oldSlot: KeySlot | undefined =
    fps.RSA_PUBLIC_KEY === r.oldFingerprint
      ? 'RSA_PUBLIC_KEY'
      : fps.RSA_PUBLIC_KEY_2 === r.oldFingerprint
        ? 'RSA_PUBLIC_KEY_2'
        : undefined;
  if (!oldSlot)
    throw new SnowflakeExtError(
      'auth',
      `The key of "${r.profile.name}" (${r.oldFingerprint}) is in neither RSA_PUBLIC_KEY_FP nor RSA_PUBLIC_KEY_2_FP of user ${r.user}.`,
      { text: `Compare DESCRIBE USER ${r.user} with the connection's key file ${r.oldKeyFile}.` },
    );
  const slot = freeSlot(fps, r.oldFingerprint);
  const other = fps[slot];
  if (other)
    throw new SnowflakeExtError(
      'config',
      `${slot} of user ${r.user} holds another key (${other}); rotating would replace it and lock out whatever uses it.`,
      { text: `If nothing uses it any more, run ${unsetKeyStatement(r.user, slot)} and rotate again.` },
    );
  return { slot, oldSlot };
}

export async function rotateKey(deps: KeyRotationDeps, o: KeyRotationOptions): Promise<KeyRotationResult> {
  const r = await planRotation(deps, o);
  const run: SqlRunner = (sql, what) => deps.query(r.profile, sql, what);
  const { slot, oldSlot } = await slots(run, r);
  const key = generateKey({
    ...(o.bits ? { bits: o.bits } : {}),
    ...(o.unencrypted ? {} : { passphrase: o.passphrase }),
  });
  await writeNewKeyFile(r.keyFile, key.privateKeyPem);
  try {
    const outcome = await registerKey(run, r.user, slot, key);
    if (outcome.status === 'noPrivilege')
      throw new SnowflakeExtError(
        'permission',
        `Snowflake refused to set ${slot} on user ${r.user}: ${outcome.reason}`,
        {
          text: `Ask an administrator to run: ${outcome.statement}`,
        },
      );
    // The new key must log in before anything points at it (the passphrase stays in memory for this one login).
    const trial: ConnectionProfile = {
      ...r.profile,
      name: `${r.profile.name} (new key)`,
      params: {
        ...r.profile.params,
        private_key_file: r.keyFile,
        ...(o.passphrase && !o.unencrypted ? { private_key_file_pwd: o.passphrase } : {}),
      },
    };
    await deps.testLogin(trial);
  } catch (err) {
    await fsp.rm(r.keyFile, { force: true });
    await run(unsetKeyStatement(r.user, slot), `Removing the unused new key of ${r.user}`).catch(() => undefined);
    throw err;
  }
  return finishRotation(deps, o, r, { slot, oldSlot, fingerprint: key.fingerprint });
}

/** Switches the connections to the new file, stores the passphrase under each, then unsets the old slot. */
async function finishRotation(
  deps: KeyRotationDeps,
  o: KeyRotationOptions,
  r: Rotation,
  k: { slot: KeySlot; oldSlot: KeySlot; fingerprint: string },
): Promise<KeyRotationResult> {
  for (const c of r.sharing) {
    const t = connectionTable(c);
    await editTomlFile(t.file, (text) =>
      setTableValues(text, t.path, { private_key_file: r.keyFile, private_key_path: undefined }, t.file),
    );
    await deps.auth.setSecret(c.name, 'keyPassphrase', o.unencrypted ? undefined : o.passphrase);
  }
  await deps.auth.reload();
  const base = {
    connection: r.profile.name,
    keyFile: r.keyFile,
    oldKeyFile: r.oldKeyFile,
    fingerprint: k.fingerprint,
    oldFingerprint: r.oldFingerprint,
    slot: k.slot,
    oldSlot: k.oldSlot,
    switched: r.sharing.map((c) => c.name),
    leftAlone: r.leftAlone,
  };
  if (r.leftAlone.length > 0)
    return {
      ...base,
      oldSlotKept: `${r.leftAlone.join(', ')} still use the old key file for another user or account.`,
    };
  try {
    const fresh = await deps.auth.getConnection(r.profile.name);
    await deps.query(fresh, unsetKeyStatement(r.user, k.oldSlot), `Unsetting the old key of ${r.user}`);
    return base;
  } catch (err) {
    return { ...base, oldSlotKept: err instanceof Error ? err.message : String(err) };
  }
}
