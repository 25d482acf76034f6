// The emulated Cortex enforces the protocol rules clients must follow (PROTOCOLS.md §7), on both API flavours.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/index';
import { CortexStreamParser } from '../../../src/core/cortex/convert/streamParser';

describe('emulated Cortex', () => {
  let emu: Emulator;
  let headers: Record<string, string>;
  before(async () => {
    emu = await startEmulator();
    headers = {
      Authorization: `Bearer ${emu.state.addPat('DEMO_USER', 'ANALYST')}`,
      'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN',
      'Content-Type': 'application/json',
    };
  });
  after(() => emu.close());

  const post = (path: string, body: unknown, h = headers) =>
    fetch(`${emu.snowflakeUrl}${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
  const native = (body: unknown, h?: Record<string, string>) => post('/api/v2/cortex/inference:complete', body, h);
  const openai = (body: unknown) => post('/api/v2/cortex/v1/chat/completions', body);
  const events = async (res: Response): Promise<string[]> => {
    const p = new CortexStreamParser();
    const out = p.push(new Uint8Array(await res.arrayBuffer())).map((e) => e.data);
    return [...out, ...p.end().map((e) => e.data), ...(p.done ? ['[DONE]'] : [])];
  };

  it("refuses a bad token with 401 and Snowflake's error body, on every route", async () => {
    const bad = { ...headers, Authorization: 'Bearer nope' };
    const res = await native({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] }, bad);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { code: string }).code, '394400');
    assert.equal((await fetch(`${emu.snowflakeUrl}/api/v2/cortex/models`)).status, 401);
  });

  it('enforces non-empty content and tool results that answer an earlier call by id and name', async () => {
    const empty = await native({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: '' }] });
    assert.equal(empty.status, 400);
    assert.match(((await empty.json()) as { message: string }).message, /content cannot be empty string/);
    const mismatch = await native({
      model: 'claude-sonnet-4-5',
      messages: [
        {
          role: 'assistant',
          content_list: [{ type: 'tool_use', tool_use: { tool_use_id: 't1', name: 'a', input: {} } }],
        },
        {
          role: 'user',
          content_list: [
            {
              type: 'tool_results',
              tool_results: { tool_use_id: 't1', name: 'b', content: [{ type: 'text', text: 'r' }] },
            },
          ],
        },
      ],
    });
    assert.equal(mismatch.status, 400);
    const noTools = await native({
      model: 'llama3.1-70b',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ tool_spec: { type: 'generic', name: 't', input_schema: {} } }],
    });
    assert.equal(noTools.status, 400);
  });

  it("enforces the spec's role order, max_tokens 1..16,384 and schemas without additionalProperties", async () => {
    const status = async (body: Record<string, unknown>): Promise<number> =>
      (await native({ model: 'claude-sonnet-4-5', ...body })).status;
    const u = (content: string) => ({ role: 'user', content });
    assert.equal(await status({ messages: [u('a'), u('b')] }), 400, 'two user messages in a row');
    assert.equal(await status({ messages: [u('a'), { role: 'system', content: 's' }] }), 400, 'system not first');
    assert.equal(await status({ messages: [u('a'), { role: 'assistant', content: 'b' }] }), 400, 'ends with assistant');
    assert.equal(await status({ messages: [u('a')], max_tokens: 16_385 }), 400);
    assert.equal(await status({ messages: [u('a')], max_tokens: 0 }), 400);
    assert.equal(await status({ messages: [u('a')], max_tokens: 16_384 }), 200);
    const tool = (input_schema: object) => [{ tool_spec: { type: 'generic', name: 't', input_schema } }];
    const strictSchema = { type: 'object', properties: {}, additionalProperties: false };
    assert.equal(await status({ messages: [u('a')], tools: tool(strictSchema) }), 400);
  });

  it('lists models as the spec says ({models: [string]}) and streams both delta shapes', async () => {
    const models = await fetch(`${emu.snowflakeUrl}/api/v2/cortex/models`, { headers });
    const list = ((await models.json()) as { models: unknown[] }).models;
    assert.ok(list.length > 0 && list.every((m) => typeof m === 'string'));
    const ask = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'shapes' }] };
    const deltas = async (): Promise<Record<string, unknown>[]> =>
      (await events(await native(ask)))
        .map((f) => JSON.parse(f) as { choices: { delta: Record<string, unknown> }[] })
        .flatMap((f) => f.choices.map((c) => c.delta));
    const [a, b] = [await deltas(), await deltas()];
    const typed = (d: readonly Record<string, unknown>[]) => d.every((x) => typeof x.type === 'string');
    const untyped = (d: readonly Record<string, unknown>[]) => d.every((x) => x.type === undefined);
    assert.ok((typed(a) && untyped(b)) || (untyped(a) && typed(b)), 'one answer typed, the next untyped');
  });

  it('OpenAI-compatible: refuses max_tokens and strict, streams role "" chunks and ends with [DONE]', async () => {
    const msg = [{ role: 'user', content: 'quirks' }];
    assert.equal((await openai({ model: 'claude-sonnet-4-5', messages: msg, max_tokens: 10 })).status, 400);
    assert.equal(
      (
        await openai({
          model: 'claude-sonnet-4-5',
          messages: msg,
          tools: [{ type: 'function', function: { name: 't', parameters: {}, strict: true } }],
        })
      ).status,
      400,
    );
    const frames = await events(
      await openai({ model: 'claude-sonnet-4-5', messages: msg, stream: true, max_completion_tokens: 10 }),
    );
    assert.equal(frames[frames.length - 1], '[DONE]');
    const first = JSON.parse(frames[0]!) as { choices: { delta: { role: string; content: string } }[] };
    assert.deepEqual(first.choices[0]!.delta, { role: '', content: 'quirks' });
  });

  it('OpenAI-compatible: a tool call opens with "arguments": "" and a tool message gets answered', async () => {
    const tools = [{ type: 'function', function: { name: 'ping', parameters: { type: 'object', properties: {} } } }];
    const frames = await events(
      await openai({
        model: 'openai-gpt-4.1',
        stream: true,
        tools,
        messages: [{ role: 'user', content: 'use the tool' }],
      }),
    );
    const open = frames
      .map((f) => (f === '[DONE]' ? undefined : JSON.parse(f)))
      .find((f) => f?.choices?.[0]?.delta?.tool_calls);
    assert.equal(open.choices[0].delta.tool_calls[0].function.arguments, '');
    const id = open.choices[0].delta.tool_calls[0].id as string;
    const res = await openai({
      model: 'openai-gpt-4.1',
      tools,
      messages: [
        { role: 'user', content: 'use the tool' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id, type: 'function', function: { name: 'ping', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: id, content: 'pong' },
      ],
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    assert.equal(body.choices[0]!.message.content, 'The tool ping returned: pong');
  });
});
