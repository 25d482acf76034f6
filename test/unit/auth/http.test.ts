// fetchWithRetry against a real local server: retries on 429/5xx honouring Retry-After, typed errors, cancellation.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchWithRetry, HttpError, parseRetryAfter } from '../../../src/core/shared/http';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';

type Reply = { status: number; headers?: Record<string, string>; body?: string; hang?: boolean };

async function serve(replies: Reply[]): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    const r = replies[Math.min(n++, replies.length - 1)]!;
    if (r.hang) return;
    res.writeHead(r.status, { 'Content-Type': 'application/json', ...(r.headers ?? {}) });
    res.end(r.body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token-request?x=1`;
  return {
    url,
    hits: () => n,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('fetchWithRetry', () => {
  it('retries a 429 after the Retry-After the server gave, then returns the answer', async () => {
    const s = await serve([
      { status: 429, headers: { 'Retry-After': '0' } },
      { status: 200, body: '{"ok":true}' },
    ]);
    const log = new MemoryLogger();
    try {
      const res = await fetchWithRetry(s.url, { retries: 2, backoffMs: 1, logger: log });
      assert.deepEqual(await res.json(), { ok: true });
      assert.equal(s.hits(), 2);
      assert.match(log.lines.join('\n'), /answered HTTP 429; retrying/);
    } finally {
      await s.close();
    }
  });

  it('retries 5xx with backoff and raises HttpError with status, headers and the server message', async () => {
    const s = await serve([
      { status: 503, headers: { 'X-Req': 'abc' }, body: '{"message":"Service is busy","token":"abcdefgh"}' },
    ]);
    try {
      const err = await fetchWithRetry(s.url, { method: 'POST', body: 'a=1', retries: 2, backoffMs: 1 }).catch(
        (e: unknown) => e,
      );
      assert.ok(err instanceof HttpError);
      assert.equal(err.status, 503);
      assert.equal(err.kind, 'server');
      assert.equal(err.headers.get('x-req'), 'abc');
      assert.equal(err.message, `POST ${s.url.split('?')[0]} failed with HTTP 503: Service is busy.`);
      assert.ok(!err.bodySnippet.includes('abcdefgh'), 'the body snippet is redacted');
      assert.equal(s.hits(), 3);
    } finally {
      await s.close();
    }
  });

  it('does not retry a 400 and does not retry when Retry-After exceeds the longest wait', async () => {
    const s = await serve([{ status: 400, body: '{"error":"invalid_grant"}' }]);
    const s2 = await serve([{ status: 429, headers: { 'Retry-After': '3600' } }]);
    try {
      const e1 = await fetchWithRetry(s.url, { retries: 3, backoffMs: 1 }).catch((e: unknown) => e);
      assert.ok(e1 instanceof HttpError && e1.status === 400);
      assert.equal(s.hits(), 1);
      const e2 = await fetchWithRetry(s2.url, { retries: 3, backoffMs: 1 }).catch((e: unknown) => e);
      assert.ok(e2 instanceof HttpError);
      assert.equal(e2.kind, 'rateLimit');
      assert.equal(e2.fix?.text, 'Try again in 3600 s.');
      assert.equal(s2.hits(), 1);
    } finally {
      await s.close();
      await s2.close();
    }
  });

  it('returns accepted statuses to the caller', async () => {
    const s = await serve([{ status: 401, body: '{"code":"390318"}' }]);
    try {
      const res = await fetchWithRetry(s.url, { acceptStatus: (st) => st === 401 });
      assert.equal(res.status, 401);
    } finally {
      await s.close();
    }
  });

  it('a refused connection is a network error naming the host, retried first', async () => {
    const s = await serve([{ status: 200 }]);
    const url = s.url;
    await s.close();
    const err = await fetchWithRetry(url, { retries: 1, backoffMs: 1 }).catch((e: unknown) => e);
    assert.ok(err instanceof SnowflakeExtError);
    assert.equal(err.kind, 'network');
    assert.match(
      err.message,
      /^Could not reach 127\.0\.0\.1:\d+ \(GET http:\/\/127\.0\.0\.1:\d+\/oauth\/token-request\): ECONNREFUSED\.$/,
    );
  });

  it('an abort cancels a request in flight and a wait between retries', async () => {
    const s = await serve([{ status: 200, hang: true }]);
    const s2 = await serve([{ status: 503, headers: { 'Retry-After': '20' } }]);
    try {
      const ac = new AbortController();
      const p = fetchWithRetry(s.url, { signal: ac.signal });
      setTimeout(() => ac.abort(), 20);
      await assert.rejects(p, CancelledError);
      const ac2 = new AbortController();
      const p2 = fetchWithRetry(s2.url, { signal: ac2.signal, retries: 1 });
      setTimeout(() => ac2.abort(), 50);
      await assert.rejects(p2, CancelledError);
      assert.equal(s2.hits(), 1);
    } finally {
      await s.close();
      await s2.close();
    }
  });

  it('a one-shot stream body is never sent twice', async () => {
    const s = await serve([{ status: 503 }]);
    try {
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('x'));
          c.close();
        },
      });
      const err = await fetchWithRetry(s.url, {
        method: 'POST',
        body,
        duplex: 'half',
        retries: 3,
        backoffMs: 1,
      } as Parameters<typeof fetchWithRetry>[1]).catch((e: unknown) => e);
      assert.ok(err instanceof HttpError);
      assert.equal(s.hits(), 1);
    } finally {
      await s.close();
    }
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('7', 0), 7000);
    assert.equal(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000);
    assert.equal(parseRetryAfter('soon', 0), undefined);
  });
});
