// Streams a project into a tar.gz temp file with its MD5 and every file's MD5, in bounded memory whatever the
// project's size: the tar stream is cut into 1 MiB blocks filled straight from the files a few blocks ahead, the
// blocks gzipped in parallel, manifest.json written last. Cancellable between blocks (so between files, and inside
// large ones); on failure or cancel the temp file is removed before the promise rejects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { throwIfAborted } from '../../shared/abort';
import { CancelledError, isCancelled } from '../../shared/errors';
import { BlockGzipWriter, type BlockGzipOptions } from './blockGzipWriter';
import type { ProjectFile } from './projectFiles';
import { ChecksumTracker, TarLayout } from './tarBlocks';
import { END_OF_ARCHIVE_BYTES, encodeHeader, paddingFor } from './tarHeader';

export interface BundleProgress {
  readonly files: number;
  readonly bytes: number;
  readonly totalFiles: number;
  readonly totalBytes: number;
}

export interface BundleOptions extends BlockGzipOptions {
  readonly entries: readonly ProjectFile[];
  /** Builds manifest.json from every file's MD5 (hex, by project-relative path); it is the archive's last entry. */
  readonly manifest: (checksums: ReadonlyMap<string, string>) => Uint8Array;
  readonly signal?: AbortSignal;
  /** Where the temp file goes; default the OS temp dir. */
  readonly tempDir?: string;
  readonly onProgress?: (p: BundleProgress) => void;
  /** Bytes per block (and gzip member); default 1 MiB. */
  readonly blockSize?: number;
  /** Blocks being filled from disk ahead of the one being hashed; default 2. */
  readonly readAhead?: number;
}

export interface Bundle {
  readonly path: string;
  readonly size: number;
  /** MD5 (hex) of the .tar.gz file. */
  readonly md5: string;
  readonly fileCount: number;
  /** Uncompressed bytes of the project's files. */
  readonly contentBytes: number;
  readonly checksums: ReadonlyMap<string, string>;
  /** Deletes the temp file (idempotent). */
  dispose(): Promise<void>;
}

/** A few block buffers reused for the whole bundle, so memory stays flat however many blocks go by. */
class BlockPool {
  private readonly free: Buffer[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly size: number,
    count: number,
  ) {
    for (let i = 0; i < count; i++) this.free.push(Buffer.allocUnsafe(size));
  }

  async take(): Promise<Buffer> {
    while (this.free.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.free.pop()!;
  }

  give(buf: Buffer): void {
    this.free.push(buf);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

interface Stats {
  readonly totalFiles: number;
  readonly totalBytes: number;
}

async function writeBlocks(
  opts: BundleOptions,
  layout: TarLayout,
  out: BlockGzipWriter,
  tracker: ChecksumTracker,
  stats: Stats,
): Promise<Buffer> {
  const blockSize = opts.blockSize ?? 1024 * 1024;
  const readAhead = Math.max(1, opts.readAhead ?? 2);
  const pool = new BlockPool(blockSize, readAhead + (opts.parallel ?? 3) + 1);
  const fullBlocks = Math.floor(layout.length / blockSize);
  const tailLength = layout.length - fullBlocks * blockSize;
  const filling: Promise<Buffer>[] = [];
  let next = 0;
  const startFill = (): void => {
    const k = next++;
    const p = pool.take().then(async (buf) => {
      await layout.fill(buf, k * blockSize, blockSize).catch((err: unknown) => {
        pool.give(buf);
        throw err;
      });
      return buf;
    });
    p.catch(() => undefined);
    filling.push(p);
  };
  try {
    for (let k = 0; k < fullBlocks; k++) {
      throwIfAborted(opts.signal);
      while (next < fullBlocks && filling.length < readAhead) startFill();
      const block = await filling.shift()!;
      tracker.update(block, k * blockSize);
      await out.submit(block, () => pool.give(block));
      opts.onProgress?.({ files: tracker.filesDone, bytes: (k + 1) * blockSize, ...stats });
    }
  } finally {
    await Promise.allSettled(filling);
  }
  throwIfAborted(opts.signal);
  const tail = Buffer.alloc(tailLength);
  await layout.fill(tail, fullBlocks * blockSize, tailLength);
  tracker.update(tail, fullBlocks * blockSize);
  return tail;
}

/** The archive's end: manifest.json's header, data and padding, then two zero blocks. */
function archiveEnd(manifest: Uint8Array): Buffer {
  const header = encodeHeader({
    name: 'manifest.json',
    size: manifest.length,
    mode: 0o644,
    mtime: Math.floor(Date.now() / 1000),
    type: 'file',
  });
  return Buffer.concat([header, manifest, Buffer.alloc(paddingFor(manifest.length) + END_OF_ARCHIVE_BYTES)]);
}

/** Builds the bundle. On any failure or cancel the temp file is gone before this rejects. */
export async function createBundle(opts: BundleOptions): Promise<Bundle> {
  throwIfAborted(opts.signal);
  const dir = await fs.promises.mkdtemp(path.join(opts.tempDir ?? os.tmpdir(), 'posit-snowflake-bundle-'));
  const file = path.join(dir, 'bundle.tar.gz');
  const remove = (): Promise<void> => fs.promises.rm(dir, { recursive: true, force: true });
  let fh: fs.promises.FileHandle | undefined;
  let out: BlockGzipWriter | undefined;
  try {
    fh = await fs.promises.open(file, 'w', 0o600);
    out = new BlockGzipWriter(fh, opts);
    const layout = new TarLayout(opts.entries);
    const tracker = new ChecksumTracker(layout);
    const files = opts.entries.filter((e) => !e.isDirectory);
    const stats = { totalFiles: files.length, totalBytes: files.reduce((s, e) => s + e.size, 0) };
    const tail = await writeBlocks(opts, layout, out, tracker, stats);
    await out.submit(Buffer.concat([tail, archiveEnd(opts.manifest(tracker.checksums))]));
    const { md5, size } = await out.finish();
    await fh.close();
    opts.onProgress?.({ files: stats.totalFiles, bytes: stats.totalBytes, ...stats });
    return {
      path: file,
      size,
      md5,
      fileCount: stats.totalFiles,
      contentBytes: stats.totalBytes,
      checksums: tracker.checksums,
      dispose: remove,
    };
  } catch (err) {
    await out?.abandon();
    await fh?.close().catch(() => undefined);
    await remove();
    if (isCancelled(err)) throw new CancelledError();
    throw err;
  }
}
