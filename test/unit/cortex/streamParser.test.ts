// CortexStreamParser on streams taken from Snowflake's spec and other clients' tests (fixtures/*.sse say which), cut
// at arbitrary bytes, and on the SSE edge cases Cortex may send.
import assert from 'node:assert/strict';
import { CortexStreamParser, type SseEvent } from '../../../src/core/cortex/convert/streamParser';
import { fixture, randomSplit, replay, seeded, textOf } from './sseReplay';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const FIXTURES = [
  'typed-tool-call.goose.sse',
  'typed-text.ellmer.sse',
  'tool-first.ellmer.sse',
  'untyped-tool-call.docs.sse',
  'thinking.spec.sse',
  'events.ml-python.sse',
];
/** Text with 2-, 3- and 4-byte UTF-8 characters, streamed in the spec's StreamingTextContent frames. */
const MULTIBYTE_TEXT = 'Grüße aus Zürich ❄ 雪 🏔️ — naïve café, déjà vu.';
const multibyteStream = (): Uint8Array =>
  enc(
    Array.from(MULTIBYTE_TEXT)
      .reduce<string[]>(
        (acc, ch, i) => (i % 5 === 0 ? [...acc, ch] : [...acc.slice(0, -1), acc[acc.length - 1] + ch]),
        [],
      )
      .map((piece) => `data: ${JSON.stringify({ choices: [{ delta: { type: 'text', content: piece } }] })}\n\n`)
      .join(''),
  );

function parseAll(chunks: readonly Uint8Array[]): SseEvent[] {
  const p = new CortexStreamParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

describe('CortexStreamParser', () => {
  for (const name of FIXTURES) {
    it(`gives the same events for ${name} however the bytes are cut (200 random splits)`, () => {
      const bytes = fixture(name);
      const whole = parseAll([bytes]);
      assert.ok(whole.length >= 2, 'the fixture has several frames');
      for (let seed = 1; seed <= 200; seed++) {
        assert.deepEqual(parseAll(randomSplit(bytes, seeded(seed))), whole, `split with seed ${seed}`);
      }
    });
  }

  it('rebuilds multi-byte characters cut between chunks, one byte at a time', () => {
    const bytes = multibyteStream();
    const oneByOne = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    assert.equal(textOf(replay(oneByOne)), MULTIBYTE_TEXT);
  });

  it('reads CRLF and lone-CR line endings, including a CRLF split between chunks', () => {
    const lf = fixture('typed-tool-call.goose.sse').toString('utf8');
    const expected = parseAll([enc(lf)]);
    const crlf = enc(lf.replace(/\n/g, '\r\n'));
    const cr = enc(lf.replace(/\n/g, '\r'));
    assert.deepEqual(parseAll([crlf]), expected);
    assert.deepEqual(parseAll([cr]), expected);
    for (let seed = 1; seed <= 50; seed++) assert.deepEqual(parseAll(randomSplit(crlf, seeded(seed), 5)), expected);
    // A chunk that ends right between CR and LF must not produce an extra blank line (which would end an event).
    const p = new CortexStreamParser();
    assert.deepEqual([...p.push(enc('data: a\r')), ...p.push(enc('\ndata: b\r\n\r\n'))], [{ data: 'a\nb' }]);
  });

  it('skips comments and keep-alives, joins multi-line data and keeps an event name', () => {
    const events = parseAll([
      enc(': keep-alive\n\n:ping\ndata:{"a":1}\n\nevent: error\ndata: line one\ndata: line two\nid: 7\nretry: 10\n\n'),
    ]);
    assert.deepEqual(events, [{ data: '{"a":1}' }, { event: 'error', data: 'line one\nline two' }]);
  });

  it("keeps the name of snowflake-ml-python's other event so the client can skip it", () => {
    const events = parseAll([fixture('events.ml-python.sse')]);
    assert.deepEqual(events[0], { event: 'sth_else', data: 'jeden' });
    assert.ok(events.slice(1).every((e) => e.event === undefined));
  });

  it('stops at [DONE] and ignores anything after it', () => {
    const p = new CortexStreamParser();
    const events = p.push(enc('data: {"x":1}\n\ndata: [DONE]\n\ndata: {"x":2}\n\n'));
    assert.deepEqual(events, [{ data: '{"x":1}' }]);
    assert.equal(p.done, true);
    assert.deepEqual(p.push(enc('data: {"x":3}\n\n')), []);
    assert.deepEqual(p.end(), []);
  });

  it('delivers a last event that has no blank line after it when the body ends', () => {
    assert.deepEqual(parseAll([enc('data: {"x":1}\n\ndata: {"x":2}')]), [{ data: '{"x":1}' }, { data: '{"x":2}' }]);
  });

  it('drops a byte-order mark at the start, even when it is split', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('data: hi\n\n')]);
    assert.deepEqual(parseAll([bytes.subarray(0, 2), bytes.subarray(2)]), [{ data: 'hi' }]);
  });
});
