// The pure converters: chat messages → native Cortex request, and stream frames / whole answers → response parts.
import assert from 'node:assert/strict';
import { toCortexMessages, toCortexRequest } from '../../../src/core/cortex/convert/requestConverter';
import {
  CortexResponseAssembler,
  fromCompletionResponse,
  isErrorFrame,
} from '../../../src/core/cortex/convert/responseConverter';
import { CortexStreamParser } from '../../../src/core/cortex/convert/streamParser';
import type { ChatMessage, ChatTool, CortexStreamChunk, ResponsePart } from '../../../src/core/cortex/types';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { assertGolden } from './golden';
import { fixture, replay, textOf } from './sseReplay';

const LOOKUP: ChatTool = {
  name: 'lookup_table',
  description: 'Looks up a table',
  inputSchema: { type: 'object', properties: { table: { type: 'string' } }, required: ['table'] },
};
const text = (t: string) => ({ kind: 'text', text: t }) as const;

const ROUND_TRIP: ChatMessage[] = [
  { role: 'system', parts: [text('You answer questions about Snowflake.')] },
  { role: 'user', parts: [text('How many rows has ORDERS?')] },
  {
    role: 'assistant',
    parts: [
      text('Calling lookup_table.'),
      { kind: 'toolCall', callId: 'tooluse_1', name: 'lookup_table', input: { table: 'ORDERS' } },
    ],
  },
  { role: 'user', parts: [{ kind: 'toolResult', callId: 'tooluse_1', content: ['42 rows'] }] },
  { role: 'user', parts: [text('And per day?')] },
  { role: 'assistant', parts: [text('')] },
  { role: 'system', parts: [text('Be brief.')] },
];

function frames(name: string): CortexStreamChunk[] {
  const parser = new CortexStreamParser();
  return [...parser.push(fixture(name)), ...parser.end()].map((e) => JSON.parse(e.data) as CortexStreamChunk);
}

const toolDelta = (d: Record<string, unknown>): CortexStreamChunk => ({
  choices: [{ delta: { type: 'tool_use', ...d } }],
});

describe('toCortexRequest', () => {
  it('builds a tool round trip the way Cortex wants it (golden)', () => {
    assertGolden(
      'request-tool-round-trip',
      toCortexRequest('claude-sonnet-4-5', ROUND_TRIP, {
        tools: [LOOKUP],
        toolMode: 'required',
        maxTokens: 1000,
        temperature: 0.2,
      }),
    );
  });

  it('puts all system text first in one message, drops empty messages and merges same-role neighbours', () => {
    const msgs = toCortexMessages(ROUND_TRIP);
    assert.deepEqual(
      msgs.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(msgs[0]!.content, 'You answer questions about Snowflake.\n\nBe brief.');
    // The follow-up example's shape: the assistant's text in `content`, only the tool_use in `content_list`.
    assert.equal(msgs[2]!.content, 'Calling lookup_table.');
    assert.deepEqual(
      msgs[2]!.content_list?.map((c) => c.type),
      ['tool_use'],
    );
    assert.equal(msgs[3]!.content, 'And per day?');
    assert.deepEqual(
      msgs[3]!.content_list?.map((c) => c.type),
      ['tool_results'],
    );
    assert.ok(
      msgs.every((m) => (m.content && m.content.length > 0) || (m.content_list && m.content_list.length > 0)),
      'no message is empty',
    );
  });

  it('keeps the words of two same-role messages apart when it merges them', () => {
    const msgs = toCortexMessages([
      { role: 'user', parts: [text('Here are my notes.')] },
      { role: 'user', parts: [text('What changed?')] },
    ]);
    assert.deepEqual(msgs, [{ role: 'user', content: 'Here are my notes.\n\nWhat changed?' }]);
  });

  it('sends a tool-only assistant turn without an empty content', () => {
    const [m] = toCortexMessages([
      { role: 'assistant', parts: [{ kind: 'toolCall', callId: 'toolu_123', name: 'my_tool', input: { x: 5 } }] },
    ]);
    assert.equal('content' in m!, false);
    assert.deepEqual(m!.content_list, [
      { type: 'tool_use', tool_use: { tool_use_id: 'toolu_123', name: 'my_tool', input: { x: 5 } } },
    ]);
  });

  it('never asks for more than the REST API allows (max_tokens 1..16,384)', () => {
    assert.equal(toCortexRequest('m', [], { maxTokens: 64_000 }).max_tokens, 16_384);
    assert.equal(toCortexRequest('m', [], { maxTokens: 0 }).max_tokens, 1);
    assert.equal(toCortexRequest('m', [], { maxTokens: 900 }).max_tokens, 900);
  });

  it('sends tool schemas without the keywords Cortex refuses, at every depth', () => {
    const spec = toCortexRequest('m', [], {
      tools: [
        {
          name: 'search',
          description: 'Searches',
          inputSchema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            additionalProperties: false,
            properties: {
              filter: { type: 'object', additionalProperties: false, properties: { q: { type: 'string' } } },
            },
            required: ['filter'],
          },
        },
      ],
    }).tools![0]!.tool_spec.input_schema;
    assert.deepEqual(spec, {
      type: 'object',
      properties: { filter: { type: 'object', properties: { q: { type: 'string' } } } },
      required: ['filter'],
    });
  });

  it('names the tool in a result from the matching call, and marks error results', () => {
    const msgs = toCortexMessages([
      { role: 'assistant', parts: [{ kind: 'toolCall', callId: 'a', name: 'run_sql', input: {} }] },
      { role: 'user', parts: [{ kind: 'toolResult', callId: 'a', content: [], isError: true }] },
    ]);
    assert.deepEqual(msgs[1]!.content_list, [
      {
        type: 'tool_results',
        tool_results: {
          tool_use_id: 'a',
          name: 'run_sql',
          content: [{ type: 'text', text: '(no output)' }],
          status: 'error',
        },
      },
    ]);
  });

  it('asks for auto tool choice, or names the one required tool, and fills a missing schema', () => {
    const other: ChatTool = { name: 'ping', description: '' };
    assert.deepEqual(toCortexRequest('m', [], { tools: [LOOKUP, other] }).tool_choice, { type: 'auto' });
    assert.deepEqual(toCortexRequest('m', [], { tools: [LOOKUP, other], toolMode: 'required' }).tool_choice, {
      type: 'required',
    });
    assert.deepEqual(toCortexRequest('m', [], { tools: [LOOKUP], toolMode: 'required' }).tool_choice, {
      type: 'tool',
      name: ['lookup_table'],
    });
    assert.deepEqual(toCortexRequest('m', [], { tools: [other] }).tools?.[0], {
      tool_spec: {
        type: 'generic',
        name: 'ping',
        description: 'ping',
        input_schema: { type: 'object', properties: {} },
      },
    });
    assert.equal(toCortexRequest('m', []).tools, undefined);
  });
});

describe('CortexResponseAssembler', () => {
  it("turns goose's recorded typed stream into text, one tool call and usage (golden)", () => {
    assertGolden('parts-tool-call', replay([fixture('typed-tool-call.goose.sse')]));
  });

  it("reads the docs' untyped deltas: the call from content_list [{tool_use_id, name}] then [{input}] pieces", () => {
    const parts = replay([fixture('untyped-tool-call.docs.sse')]);
    assert.deepEqual(parts, [
      { kind: 'text', text: "I'll check the weather in San Francisco for you." },
      {
        kind: 'toolCall',
        callId: 'tooluse_Iwm2UKcjQ4mL3kRqXp9zAg',
        name: 'get_weather',
        input: { location: 'San Francisco, CA' },
      },
      { kind: 'usage', promptTokens: 390, completionTokens: 56, totalTokens: 446 },
    ]);
  });

  it("reads ellmer's answer that opens with a tool call, and its trailing empty text", () => {
    assert.deepEqual(replay([fixture('tool-first.ellmer.sse')]), [
      { kind: 'toolCall', callId: 'toolu_123', name: 'my_tool', input: { x: 5 } },
      { kind: 'usage', promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    ]);
  });

  it("joins ellmer's typed text chunks once each (content, text and content_list say the same thing)", () => {
    assert.equal(textOf(replay([fixture('typed-text.ellmer.sse')])), "I aim to be direct and honest: I don't actually");
  });

  it("reads the spec's anthropic thinking and openai reasoning deltas apart from the answer", () => {
    assert.deepEqual(replay([fixture('thinking.spec.sse')]), [
      { kind: 'reasoning', text: 'The user wants a count; ' },
      { kind: 'reasoning', text: 'COUNT(*) answers it.' },
      { kind: 'reasoning', text: 'Counting rows.' },
      { kind: 'text', text: 'Use SELECT COUNT(*) FROM ORDERS.' },
      { kind: 'usage', promptTokens: 20, completionTokens: 30, totalTokens: 50 },
    ]);
  });

  it('reports the tool call at the frame whose input completes the JSON, not before', () => {
    const all = frames('untyped-tool-call.docs.sse');
    const a = new CortexResponseAssembler();
    const at = all.findIndex((f) => a.push(f).some((p) => p.kind === 'toolCall'));
    let lastInput = -1;
    all.forEach((f, i) => {
      const input = f.choices?.[0]?.delta?.content_list?.[0]?.input;
      if (typeof input === 'string' && input.length > 0) lastInput = i;
    });
    assert.ok(lastInput > 0);
    assert.equal(at, lastInput);
    assert.ok(!a.finish().some((p) => p.kind === 'toolCall'), 'not reported twice');
  });

  it('treats a call without input as {} and keeps two calls apart', () => {
    const a = new CortexResponseAssembler();
    const parts: ResponsePart[] = [
      ...a.push(toolDelta({ tool_use_id: 't1', name: 'now', input: '' })),
      ...a.push(toolDelta({ tool_use_id: 't2', name: 'echo', input: '{"x":' })),
      ...a.push(toolDelta({ input: ' [1, 2]' })),
      ...a.push(toolDelta({ input: '}' })),
      ...a.finish(),
    ];
    assert.deepEqual(parts, [
      { kind: 'toolCall', callId: 't1', name: 'now', input: {} },
      { kind: 'toolCall', callId: 't2', name: 'echo', input: { x: [1, 2] } },
    ]);
  });

  it('takes an input sent whole as an object, and ignores trailing deltas of a reported call', () => {
    const a = new CortexResponseAssembler();
    const parts = [
      ...a.push(toolDelta({ tool_use_id: 't', name: 'n', input: { a: 1 } })),
      ...a.push(toolDelta({ tool_use_id: 't', input: ' ' })),
      ...a.finish(),
    ];
    assert.deepEqual(parts, [{ kind: 'toolCall', callId: 't', name: 'n', input: { a: 1 } }]);
  });

  it('fails clearly when a call ends with input that is not JSON', () => {
    const a = new CortexResponseAssembler();
    a.push(toolDelta({ tool_use_id: 't', name: 'lookup', input: '{"table": "ORD' }));
    assert.throws(
      () => a.finish(),
      (e: unknown) => e instanceof SnowflakeExtError && e.kind === 'server' && /lookup/.test(e.message),
    );
  });

  it('reads reasoning deltas apart from the answer, and late usage', () => {
    const a = new CortexResponseAssembler();
    const parts = [
      ...a.push({ choices: [{ delta: { type: 'anthropic', anthropic: { thinking: 'hmm' } } as never }] }),
      ...a.push({ choices: [{ delta: { content: 'Hi' } }] }),
      ...a.push({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } }),
      ...a.finish(),
    ];
    assert.deepEqual(parts, [
      { kind: 'reasoning', text: 'hmm' },
      { kind: 'text', text: 'Hi' },
      { kind: 'usage', promptTokens: 5, completionTokens: 2, totalTokens: 7 },
    ]);
  });

  it('converts a whole (non-streaming) answer with text and a tool call', () => {
    const parts = fromCompletionResponse({
      choices: [
        {
          message: {
            content_list: [
              { type: 'text', text: 'Calling.' },
              { type: 'tool_use', tool_use: { tool_use_id: 'u1', name: 'lookup', input: { table: 'T' } } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    assert.deepEqual(parts, [
      { kind: 'text', text: 'Calling.' },
      { kind: 'toolCall', callId: 'u1', name: 'lookup', input: { table: 'T' } },
      { kind: 'usage', promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    ]);
  });

  it('tells error frames from completion frames', () => {
    assert.equal(isErrorFrame({ message: 'boom', code: '390189' }), true);
    assert.equal(isErrorFrame({ choices: [], message: 'x' }), false);
    assert.equal(isErrorFrame({ choices: [{ delta: { content: 'x' } }] }), false);
  });
});
