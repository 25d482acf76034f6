// CortexClient against the emulator: streaming, a full tool-call round trip, cancellation that closes the socket,
// a 401 retried with a fresh credential, 429/503 back-off, errors explained, and the model list with its fallback.
import assert from 'node:assert/strict';
import { CortexClient } from '../../../src/core/cortex/cortexClient';
import { toCortexRequest } from '../../../src/core/cortex/convert/requestConverter';
import type { ChatMessage, ChatTool, ResponsePart } from '../../../src/core/cortex/types';
import type { AuthService, ConnectionProfile, RestCredential } from '../../../src/core/auth/types';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { RequestLimits } from '../../../src/core/shared/http';
import { MemoryLogger } from '../../support/memoryLogger';
import { startEmulator, type Emulator } from '../../emulator/index';
import { cortexEmulatorOf, type CortexEmulator } from '../../emulator/cortex';
import { fixture } from './sseReplay';

const COMPLETE = 'POST /api/v2/cortex/inference:complete';
const LOOKUP: ChatTool = {
  name: 'lookup_table',
  description: 'Looks up a table',
  inputSchema: { type: 'object', properties: { table: { type: 'string' } } },
};
const user = (text: string): ChatMessage => ({ role: 'user', parts: [{ kind: 'text', text }] });

/**
 * Hands out the tokens in order; a forced refresh moves to the next one (the way Workbench's rotated token would
 * be picked up). Only what the client and withAuthRetry use is implemented.
 */
class SequenceAuth {
  refreshes = 0;
  calls: { forceRefresh?: boolean }[] = [];
  constructor(private readonly tokens: string[]) {}
  async forRest(_p: ConnectionProfile, opts?: { forceRefresh?: boolean }): Promise<RestCredential> {
    this.calls.push({ forceRefresh: opts?.forceRefresh });
    if (opts?.forceRefresh) this.refreshes++;
    const token = this.tokens[Math.min(this.refreshes, this.tokens.length - 1)]!;
    return {
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN',
      },
      expiresAt: Date.now() + 3600_000,
    };
  }
  invalidate(): void {}
  asAuth(): AuthService {
    return this as unknown as AuthService;
  }
}

describe('CortexClient against the emulator', function () {
  let emu: Emulator;
  let ctl: CortexEmulator;
  let pat: string;
  let profile: ConnectionProfile;
  const log = new MemoryLogger();

  before(async () => {
    emu = await startEmulator();
    ctl = cortexEmulatorOf(emu.servers.snowflake);
    pat = emu.state.addPat('DEMO_USER', 'ANALYST');
    profile = {
      name: 'pat',
      source: 'connections.toml',
      isDefault: true,
      params: {},
      authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
      account: emu.state.account,
      baseUrl: emu.snowflakeUrl,
    };
  });
  after(() => emu.close());
  beforeEach(() => {
    ctl.frameDelayMs = 0;
    emu.servers.snowflake.faults.length = 0;
    emu.servers.snowflake.log.length = 0;
  });

  const client = (auth = new SequenceAuth([pat]), extra: Partial<ConstructorParameters<typeof CortexClient>[0]> = {}) =>
    new CortexClient({ auth: auth.asAuth(), logger: log, backoffMs: 10, ...extra });
  const run = async (
    c: CortexClient,
    messages: ChatMessage[],
    opts: { tools?: ChatTool[]; model?: string; signal?: AbortSignal; stream?: boolean } = {},
  ) => {
    const parts: ResponsePart[] = [];
    const summary = await c.complete(
      profile,
      toCortexRequest(opts.model ?? 'claude-sonnet-4-5', messages, { tools: opts.tools }, opts.stream ?? true),
      { signal: opts.signal, onPart: (p) => parts.push(p) },
    );
    return { parts, summary, text: parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') };
  };

  it('streams the echo as several text parts, then usage', async () => {
    const { parts, text, summary } = await run(client(), [
      user('Grüße aus Zürich ❄ 雪 🏔️, twice as long as one piece.'),
    ]);
    assert.equal(text, 'Grüße aus Zürich ❄ 雪 🏔️, twice as long as one piece.');
    assert.ok(parts.filter((p) => p.kind === 'text').length > 2, 'text arrives in pieces');
    assert.equal(parts[parts.length - 1]!.kind, 'usage');
    assert.ok(summary.usage && summary.usage.totalTokens > 0);
    const sent = emu.servers.snowflake.log.find((r) => r.path.endsWith('inference:complete'))!;
    assert.equal(sent.headers.accept, 'application/json, text/event-stream');
    assert.match(sent.headers['user-agent'] ?? '', /posit-snowflake/);
  });

  it('sends SF_PARTNER as the whole User-Agent, as ellmer and chatlas name a partner application', async () => {
    await run(client(undefined, { userAgent: 'posit-snowflake/1.0', partner: 'acme_partner' }), [user('hi')]);
    const sent = emu.servers.snowflake.log.find((r) => r.path.endsWith('inference:complete'))!;
    assert.equal(sent.headers['user-agent'], 'acme_partner');
  });

  for (const shape of ['typed', 'untyped'] as const) {
    it(`assembles a tool call streamed in ${shape} deltas`, async () => {
      ctl.deltaShape = shape;
      try {
        const { parts, text } = await run(client(), [user('Please use the tool lookup_table for ORDERS.')], {
          tools: [LOOKUP],
        });
        assert.equal(text, 'Calling lookup_table.');
        assert.deepEqual(
          parts.filter((p) => p.kind === 'toolCall' || p.kind === 'usage').map((p) => p.kind),
          ['toolCall', 'usage'],
        );
        const call = parts.find((p) => p.kind === 'toolCall');
        assert.deepEqual(call && call.kind === 'toolCall' ? call.input : undefined, { table: 'demo ❄' });
      } finally {
        ctl.deltaShape = 'alternate';
      }
    });
  }

  it("skips events of another type whatever their data, as Snowflake's own SSE client does", async () => {
    emu.servers.snowflake.addFault({ route: COMPLETE, status: 200, body: fixture('events.ml-python.sse').toString() });
    assert.equal((await run(client(), [user('x')])).text, 'This is a streaming response');
  });

  it('reports an error frame in the middle of a stream, naming the connection', async () => {
    emu.servers.snowflake.addFault({
      route: COMPLETE,
      status: 200,
      body: fixture('midstream-error.ml-python.sse').toString(),
    });
    const parts: ResponsePart[] = [];
    await assert.rejects(
      client().complete(profile, toCortexRequest('claude-sonnet-4-5', [user('x')]), { onPart: (p) => parts.push(p) }),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        /Something went wrong during generation/.test(e.message) &&
        /connection 'pat'/.test(e.message),
    );
    assert.equal(parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''), 'Hello world');
  });

  it('reads a non-streaming answer too', async () => {
    const { text, summary } = await run(client(), [user('just once')], { stream: false });
    assert.equal(text, 'just once');
    assert.ok(summary.usage);
  });

  it('does a full tool-call round trip: call assembled from partial JSON, result answered', async () => {
    const c = client();
    const first = await run(c, [user('Please use the tool lookup_table for ORDERS.')], { tools: [LOOKUP] });
    const call = first.parts.find((p) => p.kind === 'toolCall');
    assert.ok(call && call.kind === 'toolCall');
    assert.equal(call.name, 'lookup_table');
    assert.deepEqual(call.input, { table: 'demo ❄' });
    const second = await run(
      c,
      [
        user('Please use the tool lookup_table for ORDERS.'),
        { role: 'assistant', parts: [{ kind: 'text', text: first.text }, call] },
        { role: 'user', parts: [{ kind: 'toolResult', callId: call.callId, content: ['ORDERS has 1,200 rows'] }] },
      ],
      { tools: [LOOKUP] },
    );
    assert.equal(second.text, 'The tool lookup_table returned: ORDERS has 1,200 rows');
  });

  it('aborts the HTTP request at once when cancelled mid-stream: the emulator sees the socket close', async () => {
    ctl.frameDelayMs = 5;
    const controller = new AbortController();
    const closed = ctl.nextEarlyClose();
    const parts: ResponsePart[] = [];
    const done = client().complete(profile, toCortexRequest('claude-sonnet-4-5', [user('long stream 2000')]), {
      signal: controller.signal,
      onPart: (p) => {
        parts.push(p);
        if (parts.length === 3) controller.abort();
      },
    });
    await assert.rejects(done, CancelledError);
    const record = await closed;
    assert.equal(record.closedEarly, true);
    assert.equal(record.finished, false);
    assert.ok(record.framesSent < 100, `stopped early (${record.framesSent} frames sent)`);
    assert.equal(parts.length, 3, 'no part after the cancel');
  });

  it('retries a 401 once with a fresh credential (rotated token), then succeeds', async () => {
    const auth = new SequenceAuth(['stale-token', pat]);
    const { text } = await run(client(auth), [user('after rotation')]);
    assert.equal(text, 'after rotation');
    assert.deepEqual(auth.calls, [{ forceRefresh: undefined }, { forceRefresh: true }]);
    assert.deepEqual(
      emu.servers.snowflake.log.map((r) => r.status),
      [401, 200],
    );
  });

  it('explains a second 401 the way the auth service explains refused credentials', async () => {
    const auth = new SequenceAuth(['stale-token', 'still-stale']);
    await assert.rejects(
      run(client(auth), [user('x')]),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'auth' &&
        /programmatic access token of connection 'pat'/.test(e.message) &&
        e.code === '394400' &&
        !!e.fix?.text,
    );
    assert.equal(emu.servers.snowflake.log.length, 2, 'only one retry');
  });

  it('takes an auth code in a JSON error body sent with HTTP 200 as a refused credential, and retries', async () => {
    emu.servers.snowflake.addFault({
      route: COMPLETE,
      status: 200,
      body: JSON.stringify({ code: '390318', message: 'OAuth access token expired. [x]' }),
    });
    const auth = new SequenceAuth([pat]);
    assert.equal((await run(client(auth), [user('fresh')])).text, 'fresh');
    assert.deepEqual(auth.calls, [{ forceRefresh: undefined }, { forceRefresh: true }]);
  });

  it('backs off on 429 for as long as Retry-After says, then succeeds', async () => {
    emu.servers.snowflake.addFault({ route: COMPLETE, status: 429, retryAfter: 1 });
    const { text } = await run(client(), [user('patience')]);
    assert.equal(text, 'patience');
    const [first, second] = emu.servers.snowflake.log;
    assert.deepEqual([first!.status, second!.status], [429, 200]);
    assert.ok(second!.at - first!.at >= 950, `waited ${second!.at - first!.at} ms for Retry-After: 1`);
  });

  it('does not retry a 500 or 502 on the completion POST (Cortex may have run it already)', async () => {
    for (const status of [500, 502]) {
      emu.servers.snowflake.log.length = 0;
      emu.servers.snowflake.addFault({ route: COMPLETE, status });
      await assert.rejects(
        run(client(), [user('once')]),
        (e: unknown) =>
          e instanceof SnowflakeExtError &&
          e.kind === 'server' &&
          new RegExp(`HTTP ${status}`).test(e.message) &&
          /connection 'pat'/.test(e.message),
      );
      assert.equal(emu.servers.snowflake.log.filter((r) => r.path.endsWith('inference:complete')).length, 1);
    }
  });

  it('retries a 503 and a 504 then succeeds; fails clearly when 429 persists', async () => {
    emu.servers.snowflake.addFault({ route: COMPLETE, status: 504 });
    assert.equal((await run(client(), [user('again')])).text, 'again');
    emu.servers.snowflake.addFault({ route: COMPLETE, status: 503 });
    assert.equal((await run(client(), [user('again')])).text, 'again');
    emu.servers.snowflake.addFault({ route: COMPLETE, status: 429, retryAfter: 0, times: 5 });
    await assert.rejects(
      run(client(undefined, { retries: 1 }), [user('x')]),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'rateLimit' &&
        /rate/.test(e.message) &&
        /Try again/.test(e.fix?.text ?? ''),
    );
  });

  it('detects an error body sent with HTTP 200 before parsing the stream', async () => {
    emu.servers.snowflake.addFault({
      route: COMPLETE,
      status: 200,
      body: JSON.stringify({
        message:
          'Incoming request with IP 10.1.2.3 is not allowed to access Snowflake. Contact your account administrator. (network policy)',
        code: '390432',
      }),
    });
    await assert.rejects(
      run(client(), [user('x')]),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'permission' &&
        /network policy/.test(e.message) &&
        /VPN|allow/.test(e.fix?.text ?? ''),
    );
  });

  it('says what came instead when a 200 body is neither a stream nor JSON', async () => {
    emu.servers.snowflake.addFault({
      route: COMPLETE,
      status: 200,
      body: 'Service temporarily unavailable, try later',
    });
    await assert.rejects(
      run(client(), [user('x')]),
      (e: unknown) => e instanceof SnowflakeExtError && /Service temporarily unavailable/.test(e.message),
    );
  });

  it('explains a model not available in the region, an unknown model and Cortex not enabled', async () => {
    await assert.rejects(
      run(client(), [user('x')], { model: 'deepseek-r1' }),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'notSupported' &&
        /region/.test(e.message) &&
        /CORTEX_ENABLED_CROSS_REGION/.test(e.fix?.text ?? ''),
    );
    await assert.rejects(
      run(client(), [user('x')], { model: 'gpt-17' }),
      (e: unknown) => e instanceof SnowflakeExtError && e.kind === 'notFound' && /gpt-17/.test(e.message),
    );
    emu.servers.snowflake.addFault({
      route: COMPLETE,
      status: 403,
      body: JSON.stringify({ message: 'Cortex is not enabled for this account.', code: '399503' }),
    });
    await assert.rejects(
      run(client(), [user('x')]),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'permission' &&
        /DEFAULT role/.test(e.fix?.text ?? '') &&
        /SNOWFLAKE\.CORTEX_USER/.test(e.fix?.text ?? '') &&
        /connection 'pat'/.test(e.message) &&
        e.code === '399503',
    );
  });

  it('stops a stream that goes silent between events, naming the host', async () => {
    ctl.frameDelayMs = 600;
    const limits = new RequestLimits();
    limits.streamIdleTimeoutMs = 200;
    await assert.rejects(
      run(client(undefined, { limits }), [user('long stream 20')]),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'network' &&
        /^Snowflake stopped sending for 200 ms in the middle of an answer \(host 127\.0\.0\.1:\d+\)\.$/.test(e.message),
    );
  });

  it('says the answer was cut off when the connection drops mid-stream', async () => {
    emu.servers.snowflake.addFault({ route: COMPLETE, dropAfterBytes: 600 });
    await assert.rejects(
      run(client(), [user('long stream 50')]),
      (e: unknown) => e instanceof SnowflakeExtError && e.kind === 'network' && /cut off/.test(e.message),
    );
  });

  it("lists the account's models, and the built-in list when the endpoint is unavailable", async () => {
    const listed = await client().listModels(profile);
    assert.equal(listed.source, 'account');
    assert.ok(listed.models.some((m) => m.id === 'claude-sonnet-4-5' && m.toolCalling && m.maxInputTokens > 0));
    assert.ok(listed.models.some((m) => m.id === 'llama3.1-70b' && !m.toolCalling));
    emu.servers.snowflake.addFault({ route: 'GET /api/v2/cortex/models', status: 404 });
    const fallback = await client().listModels(profile);
    assert.equal(fallback.source, 'fallback');
    assert.ok(fallback.models.length >= 4);
    await assert.rejects(
      client(new SequenceAuth(['bad', 'worse'])).listModels(profile),
      (e: unknown) => e instanceof SnowflakeExtError && e.kind === 'auth',
    );
  });

  it('caches the model list per connection until cleared', async () => {
    const c = client();
    await c.listModels(profile);
    await c.listModels(profile);
    assert.equal(emu.servers.snowflake.log.filter((r) => r.path === '/api/v2/cortex/models').length, 1);
    c.clearModelCache();
    await c.listModels(profile);
    assert.equal(emu.servers.snowflake.log.filter((r) => r.path === '/api/v2/cortex/models').length, 2);
  });
});
