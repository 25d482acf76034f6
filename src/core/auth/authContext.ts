// What every credential module of the auth service shares: the host, the secret store, the person, HTTP, time,
// the one token cache and the change event.
import type { Emitter } from '../shared/events';
import type { Logger } from '../shared/logger';
import type { SecretStore } from './secretStore';
import type { FileTokenReader } from './fileTokens';
import type { TokenCache } from './tokenCache';
import type { AuthChange, AuthPrompter, ConnectionProfile, HostEnvironment } from './types';

export interface AuthContext {
  readonly host: HostEnvironment;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly prompter?: AuthPrompter;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly cache: TokenCache;
  readonly files: FileTokenReader;
  readonly changed: Emitter<AuthChange>;
  /** Retries for token endpoints (tests lower the backoff). */
  readonly http?: { readonly retries?: number; readonly backoffMs?: number };
  /** How long an interactive OAuth sign-in waits for the browser; default 5 minutes. */
  readonly signInTimeoutMs?: number;
}

/** What a plain HTTP call needs (the login probe has only this, not the whole context). */
export type HttpContext = Pick<AuthContext, 'fetch' | 'logger' | 'now' | 'http'>;

/** Cache keys: `<connection>|<audience>|...`, so invalidating a connection or an audience is a prefix drop. */
export function cacheKey(profile: ConnectionProfile, ...parts: string[]): string {
  return [profile.name, ...parts].join('|');
}

/** A stamp of what a credential is minted from: a change of file or parameters makes old entries misses. */
export function profileStamp(profile: ConnectionProfile): string {
  return JSON.stringify([profile.source, profile.file, profile.baseUrl, profile.account, profile.authenticator, profile.params]);
}
