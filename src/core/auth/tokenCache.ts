// The one token cache: entries renewed before they expire (a safety margin), one mint in flight per key (callers
// arriving meanwhile share it), failures never cached, entries tied to a stamp of what they were minted from.

export interface Minted<T> {
  readonly value: T;
  /** Epoch ms after which the value must not be used. */
  readonly expiresAt: number;
  /** Epoch ms after which a new value is minted; default: expiry minus a margin (5 min, or a fifth of a short life). */
  readonly renewAt?: number;
}

interface Entry<T> extends Minted<T> {
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
}

export class TokenCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly inflight = new Map<string, { stamp: string; promise: Promise<Entry<unknown>> }>();
  /** Counts mints (for the doctor's log and the tests). */
  mints = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The cached value for `key` when it was minted from the same `stamp` and is not due for renewal; otherwise the
   * result of `mint`, shared with every concurrent caller for that key.
   */
  async get<T>(
    key: string,
    stamp: string,
    mint: () => Promise<Minted<T>>,
    opts: CacheOptions = {},
  ): Promise<Minted<T>> {
    const now = this.now();
    const entry = this.entries.get(key) as Entry<T> | undefined;
    // A forced refresh still shares a value another caller minted after the one the server refused.
    const refused = opts.forceRefresh && (!entry || !opts.isRejected || opts.isRejected(entry.value));
    if (entry && entry.stamp === stamp && now < entry.renewAt && !refused) return entry;
    const running = this.inflight.get(key);
    if (running && running.stamp === stamp) return running.promise as Promise<Entry<T>>;
    const promise = this.mintEntry(key, stamp, mint);
    this.inflight.set(key, { stamp, promise });
    try {
      return await promise;
    } finally {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    }
  }

  private async mintEntry<T>(key: string, stamp: string, mint: () => Promise<Minted<T>>): Promise<Entry<T>> {
    this.mints++;
    const minted = await mint();
    const mintedAt = this.now();
    const entry: Entry<T> = {
      ...minted,
      renewAt: minted.renewAt ?? defaultRenewAt(mintedAt, minted.expiresAt),
      stamp,
      mintedAt,
    };
    this.entries.set(key, entry);
    return entry;
  }

  /** Drops every entry whose key starts with `prefix` (a connection, or a connection and audience). */
  invalidate(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
