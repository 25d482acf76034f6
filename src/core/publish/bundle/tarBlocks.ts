// Lays the project's tar stream out from the file sizes alone, then fills fixed-size blocks of it straight from the
// files (headers, data read in place, padding), several blocks and many files at once, with no per-file buffers.
// Every file's MD5 is taken from the blocks in order, so it covers exactly the bytes the archive holds.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { SnowflakeExtError } from '../../shared/errors';
import type { ProjectFile } from './projectFiles';
import { encodeHeader, paddingFor, type TarEntry } from './tarHeader';

interface Placed {
  readonly file: ProjectFile;
  /** Offset of the entry's first header byte in the tar stream. */
  readonly start: number;
  readonly headerLength: number;
  readonly dataStart: number;
  readonly end: number;
}

function tarMode(file: ProjectFile): number {
  if (file.isDirectory) return 0o755;
  return file.mode & 0o111 ? 0o755 : 0o644;
}

function tarEntry(file: ProjectFile): TarEntry {
  const mtime = Math.floor(file.mtimeMs / 1000);
  return file.isDirectory
    ? { name: `${file.rel}/`, size: 0, mode: tarMode(file), mtime, type: 'directory' }
    : { name: file.rel, size: file.size, mode: tarMode(file), mtime, type: 'file' };
}

export function changedWhileBundling(file: ProjectFile): SnowflakeExtError {
  return new SnowflakeExtError('config', `'${file.rel}' changed while it was being bundled.`, {
    text: 'Publish again once the file is saved.',
  });
}

function replacedWhileBundling(file: ProjectFile): SnowflakeExtError {
  return new SnowflakeExtError(
    'config',
    `'${file.rel}' was replaced by another file (or a link) after the project was listed, so it was not bundled.`,
    { text: 'Check what changes the project folder, then publish again.' },
  );
}

/**
 * What was opened must be what was listed: the same file (dev and ino, so a link swapped in is caught however
 * same-sized its target) with the same size and mtime (so a file written meanwhile is not shipped half old, half new).
 * Checked on open (before a byte is read) and after each read, so a file that changes while it is read is caught too.
 */
function checkSame(file: ProjectFile, st: fs.Stats): void {
  if (!st.isFile() || st.dev !== file.dev || st.ino !== file.ino) throw replacedWhileBundling(file);
  if (st.size !== file.size || st.mtimeMs !== file.mtimeMs) throw changedWhileBundling(file);
}

/** O_NONBLOCK so a FIFO swapped in for a listed file cannot hang the open; it changes nothing for regular files. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function readFailure(file: ProjectFile, err: unknown): SnowflakeExtError {
  if (err instanceof SnowflakeExtError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return changedWhileBundling(file);
  const kind = code === 'EACCES' || code === 'EPERM' ? 'permission' : 'config';
  return new SnowflakeExtError(kind, `Cannot read '${file.rel}' (${code ?? String(err)}).`, {
    text: 'Make it readable, or list it in .positignore.',
  });
}

/**
 * Reads `length` bytes of `file` from `position` into `target` at `offset`; a short file is an error. Callback fs
 * (one promise per file, no FileHandle) because thousands of small files go through here.
 */
function readInto(file: ProjectFile, target: Buffer, offset: number, position: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(file.abs, OPEN_FLAGS, (openErr, fd) => {
      if (openErr) return reject(readFailure(file, openErr));
      let got = 0;
      const finish = (err?: unknown): void => {
        fs.close(fd, () => (err ? reject(readFailure(file, err)) : resolve()));
      };
      const step = (): void => {
        fs.read(fd, target, offset + got, length - got, position + got, (err, bytesRead) => {
          if (err) return finish(err);
          if (bytesRead === 0) return finish(changedWhileBundling(file));
          got += bytesRead;
          if (got < length) return step();
          fs.fstat(fd, (statErr, st) => {
            if (statErr) return finish(statErr);
            try {
              checkSame(file, st);
              finish();
            } catch (mismatch) {
              finish(mismatch);
            }
          });
        });
      };
      fs.fstat(fd, (statErr, st) => {
        if (statErr) return finish(statErr);
        try {
          checkSame(file, st);
        } catch (mismatch) {
          return finish(mismatch);
        }
        step();
      });
    });
  });
}

/**
 * Pieces up to this size are read synchronously: for a small file, three thread-pool round trips (open, read, close)
 * cost far more than the read itself, and the pool is busy compressing. A block holds at most 1 MiB of them, so the
 * event loop is held for about a millisecond at a time when the files are cached.
 */
const SYNC_READ_LIMIT = 64 * 1024;

function readIntoSync(file: ProjectFile, target: Buffer, offset: number, position: number, length: number): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file.abs, OPEN_FLAGS);
    checkSame(file, fs.fstatSync(fd));
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, target, offset + got, length - got, position + got);
      if (n === 0) throw changedWhileBundling(file);
      got += n;
    }
    checkSame(file, fs.fstatSync(fd));
  } catch (err) {
    throw readFailure(file, err);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export class TarLayout {
  readonly placed: readonly Placed[];
  /** Length of the entries' part of the stream (manifest and end-of-archive come after). */
  readonly length: number;
  private readonly headers = new Map<number, Buffer>();

  constructor(entries: readonly ProjectFile[]) {
    const placed: Placed[] = [];
    let at = 0;
    for (const file of entries) {
      const headerLength = encodeHeader(tarEntry(file)).length;
      const size = file.isDirectory ? 0 : file.size;
      placed.push({
        file,
        start: at,
        headerLength,
        dataStart: at + headerLength,
        end: at + headerLength + size + paddingFor(size),
      });
      at = placed[placed.length - 1]!.end;
    }
    this.placed = placed;
    this.length = at;
  }

  /** Index of the first entry that ends after `offset`. */
  firstEnding(offset: number): number {
    let lo = 0;
    let hi = this.placed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.placed[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private header(i: number): Buffer {
    let h = this.headers.get(i);
    if (!h) {
      h = encodeHeader(tarEntry(this.placed[i]!.file));
      this.headers.set(i, h);
    }
    return h;
  }

  /** Fills `block` with the stream's bytes [from, from + length): headers copied, data read in place, padding zeroed. */
  async fill(block: Buffer, from: number, length: number): Promise<void> {
    const to = from + length;
    const reads: Promise<void>[] = [];
    for (let i = this.firstEnding(from); i < this.placed.length; i++) {
      const p = this.placed[i]!;
      if (p.start >= to) break;
      const hs = Math.max(from, p.start);
      const he = Math.min(to, p.dataStart);
      if (he > hs) this.header(i).copy(block, hs - from, hs - p.start, he - p.start);
      if (p.end <= to) this.headers.delete(i);
      const size = p.file.isDirectory ? 0 : p.file.size;
      const ds = Math.max(from, p.dataStart);
      const de = Math.min(to, p.dataStart + size);
      if (de > ds) {
        if (de - ds <= SYNC_READ_LIMIT) readIntoSync(p.file, block, ds - from, ds - p.dataStart, de - ds);
        else reads.push(readInto(p.file, block, ds - from, ds - p.dataStart, de - ds));
      }
      const ps = Math.max(from, p.dataStart + size);
      const pe = Math.min(to, p.end);
      if (pe > ps) block.fill(0, ps - from, pe - from);
    }
    const results = await Promise.allSettled(reads);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Hashes each file's data as the blocks go by, in stream order; a file spanning blocks keeps its hash open. */
export class ChecksumTracker {
  readonly checksums = new Map<string, string>();
  filesDone = 0;
  private open?: { index: number; hash: crypto.Hash };

  constructor(private readonly layout: TarLayout) {}

  /** Feeds the block holding stream bytes [from, from + block.length) (block may be a sub-range). */
  update(block: Buffer, from: number): void {
    const to = from + block.length;
    const placed = this.layout.placed;
    for (let i = this.layout.firstEnding(from); i < placed.length; i++) {
      const p = placed[i]!;
      if (p.start >= to) break;
      if (p.file.isDirectory) continue;
      if (p.file.size === 0) {
        // An empty file's data position is inside this block (the loop starts at entries ending after `from`).
        if (p.dataStart <= to) this.finish(p.file.rel, crypto.createHash('md5'));
        continue;
      }
      const dataEnd = p.dataStart + p.file.size;
      const ds = Math.max(from, p.dataStart);
      const de = Math.min(to, dataEnd);
      if (de <= ds) continue;
      if (this.open?.index !== i) this.open = { index: i, hash: crypto.createHash('md5') };
      this.open.hash.update(block.subarray(ds - from, de - from));
      if (de === dataEnd) {
        this.finish(p.file.rel, this.open.hash);
        this.open = undefined;
      }
    }
  }

  private finish(rel: string, hash: crypto.Hash): void {
    this.checksums.set(rel, hash.digest('hex'));
    this.filesDone++;
  }
}
