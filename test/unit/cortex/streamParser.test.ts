// CortexStreamParser on recorded emulator streams cut at arbitrary bytes, and on the SSE edge cases Cortex may send.
import assert from 'node:assert/strict';
import { CortexStreamParser, type SseEvent } from '../../../src/core/cortex/convert/streamParser';
import { fixture, randomSplit, replay, seeded, textOf } from './sseReplay';

const ECHO_TEXT = 'Grüße aus Zürich ❄ 雪 🏔️ — naïve café, déjà vu.';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function parseAll(chunks: readonly Uint8Array[]): SseEvent[] {
  const p = new CortexStreamParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

describe('CortexStreamParser', () => {
  for (const name of ['echo.sse', 'tool-call.sse', 'sql.sse']) {
    it(`gives the same events for ${name} however the bytes are cut (200 random splits)`, () => {
      const bytes = fixture(name);
      const whole = parseAll([bytes]);
      assert.ok(whole.length >= 3, 'the fixture has several frames');
      for (let seed = 1; seed <= 200; seed++) {
        assert.deepEqual(parseAll(randomSplit(bytes, seeded(seed))), whole, `split with seed ${seed}`);
      }
    });
  }

  it('rebuilds multi-byte characters cut between chunks, one byte at a time', () => {
    const bytes = fixture('echo.sse');
    const oneByOne = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    assert.equal(textOf(replay(oneByOne)), ECHO_TEXT);
  });

  it('reads CRLF and lone-CR line endings, including a CRLF split between chunks', () => {
    const lf = fixture('echo.sse').toString('utf8');
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
