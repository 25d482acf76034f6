// A ResultCursor over a snowflake-sdk statement run with `streamResult: true`: each range is a `statement.streamRows
// ({start, end})` Readable, read with backpressure, so only the result chunks a range overlaps are downloaded and
// the SDK holds at most the chunk it is reading plus its prefetch. See "Streaming results" in
// https://docs.snowflake.com/developer-guide/node-js/nodejs-driver-consume (streamRows with start/end, and
// backpressure since 1.6.23).
import type { RowStatement } from 'snowflake-sdk';
import type { Readable } from 'node:stream';
import type { ResultColumn, ResultCursor, ResultRow, RowReader } from './sqlDriver';

/** Rows buffered ahead of the reader before the SDK's stream is paused. */
const READ_AHEAD = 4096;

/** Pulls rows from a Readable in batches: paused while READ_AHEAD rows wait, resumed when they are read. */
class StreamRowReader implements RowReader {
  private buffer: ResultRow[] = [];
  private ended = false;
  private error: Error | undefined;
  /** Rows the pending read() waits for, and how to wake it. */
  private wanted = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly stream: Readable) {
    stream.on('data', (row: ResultRow) => {
      this.buffer.push(row);
      if (this.buffer.length >= READ_AHEAD) stream.pause();
      if (this.wake && this.buffer.length >= this.wanted) this.notify();
    });
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.on('error', (err: Error) => {
      this.error = err;
      this.notify();
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async read(max: number): Promise<ResultRow[]> {
    if (this.buffer.length < max && !this.ended && !this.error) {
      this.wanted = Math.min(max, READ_AHEAD);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.stream.resume();
      });
    }
    if (this.buffer.length === 0 && this.error) throw this.error;
    let out: ResultRow[];
    if (this.buffer.length <= max) {
      out = this.buffer;
      this.buffer = [];
    } else {
      out = this.buffer.slice(0, max);
      this.buffer = this.buffer.slice(max);
    }
    if (!this.ended) this.stream.resume();
    return out;
  }

  close(): void {
    this.ended = true;
    this.buffer = [];
    this.stream.destroy();
    this.notify();
  }
}

export class SdkResultCursor implements ResultCursor {
  readonly totalRows: number;
  readonly queryId?: string;

  constructor(
    private readonly statement: RowStatement,
    readonly columns: readonly ResultColumn[],
  ) {
    this.totalRows = Math.max(0, statement.getNumRows());
    this.queryId = statement.getQueryId() || undefined;
  }

  rows(start: number, end = this.totalRows): RowReader {
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(this.totalRows, Math.floor(end));
    if (to <= from) return { read: async () => [], close: () => undefined };
    // streamRows' end is inclusive.
    return new StreamRowReader(this.statement.streamRows({ start: from, end: to - 1 }));
  }
}
