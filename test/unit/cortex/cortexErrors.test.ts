// Cortex errors as a user reads them: each failure names what happened and what to do.
import assert from 'node:assert/strict';
import { cortexError, parseServerError } from '../../../src/core/cortex/cortexErrors';
import { httpErrorFrom } from '../../../src/core/shared/http';

const body = (message: string, code = '390000'): string => JSON.stringify({ message, code, request_id: 'req-1' });

describe('cortexError', () => {
  it('explains cross-region availability with the account setting to change', () => {
    const e = cortexError({
      status: 400,
      body: body('Model claude-4-opus is not available in the current region.'),
      model: 'claude-4-opus',
      connection: 'work',
    });
    assert.equal(e.kind, 'notSupported');
    assert.match(e.message, /'claude-4-opus' is not available in your account's region \(connection 'work'\)/);
    assert.match(e.fix!.text, /CORTEX_ENABLED_CROSS_REGION/);
    assert.match(e.message, /request req-1/);
  });

  it('explains a network policy block (even when it comes as a 403)', () => {
    const e = cortexError({ status: 403, body: body('Incoming request is not allowed by network policy.') });
    assert.equal(e.kind, 'permission');
    assert.match(e.fix!.text, /network policy|VPN/);
  });

  it('says a 403 is not a sign-in problem and names the CORTEX_USER role', () => {
    const e = cortexError({ status: 403, body: '' });
    assert.equal(e.kind, 'permission');
    assert.match(e.fix!.text, /SNOWFLAKE\.CORTEX_USER/);
    assert.match(e.fix!.text, /does not mean your sign-in is wrong/);
  });

  it('explains an unknown model with where the list comes from', () => {
    const e = cortexError({ status: 400, body: body('unknown model "gpt-17"'), model: 'gpt-17' });
    assert.equal(e.kind, 'notFound');
    assert.match(e.fix!.text, /model picker/);
  });

  it('says a 404 is a wrong endpoint or the API not enabled, not a missing model', () => {
    const e = cortexError({ status: 404, body: body('Not found'), model: 'claude-sonnet-4-5', connection: 'work' });
    assert.equal(e.kind, 'notFound');
    assert.match(e.message, /Cortex REST API was not found \(connection 'work'\)/);
    assert.doesNotMatch(e.message, /model/);
    assert.match(e.fix!.text, /host|enabled/);
  });

  it('reads a 400 for what it is: throttling is a rate limit, a token limit is not solved by retrying', () => {
    const throttled = cortexError({
      status: 400,
      body: body('Request throttled, please retry later.'),
      connection: 'w',
    });
    assert.equal(throttled.kind, 'rateLimit');
    assert.match(throttled.fix!.text, /Try again/);
    const tokens = cortexError({
      status: 400,
      body: body('max tokens exceeded: prompt is 210000 tokens'),
      connection: 'w',
    });
    assert.equal(tokens.kind, 'config');
    assert.match(tokens.fix!.text, /will not help/);
    assert.match(tokens.fix!.text, /new chat/);
  });

  it('points an unknown model at cross-region inference as well as the model list', () => {
    const e = cortexError({ status: 400, body: body('unknown model "claude-opus-4-5"'), model: 'claude-opus-4-5' });
    assert.match(e.fix!.text, /CORTEX_ENABLED_CROSS_REGION/);
  });

  it('explains a spent budget (402), and reads error_code when code is absent', () => {
    const e = cortexError({
      status: 402,
      body: JSON.stringify({ message: 'budget exceeded', error_code: '390189', request_id: 'r' }),
      connection: 'w',
    });
    assert.equal(e.kind, 'permission');
    assert.match(e.message, /budget is used up \(connection 'w'\)/);
    assert.equal(e.code, '390189');
  });

  it('names the connection in every message', () => {
    for (const status of [400, 401, 402, 403, 404, 429, 500, 503, 200])
      assert.match(
        cortexError({ status, body: body('x'), connection: 'sales' }).message,
        /connection 'sales'/,
        `${status}`,
      );
  });

  it('gives the Retry-After wait on 429 and a retry hint on 503/504', () => {
    const r = cortexError({ status: 429, body: body('Too many requests'), retryAfterMs: 2500 });
    assert.equal(r.kind, 'rateLimit');
    assert.match(r.fix!.text, /Try again in 3 s/);
    for (const status of [503, 504]) {
      const s = cortexError({ status, body: '<html>busy</html>' });
      assert.equal(s.kind, 'server');
      assert.match(s.message, new RegExp(`HTTP ${status}`));
      assert.doesNotMatch(s.message, /html/);
    }
  });

  it("after retries, keeps Cortex's error_code and request id as the HTTP error parsed them, with the same words", async () => {
    const raw = JSON.stringify({ error_code: '429001', message: 'Too many requests.', request_id: 'req-9' });
    const http = await httpErrorFrom(new Response(raw, { status: 429 }), 'https://x/api', 'POST');
    const e = cortexError({ status: 429, body: http.bodySnippet, server: http.server, connection: 'work' });
    assert.equal(e.code, '429001');
    assert.equal(e.message, cortexError({ status: 429, body: raw, connection: 'work' }).message);
    assert.match(e.message, /Too many requests\. \(request req-9\)$/);
  });

  it('keeps secrets out of messages taken from the server', () => {
    const e = cortexError({
      status: 400,
      body: body('bad token=abcdefghijkl in header Authorization: Bearer abcdefghijklmnop'),
    });
    assert.doesNotMatch(e.message, /abcdefghijkl/);
  });

  it('reads nested and text error bodies', () => {
    assert.deepEqual(parseServerError(JSON.stringify({ error: { message: 'inner', code: 7 } })), {
      message: 'inner',
      code: '7',
    });
    assert.deepEqual(parseServerError('plain words'), { message: 'plain words' });
  });
});
