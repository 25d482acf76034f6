// Large results the way Snowflake hands them out: the first rows inline in `rowset`, the rest as result chunks the
// driver downloads from cloud storage with the headers the query response names.
//
// The wire format, from the drivers that read it:
// - snowflake-connector-nodejs lib/connection/result/result.js: `data.chunks` = [{url, rowCount, uncompressedSize,
//   compressedSize}], `data.chunkHeaders` sent with every chunk GET (or, when absent, `qrmk` turned into the SSE-C
//   headers x-amz-server-side-encryption-customer-algorithm/-key); the inline `rowset` becomes chunk 0 and row
//   indexes run on through the chunks; `returned` = rows in the whole result.
// - snowflake-connector-nodejs lib/connection/result/chunk.js: a chunk body is the rows as JSON arrays separated by
//   commas WITHOUT the outer brackets (the driver parses '[' + body + ']'); lib/services/large_result_set.js GETs it
//   with gzip accepted, retries 403 and 5xx, and treats a non-200 or an application/xml answer as a failure.
// - snowflake-connector-python result_batch.py: create_batches_from_response() reads the same fields (rowCount,
//   uncompressedSize, compressedSize, chunkHeaders or qrmk); the first batch has `total` minus the chunks' rows.
// - Storage answers an SSE-C object fetched without its key with HTTP 400 InvalidRequest (AWS S3 docs,
//   "Using server-side encryption with customer-provided keys (SSE-C)").
//
// Chunks are made when the driver asks for them, in order, from one DuckDB stream: the emulator holds the chunk
// being made and the few the driver prefetches, never the whole result. A chunk asked for again (a retry) is made
// again from the query with LIMIT/OFFSET.
import crypto from 'node:crypto';
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { DuckEngine, EngineContext, RowStream } from './duck';
import type { EmuRequest, EmulatorServer } from './server';

export interface Chunking {
  /** Rows sent inline in the query response. */
  inlineRows: number;
  /** Rows per downloaded chunk. */
  chunkRows: number;
}

export const DEFAULT_CHUNKING: Chunking = { inlineRows: 1000, chunkRows: 50_000 };

/** Chunks left unread this long are dropped (Snowflake's presigned chunk URLs expire after hours; tests are short). */
const IDLE_MS = 10 * 60_000;

/** One row as JSON array text, as RowStream gives it. */
type Row = string;

export interface ChunkRef {
  readonly url: string;
  readonly rowCount: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
}

const SSE_ALG = 'x-amz-server-side-encryption-customer-algorithm';
const SSE_KEY = 'x-amz-server-side-encryption-customer-key';

export const chunkBody = (rows: readonly Row[]): string => rows.join(',');

class ChunkedResult {
  readonly key = crypto.randomBytes(32).toString('base64');
  private made = 0;
  private readonly ready = new Map<number, string>();
  private queue: Promise<unknown> = Promise.resolve();
  lastUsed = Date.now();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly stream: RowStream,
    private carry: Row[],
    readonly counts: readonly number[],
    private readonly rerun: (offset: number, limit: number) => Promise<Row[]>,
  ) {}

  /** Chunk k's body; chunks are made strictly in order from the stream, one at a time. */
  body(k: number): Promise<string> {
    this.lastUsed = Date.now();
    const run = this.queue.then(async () => {
      const kept = this.ready.get(k);
      if (kept !== undefined) {
        this.ready.delete(k);
        return kept;
      }
      if (k < this.made) return chunkBody(await this.rerun(this.offset(k), this.counts[k]!));
      while (this.made <= k) {
        const n = this.counts[this.made]!;
        const rows = this.carry.splice(0, n);
        if (rows.length < n) rows.push(...(await this.stream.next(n - rows.length)));
        const text = chunkBody(rows);
        if (this.made !== k) this.ready.set(this.made, text);
        this.made++;
        if (this.made === k + 1) return text;
      }
      return '';
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Rows made but not downloaded yet. */
  get heldRows(): number {
    let n = this.carry.length;
    for (const k of this.ready.keys()) n += this.counts[k]!;
    return n;
  }

  private offset(k: number): number {
    return this.counts.slice(0, k).reduce((a, b) => a + b, 0);
  }

  get done(): boolean {
    return this.made >= this.counts.length && this.ready.size === 0;
  }

  close(): void {
    if (!this.closed) this.stream.close();
    this.closed = true;
    this.ready.clear();
    this.carry = [];
  }
}

export class ResultChunks {
  private readonly open = new Map<string, ChunkedResult>();
  private baseUrl = '';
  chunking: Chunking = { ...DEFAULT_CHUNKING };
  /** Chunk downloads answered (tests assert the driver really fetched chunks). */
  served = 0;
  /** Most rows of one result the emulator held at once: made ahead for prefetching plus the chunk being sent. */
  maxHeldRows = 0;

  constructor(private readonly engine: () => Promise<DuckEngine>) {}

  register(server: EmulatorServer): void {
    server.route('GET', '/results/:id/main/:chunk', (req, res) => this.download(req, res));
  }

  /** Where chunk URLs point (the Snowflake server's own address stands in for cloud storage). */
  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  /**
   * Keeps a started stream for download. `carry` holds rows already read past the inline ones; `rest` is the number
   * of rows after the inline ones.
   */
  add(
    ctx: EngineContext,
    sql: string,
    queryId: string,
    stream: RowStream,
    carry: Row[],
    rest: number,
    inline: readonly Row[],
  ): { chunks: ChunkRef[]; chunkHeaders: Record<string, string> } {
    this.sweep();
    const size = this.chunking.chunkRows;
    const counts = Array.from({ length: Math.ceil(rest / size) }, (_, i) => Math.min(size, rest - i * size));
    const skip = inline.length;
    const rerun = async (offset: number, limit: number): Promise<Row[]> => {
      const again = await (
        await this.engine()
      ).query(ctx, `SELECT * FROM (${sql.replace(/;\s*$/, '')}) LIMIT ${limit} OFFSET ${skip + offset}`);
      try {
        return await again.next(limit);
      } finally {
        again.close();
      }
    };
    const result = new ChunkedResult(queryId, stream, carry, counts, rerun);
    this.open.set(queryId, result);
    // Sizes are announced before the chunks exist: estimated from the inline rows (drivers only log them).
    const perRow = inline.length ? Buffer.byteLength(chunkBody(inline)) / inline.length + 1 : 64;
    const chunks = counts.map((rowCount, i) => ({
      url: `${this.baseUrl}/results/${queryId}/main/data_0_0_${i}?x-amz-expires=21600`,
      rowCount,
      uncompressedSize: Math.round(rowCount * perRow),
      compressedSize: Math.round((rowCount * perRow) / 6),
    }));
    return { chunks, chunkHeaders: { [SSE_ALG]: 'AES256', [SSE_KEY]: result.key } };
  }

  /** Drops a result (its query was aborted); later downloads of it fail as expired URLs do. */
  drop(queryId: string): void {
    this.open.get(queryId)?.close();
    this.open.delete(queryId);
  }

  private async download(req: EmuRequest, res: http.ServerResponse): Promise<void> {
    const r = this.open.get(req.params.id ?? '');
    const k = Number(/^data_0_0_(\d+)$/.exec(req.params.chunk ?? '')?.[1] ?? -1);
    if (!r || k < 0 || k >= r.counts.length)
      return s3Error(res, 403, 'AccessDenied', 'Request has expired or the object does not exist.');
    if (req.header(SSE_ALG) !== 'AES256' || req.header(SSE_KEY) !== r.key)
      return s3Error(
        res,
        400,
        'InvalidRequest',
        'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
      );
    const text = await r.body(k);
    this.served++;
    this.maxHeldRows = Math.max(this.maxHeldRows, r.heldRows + r.counts[k]!);
    const gzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
    const bytes = gzip ? gzipSync(text, { level: 1 }) : Buffer.from(text);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.length,
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(bytes);
    // Every chunk made: the stream's DuckDB connection goes; a retried download is made again from the query.
    if (r.done) r.close();
  }

  private sweep(): void {
    const now = Date.now();
    for (const r of [...this.open.values()]) if (now - r.lastUsed > IDLE_MS) this.drop(r.id);
  }

  close(): void {
    for (const id of [...this.open.keys()]) this.drop(id);
  }
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
