// What every credential module of the auth service shares: the host, the secret store, the person, HTTP, time,
// the one token cache and the change event.
import type { Emitter } from '../shared/events';
import type { RequestLimits } from '../shared/http';
import type { Logger } from '../shared/logger';
import { secretKey, type SecretRef, type SecretStore } from './secretStore';
import type { FileTokenReader } from './credentials/fileTokens';
import type { TokenCache } from './tokenCache';
import type { AuthChange, AuthPrompter, HostEnvironment } from './types';

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
  /** Retries for token endpoints (tests lower the backoff); the request time limits (the editor's setting). */
  readonly http?: { readonly retries?: number; readonly backoffMs?: number; readonly limits?: RequestLimits };
  /** How long an interactive OAuth sign-in waits for the browser; default 5 minutes. */
  readonly signInTimeoutMs?: number;
  /** Secret keys this service is writing: their change events are ours, not another window's. */
  readonly ownWrites: Map<string, number>;
  /** When each private key file's mtime was last looked at, so cached JWTs cost no file I/O. */
  readonly keyFileChecks: Map<string, { readonly checkedAt: number; readonly mtime: number }>;
}

/** What writing a secret needs. */
export type SecretWriteContext = Pick<AuthContext, 'secrets' | 'ownWrites'>;

/** Writes a secret, marking the change event it causes as our own (so it does not drop what we just minted). */
export async function storeSecret(ctx: SecretWriteContext, ref: SecretRef, value: string | undefined): Promise<void> {
  const key = secretKey(ref);
  if (value === undefined && (await ctx.secrets.get(ref)) === undefined) return;
  ctx.ownWrites.set(key, (ctx.ownWrites.get(key) ?? 0) + 1);
  try {
    if (value === undefined) await ctx.secrets.delete(ref);
    else await ctx.secrets.set(ref, value);
  } catch (err) {
    forgetOwnWrite(ctx.ownWrites, key);
    throw err;
  }
}

/** Consumes one pending own write of `key`; true when there was one. */
export function forgetOwnWrite(ownWrites: Map<string, number>, key: string): boolean {
  const n = ownWrites.get(key) ?? 0;
  if (n <= 0) return false;
  if (n === 1) ownWrites.delete(key);
  else ownWrites.set(key, n - 1);
  return true;
}

/** What a plain HTTP call needs (the login probe has only this, not the whole context). */
export type HttpContext = Pick<AuthContext, 'fetch' | 'logger' | 'now' | 'http'>;

// Each credential module takes only the slice it uses; the service hands the whole context to the entry points.

/** OAuth: token requests, the stored refresh token, the browser sign-in. */
export type OAuthContext = HttpContext &
  SecretWriteContext &
  Pick<AuthContext, 'cache' | 'changed' | 'prompter' | 'signInTimeoutMs'>;

/** Token files, Workbench's rotating token, PATs. */
export type TokenContext = Pick<AuthContext, 'host' | 'files' | 'secrets' | 'cache' | 'changed' | 'logger' | 'now'>;

/** Private keys, their passphrases and the JWTs minted from them. */
export type KeyPairContext = SecretWriteContext &
  Pick<AuthContext, 'host' | 'keyFileChecks' | 'now' | 'prompter' | 'logger' | 'cache'>;

/** Every kind of credential (the dispatchers in credentials.ts and ingress.ts). */
export type CredentialContext = OAuthContext & TokenContext & KeyPairContext;
