// Every request has a time limit: a server that never answers is given up on after the answer limit (not retried),
// and a slow body after a quick answer is not cut (a Cortex stream's idle limit is tested in cortexClient.test.ts).
// Requests that must not run twice are not sent again after a dropped connection or an ambiguous 5xx.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { fetchWithRetry, RequestLimits } from '../../../src/core/shared/http';

type Step = 'hang' | 'drop' | 'slowBody' | number;

async function serve(steps: Step[], path = '/session/v1/login-request') {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    const step = steps[Math.min(n++, steps.length - 1)]!;
    if (step === 'hang') return;
    if (step === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(step === 'slowBody' ? 200 : step, { 'Content-Type': 'application/json' });
    if (step === 'slowBody') {
      res.write('{"ok":');
      setTimeout(() => res.end('true}'), 400);
    } else res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}${path}`,
    hits: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('request time limits and repeat safety', function () {
  this.timeout(20_000);

  it('gives up on a server that does not answer, once, naming the host', async () => {
    const limits = new RequestLimits();
    limits.setTimeoutSeconds(1);
    const s = await serve(['hang']);
    try {
      const { answerTimeoutMs } = limits;
      const err = await fetchWithRetry(s.url, {
        method: 'POST',
        body: '{}',
        retries: 3,
        backoffMs: 1,
        answerTimeoutMs,
      }).catch((e: unknown) => e);
      assert.ok(err instanceof SnowflakeExtError);
      assert.equal(
        err.userText,
        `Snowflake did not answer within 1 s (host ${s.host}, POST http://${s.host}/session/v1/login-request). Check the network, proxy and host, then try again; if the server is just slow, raise the setting 'positSnowflake.requestTimeoutSeconds'.`,
      );
      assert.equal(err.kind, 'network');
      assert.equal(s.hits(), 1, 'a hung server is not asked again');
    } finally {
      await s.close();
    }
  });

  it('names Posit Connect for its API, and the default limit is 30 s', async () => {
    assert.equal(new RequestLimits().answerTimeoutMs, 30_000);
    const cleared = new RequestLimits();
    cleared.setTimeoutSeconds(0);
    assert.equal(cleared.answerTimeoutMs, 30_000, 'a zero setting restores the default');
    const s = await serve(['hang'], '/__api__/v1/user');
    try {
      await assert.rejects(
        fetchWithRetry(s.url, { answerTimeoutMs: 300 }),
        new RegExp(`^SnowflakeExtError: Posit Connect did not answer within 300 ms \\(host ${s.host}, GET`),
      );
    } finally {
      await s.close();
    }
  });

  it('does not cut a body that arrives slowly after a quick answer', async () => {
    const s = await serve(['slowBody']);
    try {
      const res = await fetchWithRetry(s.url, { answerTimeoutMs: 150 });
      assert.deepEqual(await res.json(), { ok: true });
    } finally {
      await s.close();
    }
  });

  it('sends a request that must not run twice only once after a dropped connection or a 502', async () => {
    for (const first of ['drop', 502] as const) {
      const once = await serve([first, 200]);
      try {
        await assert.rejects(fetchWithRetry(once.url, { method: 'POST', body: '{}', idempotent: false, backoffMs: 1 }));
        assert.equal(once.hits(), 1, `not repeated after ${first}`);
      } finally {
        await once.close();
      }
      const again = await serve([first, 200]);
      try {
        const res = await fetchWithRetry(again.url, { method: 'GET', backoffMs: 1 });
        assert.equal(res.status, 200);
        assert.equal(again.hits(), 2, `an idempotent request is repeated after ${first}`);
      } finally {
        await again.close();
      }
    }
    const busy = await serve([503, 200]);
    try {
      await fetchWithRetry(busy.url, { method: 'POST', body: '{}', idempotent: false, backoffMs: 1 });
      assert.equal(busy.hits(), 2, 'a 503 says it was not done, so it is sent again');
    } finally {
      await busy.close();
    }
  });

  it("ends the server's words with a full stop before the fix", async () => {
    const s = await serve([503]);
    try {
      const err = await fetchWithRetry(s.url, { retries: 0 }).catch((e: unknown) => e);
      assert.ok(err instanceof SnowflakeExtError);
      assert.equal(
        err.userText,
        `GET http://${s.host}/session/v1/login-request failed with HTTP 503: {"ok":true}. The server had a problem; try again later.`,
      );
    } finally {
      await s.close();
    }
  });
});
