// The one token cache: entries renewed before they expire (a safety margin), one mint in flight per key (callers
// arriving meanwhile share it), failures never cached, entries tied to a stamp of what they were minted from.

/** What an entry holds, for which connection: typed, so invalidating a connection needs no string matching. */
export type CacheKey =
  | { readonly kind: 'key' | 'jwt' | 'oauth'; readonly connection: string }
  | { readonly kind: 'ingress'; readonly connection: string; readonly host: string; readonly role: string };

export type CacheKind = CacheKey['kind'];

/** The one spelling of a key as a map key (JSON, so no connection name can collide with another's parts). */
function stringifyKey(key: CacheKey): string {
  return JSON.stringify(
    key.kind === 'ingress' ? [key.connection, key.kind, key.host, key.role] : [key.connection, key.kind],
  );
}

export interface Minted<T> {
  readonly value: T;
  /** Epoch ms after which the value must not be used. */
  readonly expiresAt: number;
  /** Epoch ms after which a new value is minted; default: expiry minus a margin (5 min, or a fifth of a short life). */
  readonly renewAt?: number;
}

interface Entry<T> extends Minted<T> {
  readonly key: CacheKey;
  readonly renewAt: number;
  readonly stamp: string;
  readonly mintedAt: number;
}

export const RENEW_MARGIN_MS = 5 * 60_000;

export function defaultRenewAt(now: number, expiresAt: number): number {
  const life = Math.max(0, expiresAt - now);
  return expiresAt - Math.min(RENEW_MARGIN_MS, life / 5);
}

export interface CacheOptions {
  readonly forceRefresh?: boolean;
  /** Tells whether a cached value is the one a server refused; with forceRefresh, any other cached value is reused. */
  readonly isRejected?: (value: unknown) => boolean;
  /**
   * Mint anew even while another caller's mint is in flight (an interactive sign-in must not take the failure of a
   * silent refresh that was running when the person clicked Sign In); later callers share this one.
   */
  readonly ownMint?: boolean;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly inflight = new Map<string, { stamp: string; promise: Promise<Entry<unknown>> }>();
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The cached value for `key` when it was minted from the same `stamp` and is not due for renewal; otherwise the
   * result of `mint`, shared with every concurrent caller for that key.
   */
  async get<T>(
    cacheKey: CacheKey,
    stamp: string,
    mint: () => Promise<Minted<T>>,
    opts: CacheOptions = {},
  ): Promise<Minted<T>> {
    const key = stringifyKey(cacheKey);
    const now = this.now();
    const entry = this.entries.get(key) as Entry<T> | undefined;
    // A forced refresh still shares a value another caller minted after the one the server refused.
    const refused = opts.forceRefresh && (!entry || !opts.isRejected || opts.isRejected(entry.value));
    if (entry && entry.stamp === stamp && now < entry.renewAt && !refused) return entry;
    const running = this.inflight.get(key);
    if (running && running.stamp === stamp && !opts.ownMint) return running.promise as Promise<Entry<T>>;
    const promise = this.mintEntry(key, cacheKey, stamp, mint);
    this.inflight.set(key, { stamp, promise });
    try {
      return await promise;
    } finally {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    }
  }

  private async mintEntry<T>(
    key: string,
    cacheKey: CacheKey,
    stamp: string,
    mint: () => Promise<Minted<T>>,
  ): Promise<Entry<T>> {
    const minted = await mint();
    const mintedAt = this.now();
    const entry: Entry<T> = {
      ...minted,
      key: cacheKey,
      renewAt: minted.renewAt ?? defaultRenewAt(mintedAt, minted.expiresAt),
      stamp,
      mintedAt,
    };
    this.entries.set(key, entry);
    return entry;
  }

  /** What is cached for `key` (no minting), e.g. to show when an access token expires. */
  peek<T>(cacheKey: CacheKey): (Minted<T> & { readonly mintedAt: number }) | undefined {
    return this.entries.get(stringifyKey(cacheKey)) as (Entry<T> & { mintedAt: number }) | undefined;
  }

  /** When the cached value for `key` expires, without minting (undefined when nothing is cached). */
  peekExpiry(cacheKey: CacheKey): number | undefined {
    return this.peek(cacheKey)?.expiresAt;
  }

  /** Drops a connection's entries: all of them, or only those of the given kinds. */
  invalidate(connection: string, kinds?: readonly CacheKind[]): void {
    for (const [key, entry] of [...this.entries]) {
      if (entry.key.connection === connection && (!kinds || kinds.includes(entry.key.kind))) this.entries.delete(key);
    }
  }
}
