// A bounded window over a result cursor: rows are held in pages, at most `maxPages` of them (least recently used
// pages are dropped), and read through one forward reader that is kept open while the grid scrolls on, so scrolling
// from top to bottom reads the result once (rows jumped over are passed, not kept). Far jumps open a new reader where
// the grid landed.
import type { ResultColumn, ResultCursor, ResultRow, RowReader } from '../snowflake/sqlDriver';

export interface ResultWindowOptions {
  /** Rows per page (the unit of reading and of eviction). */
  readonly pageRows?: number;
  /** Pages held at once: the window never holds more than pageRows × maxPages rows. */
  readonly maxPages?: number;
  /** A page this many rows ahead of the open reader is reached by reading on; farther, a new reader opens. */
  readonly skipRows?: number;
}

export const WINDOW_PAGE_ROWS = 500;
export const WINDOW_MAX_PAGES = 8;

export class ResultWindow {
  private readonly pages = new Map<number, ResultRow[]>();
  private reader: { readonly reader: RowReader; pos: number } | undefined;
  /** Reads one after another: the reader is shared. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly pageRows: number;
  private readonly maxPages: number;
  private readonly skipRows: number;
  /** The most rows held at once (for tests and benchmarks). */
  peakRows = 0;

  constructor(
    readonly cursor: ResultCursor,
    opts: ResultWindowOptions = {},
  ) {
    this.pageRows = opts.pageRows ?? WINDOW_PAGE_ROWS;
    this.maxPages = Math.max(2, opts.maxPages ?? WINDOW_MAX_PAGES);
    this.skipRows = opts.skipRows ?? 20_000;
  }

  get columns(): readonly ResultColumn[] {
    return this.cursor.columns;
  }

  get totalRows(): number {
    return this.cursor.totalRows;
  }

  /** Rows held now. */
  get heldRows(): number {
    let n = 0;
    for (const p of this.pages.values()) n += p.length;
    return n;
  }

  /** Rows [start, end) (clamped to the result), from held pages or read through the cursor. */
  range(start: number, end: number): Promise<ResultRow[]> {
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(this.totalRows, Math.floor(end), from + this.pageRows * (this.maxPages - 1));
    if (to <= from) return Promise.resolve([]);
    const run = this.queue.then(() => this.collect(from, to));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async collect(from: number, to: number): Promise<ResultRow[]> {
    const out: ResultRow[] = [];
    const first = Math.floor(from / this.pageRows);
    const last = Math.floor((to - 1) / this.pageRows);
    for (let p = first; p <= last; p++) {
      const rows = await this.page(p);
      const base = p * this.pageRows;
      const a = Math.max(from, base) - base;
      const b = Math.min(to, base + rows.length) - base;
      for (let i = a; i < b; i++) out.push(rows[i]!);
    }
    return out;
  }

  private async page(p: number): Promise<ResultRow[]> {
    const held = this.pages.get(p);
    if (held) {
      this.pages.delete(p); // most recently used last
      this.pages.set(p, held);
      return held;
    }
    if (this.closed) throw new Error('The result is closed.');
    const start = p * this.pageRows;
    if (!this.reader || this.reader.pos > start || start - this.reader.pos > this.skipRows) {
      this.reader?.reader.close();
      this.reader = { reader: this.cursor.rows(start), pos: start };
    }
    // Read on to the page (readers start and stay at page boundaries). The rows before it are passed over where the
    // reader reads them (in the driver process nothing crosses the pipe): a grid that jumped ahead does not show them,
    // and one that scrolls on asks for each page in turn anyway.
    if (start > this.reader.pos) await this.pass(this.reader, start - this.reader.pos);
    const rows = await this.fill(this.reader, Math.min(this.pageRows, this.totalRows - this.reader.pos));
    this.keep(p, rows);
    return rows;
  }

  private async pass(r: { readonly reader: RowReader; pos: number }, count: number): Promise<void> {
    if (r.reader.skip) {
      r.pos += await r.reader.skip(count);
      return;
    }
    while (count > 0) {
      const batch = await r.reader.read(Math.min(count, this.pageRows));
      if (batch.length === 0) return;
      r.pos += batch.length;
      count -= batch.length;
    }
  }

  /** Reads `count` rows from the reader (fewer at the end of the result). */
  private async fill(r: { readonly reader: RowReader; pos: number }, count: number): Promise<ResultRow[]> {
    const rows: ResultRow[] = [];
    while (rows.length < count) {
      const batch = await r.reader.read(count - rows.length);
      if (batch.length === 0) break;
      for (const row of batch) rows.push(row);
    }
    r.pos += rows.length;
    return rows;
  }

  private keep(p: number, rows: ResultRow[]): void {
    this.pages.delete(p);
    this.pages.set(p, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
    this.peakRows = Math.max(this.peakRows, this.heldRows);
  }

  close(): void {
    this.closed = true;
    this.reader?.reader.close();
    this.reader = undefined;
    this.pages.clear();
    this.cursor.release?.();
  }
}
