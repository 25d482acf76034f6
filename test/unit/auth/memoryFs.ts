// An in-memory FileSystem for the pure resolvers: files with mode, owner and mtime, unreadable files, and a snapshot
// so tests can prove nothing was changed.
import path from 'node:path';
import type { FileSystem, HostEnvironment } from '../../../src/core/auth/types';

interface MemFile {
  text: string;
  mode: number;
  uid: number;
  mtimeMs: number;
}

export const HOME = '/home/ada';
export const UID = 1000;

export class MemoryFs implements FileSystem {
  readonly files = new Map<string, MemFile>();
  readonly dirs = new Set<string>(['/']);
  readonly unreadable = new Set<string>();
  /** Directories that exist but may not be searched (mode 0000): nothing inside can be stat'ed. */
  readonly unsearchable = new Set<string>();
  /** Paths that are symlink loops (stat fails with ELOOP). */
  readonly loops = new Set<string>();
  readonly reads: string[] = [];
  private clock = 1_700_000_000_000;

  constructor(files: Record<string, string> = {}) {
    for (const [p, text] of Object.entries(files)) this.file(p, text);
  }

  file(p: string, text: string, opts: { mode?: number; uid?: number } = {}): this {
    this.dir(path.posix.dirname(p));
    this.files.set(p, { text, mode: opts.mode ?? 0o600, uid: opts.uid ?? UID, mtimeMs: (this.clock += 1000) });
    return this;
  }

  dir(p: string): this {
    let d = p;
    while (d !== '/' && !this.dirs.has(d)) {
      this.dirs.add(d);
      d = path.posix.dirname(d);
    }
    return this;
  }

  async readFile(p: string): Promise<string> {
    this.reads.push(p);
    const blocked = this.statErrorOf(p);
    if (blocked) throw Object.assign(new Error(`${blocked}: cannot open '${p}'`), { code: blocked });
    if (this.unreadable.has(p))
      throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
    const f = this.files.get(p);
    if (!f) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
    return f.text;
  }

  async stat(
    p: string,
  ): Promise<
    { mode: number; uid: number; mtimeMs: number; size: number; isFile(): boolean; isDirectory(): boolean } | undefined
  > {
    if (this.statErrorOf(p)) return undefined;
    const f = this.files.get(p);
    if (f)
      return {
        mode: 0o100000 | f.mode,
        uid: f.uid,
        mtimeMs: f.mtimeMs,
        size: f.text.length,
        isFile: () => true,
        isDirectory: () => false,
      };
    if (this.dirs.has(p))
      return { mode: 0o40755, uid: UID, mtimeMs: 0, size: 0, isFile: () => false, isDirectory: () => true };
    return undefined;
  }

  async statError(p: string): Promise<string | undefined> {
    return this.statErrorOf(p) ?? (this.files.has(p) || this.dirs.has(p) ? undefined : 'ENOENT');
  }

  private statErrorOf(p: string): string | undefined {
    if (this.loops.has(p)) return 'ELOOP';
    for (let d = path.posix.dirname(p), up = ''; d !== up; up = d, d = path.posix.dirname(d)) {
      if (this.unsearchable.has(d)) return 'EACCES';
      if (this.files.has(d)) return 'ENOTDIR';
    }
    return undefined;
  }

  /** Every file's content and mode, to compare before and after. */
  snapshot(): string {
    return JSON.stringify([...this.files.entries()].map(([p, f]) => [p, f.text, f.mode]));
  }
}

export function hostOf(
  fs: FileSystem,
  env: Record<string, string | undefined> = {},
  extra: Partial<HostEnvironment> = {},
): HostEnvironment {
  return { env, homedir: HOME, platform: 'linux', uid: UID, fs, ...extra };
}
