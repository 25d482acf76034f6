// What identifies a connection's definition, for everything that keeps state per connection (the tree's loaded
import type { ConnectionProfile } from '../auth/types';
// children, SQL sessions, minted credentials): when it changes, that state is stale.

/**
 * The connection as defined: account, where it is, who logs in and with which defaults. Credentials (a rotated token,
 * a new key file) are not part of it: they change how to log in, not what a session or the tree shows.
 */
export function definitionFingerprint(p: ConnectionProfile): string {
  return JSON.stringify([
    p.account,
    p.baseUrl,
    p.user,
    p.authenticator,
    p.role,
    p.warehouse,
    p.database,
    p.schema,
    p.source,
    p.file,
  ]);
}

const stamps = new WeakMap<ConnectionProfile, string>();

/** The definition and every parameter (credentials too): what a minted credential is tied to. */
export function credentialFingerprint(profile: ConnectionProfile): string {
  // Profiles are immutable (a file change makes new ones), so the stamp is computed once per profile.
  let stamp = stamps.get(profile);
  if (stamp === undefined) {
    stamp = JSON.stringify([definitionFingerprint(profile), profile.params]);
    stamps.set(profile, stamp);
  }
  return stamp;
}
