// CortexStreamParser: turns the bytes of a text/event-stream body into the data payloads of its events, however the
// network happened to cut them (mid-line, mid-CRLF, mid-UTF-8 character).
//
// Follows the WHATWG server-sent events rules Cortex needs: lines end in CRLF, LF or CR; `data:` lines (one optional
// space after the colon) of one event are joined with "\n"; a blank line ends the event; lines starting with ":" are
// comments (keep-alives); `event:`, `id:` and `retry:` are read but Cortex sends no named events, so only the name is
// kept. `data: [DONE]` ends the stream. A last event without its blank line is still delivered by `end()`.

export interface SseEvent {
  /** The `event:` name when the server sent one (Cortex does not). */
  readonly event?: string;
  readonly data: string;
}

export class CortexStreamParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** Decoded text not yet split into complete lines. */
  private pending = '';
  private dataLines: string[] = [];
  private eventName: string | undefined;
  private sawDone = false;
  private first = true;

  /** True once `data: [DONE]` arrived; later bytes are ignored. */
  get done(): boolean {
    return this.sawDone;
  }

  /** Feeds one chunk of the body; returns the events it completed, in order. */
  push(chunk: Uint8Array): SseEvent[] {
    if (this.sawDone) return [];
    return this.feed(this.decoder.decode(chunk, { stream: true }), false);
  }

  /** The body ended: flushes a trailing event that had no blank line after it. */
  end(): SseEvent[] {
    if (this.sawDone) return [];
    const events = this.feed(this.decoder.decode(), true);
    if (!this.sawDone && this.dataLines.length > 0) this.dispatch(events);
    return events;
  }

  private feed(text: string, final: boolean): SseEvent[] {
    let buf = this.pending + text;
    if (this.first && buf.length > 0) {
      // A byte-order mark may open the stream (the SSE rules say to drop it).
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      this.first = false;
    }
    // A CR at the very end may be the first half of a CRLF split across chunks: keep it until the next chunk.
    let carry = '';
    if (!final && buf.endsWith('\r')) {
      carry = '\r';
      buf = buf.slice(0, -1);
    }
    if (buf.includes('\r')) buf = buf.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let start = 0;
    for (let nl = buf.indexOf('\n', start); nl !== -1; nl = buf.indexOf('\n', start)) {
      this.line(buf.slice(start, nl), events);
      start = nl + 1;
      if (this.sawDone) {
        this.pending = '';
        return events;
      }
    }
    const rest = buf.slice(start);
    if (final && rest.length > 0) {
      this.line(rest, events);
      this.pending = '';
    } else {
      this.pending = rest + carry;
    }
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      if (this.dataLines.length > 0) this.dispatch(events);
      else this.eventName = undefined;
      return;
    }
    if (line.charCodeAt(0) === 0x3a /* ':' comment / keep-alive */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
    // `id` and `retry` only matter for EventSource reconnection, which a POST stream does not do.
  }

  private dispatch(events: SseEvent[]): void {
    const data = this.dataLines.length === 1 ? this.dataLines[0]! : this.dataLines.join('\n');
    const event = this.eventName;
    this.dataLines = [];
    this.eventName = undefined;
    if (data === '[DONE]') {
      this.sawDone = true;
      return;
    }
    events.push(event === undefined ? { data } : { event, data });
  }
}
