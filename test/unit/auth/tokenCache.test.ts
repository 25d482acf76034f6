// The one token cache: renewal margin, one mint in flight per key, failures not kept, forced refresh after a refusal.
import assert from 'node:assert/strict';
import { TokenCache, type CacheKey } from '../../../src/core/auth/tokenCache';

const K: CacheKey = { kind: 'jwt', connection: 'k' };

describe('TokenCache', () => {
  let now = 1_000_000;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  function minter(
    lifetimeMs: number,
    renewMarginMs?: number,
  ): { mint: () => Promise<{ value: string; expiresAt: number; renewAt?: number }>; count: () => number } {
    let n = 0;
    return {
      mint: async () => {
        n++;
        await new Promise((r) => setTimeout(r, 5));
        return {
          value: `t${n}`,
          expiresAt: now + lifetimeMs,
          ...(renewMarginMs !== undefined ? { renewAt: now + lifetimeMs - renewMarginMs } : {}),
        };
      },
      count: () => n,
    };
  }

  it('20 concurrent callers share one mint', async () => {
    const cache = new TokenCache(clock);
    const m = minter(3_540_000, 300_000);
    const values = await Promise.all(
      Array.from({ length: 20 }, () => cache.get({ kind: 'jwt', connection: 'c' }, 's', m.mint)),
    );
    assert.equal(m.count(), 1);
    assert.ok(values.every((v) => v.value === 't1'));
  });

  it('a JWT is reused until less than 5 minutes remain, then renewed', async () => {
    const cache = new TokenCache(clock);
    const m = minter(3_540_000, 300_000);
    assert.equal((await cache.get(K, 's', m.mint)).value, 't1');
    now += 3_540_000 - 300_001;
    assert.equal((await cache.get(K, 's', m.mint)).value, 't1');
    now += 2;
    assert.equal((await cache.get(K, 's', m.mint)).value, 't2');
  });

  it('a short-lived token (600 s) is renewed a fifth of its life before expiry', async () => {
    const cache = new TokenCache(clock);
    const m = minter(600_000);
    await cache.get(K, 's', m.mint);
    now += 479_000;
    assert.equal((await cache.get(K, 's', m.mint)).value, 't1');
    now += 2_000;
    assert.equal((await cache.get(K, 's', m.mint)).value, 't2');
  });

  it('failures are not cached, and the next caller mints again', async () => {
    const cache = new TokenCache(clock);
    let n = 0;
    const mint = async (): Promise<{ value: string; expiresAt: number }> => {
      n++;
      if (n === 1) throw new Error('boom');
      return { value: 'ok', expiresAt: now + 600_000 };
    };
    await assert.rejects(cache.get(K, 's', mint), /boom/);
    assert.equal((await cache.get(K, 's', mint)).value, 'ok');
  });

  it('ownMint (Sign In) does not take the failure of a silent refresh in flight; later callers share its value', async () => {
    const cache = new TokenCache(clock);
    let refuse!: (e: Error) => void;
    const silent = cache.get(K, 's', () => new Promise<never>((_, reject) => (refuse = reject)));
    const signIn = cache.get(K, 's', async () => ({ value: 'signed-in', expiresAt: now + 600_000 }), {
      forceRefresh: true,
      ownMint: true,
    });
    refuse(new Error('refresh token revoked'));
    await assert.rejects(silent, /revoked/);
    assert.equal((await signIn).value, 'signed-in');
    assert.equal((await cache.get(K, 's', () => Promise.reject(new Error('not asked')))).value, 'signed-in');
  });

  it('a different stamp (the file or parameters changed) is a miss', async () => {
    const cache = new TokenCache(clock);
    const m = minter(600_000);
    await cache.get(K, 's1', m.mint);
    assert.equal((await cache.get(K, 's2', m.mint)).value, 't2');
  });

  it('forceRefresh replaces only the refused value; a newer one is shared', async () => {
    const cache = new TokenCache(clock);
    const m = minter(600_000);
    await cache.get(K, 's', m.mint);
    const refreshed = await cache.get(K, 's', m.mint, { forceRefresh: true, isRejected: (v) => v === 't1' });
    assert.equal(refreshed.value, 't2');
    const late = await cache.get(K, 's', m.mint, { forceRefresh: true, isRejected: (v) => v === 't1' });
    assert.equal(late.value, 't2');
    assert.equal(m.count(), 2);
  });

  it('invalidate drops one connection, all kinds or only those named', async () => {
    const cache = new TokenCache(clock);
    const m = minter(600_000);
    const jwt = (connection: string): CacheKey => ({ kind: 'jwt', connection });
    const ingress: CacheKey = { kind: 'ingress', connection: 'a', host: 'app.example', role: '' };
    await cache.get(jwt('a'), 's', m.mint); // t1
    await cache.get(jwt('ab'), 's', m.mint); // t2
    await cache.get(ingress, 's', m.mint); // t3
    cache.invalidate('a', ['ingress']);
    assert.equal((await cache.get(jwt('a'), 's', m.mint)).value, 't1', 'a jwt survives an ingress-only drop');
    assert.equal((await cache.get(ingress, 's', m.mint)).value, 't4');
    cache.invalidate('a');
    assert.equal((await cache.get(jwt('a'), 's', m.mint)).value, 't5');
    assert.equal((await cache.get(ingress, 's', m.mint)).value, 't6');
    assert.equal((await cache.get(jwt('ab'), 's', m.mint)).value, 't2', 'a connection whose name extends it is kept');
  });

  it('a connection named like another key part is its own entry', async () => {
    const cache = new TokenCache(clock);
    const m = minter(600_000);
    await cache.get({ kind: 'jwt', connection: 'a|jwt' }, 's', m.mint);
    assert.equal((await cache.get({ kind: 'jwt', connection: 'a' }, 's', m.mint)).value, 't2');
  });
});
