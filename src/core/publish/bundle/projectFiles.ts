// Lists the files a bundle will hold: walks the project (directories and stats in parallel), applies the exclusions
// to every path and to every symlink's target, follows symlinks that stay inside the project and refuses those that
// leave it, and names unreadable files. Each entry keeps its identity (dev, ino, size, mtime) so the bundler can check
// that what it opens later is what was listed.
import fs from 'node:fs';
import path from 'node:path';
import { throwIfAborted } from '../../shared/abort';
import { SnowflakeExtError } from '../../shared/errors';
import { ExclusionFilter, IGNORE_FILE, RSC_IGNORE_FILE } from './exclusions';

export interface ProjectFile {
  /** Project-relative POSIX path; directories end without '/'. */
  readonly rel: string;
  readonly abs: string;
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
  readonly isDirectory: boolean;
  /** Identity of what was listed (the target, for a symlink): the bundler refuses an open file that differs. */
  readonly dev: number;
  readonly ino: number;
}

export interface ProjectListing {
  readonly root: string;
  /** Directories first within their parent's order; sorted by path so bundles are reproducible. */
  readonly entries: readonly ProjectFile[];
  readonly fileCount: number;
  readonly totalBytes: number;
}

export interface ListOptions {
  readonly keepNodeModules?: boolean;
  /** Only paths this accepts are bundled (a Publisher configuration's `files` list); directories are still walked. */
  readonly include?: (rel: string, isDirectory: boolean) => boolean;
  readonly signal?: AbortSignal;
}

interface Problem {
  readonly rel: string;
  readonly why: string;
}

/** Stats between two yields to the event loop: about a millisecond of work when the metadata is cached. */
const SLICE = 256;

const uid = process.getuid?.();
const groups = new Set(process.getgroups?.() ?? []);

/**
 * Readability from the mode bits, without a syscall per file (10,000 access() calls cost more than the stats).
 * ACLs and the like are not seen here; the bundler still names a file it then fails to read.
 */
function readableByMode(st: fs.Stats): boolean {
  if (uid === undefined || uid === 0) return true;
  if (st.uid === uid) return (st.mode & 0o400) !== 0;
  if (groups.has(st.gid)) return (st.mode & 0o040) !== 0;
  return (st.mode & 0o004) !== 0;
}

/** A Python environment under any name: venv writes pyvenv.cfg; rsconnect-python and Publisher look for bin/python. */
const ENVIRONMENT_MARKERS = ['pyvenv.cfg', 'bin/python', 'Scripts/python.exe'];

function isPythonEnvironment(abs: string): boolean {
  return ENVIRONMENT_MARKERS.some((m) => fs.existsSync(path.join(abs, m)));
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

class Walker {
  readonly entries: ProjectFile[] = [];
  readonly unreadable: Problem[] = [];
  readonly escaping: Problem[] = [];
  readonly badNames: Problem[] = [];
  private readonly visitedDirs = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly realRoot: string,
    private readonly filter: ExclusionFilter,
    private readonly opts: ListOptions,
  ) {}

  /**
   * Synchronous stats in slices, yielding between them: for 10,000 files this takes a tenth of the time of one
   * promise per stat (the thread pool round trips dominate), and the event loop still turns every millisecond.
   */
  async walk(): Promise<void> {
    const pending: { rel: string; real: string }[] = [{ rel: '', real: '' }];
    this.visitedDirs.add(this.realRoot);
    let sinceYield = 0;
    while (pending.length > 0) {
      const { rel: relDir, real: realDir } = pending.pop()!;
      for (const d of this.readDir(relDir)) {
        const rel = relDir ? `${relDir}/${d.name}` : d.name;
        const real = realDir ? `${realDir}/${d.name}` : d.name;
        const dir = this.visit(rel, real, d);
        if (dir !== undefined) pending.push(dir);
        if (++sinceYield >= SLICE) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          throwIfAborted(this.opts.signal);
        }
      }
    }
  }

  private readDir(relDir: string): fs.Dirent[] {
    try {
      return fs.readdirSync(path.join(this.root, relDir), { withFileTypes: true });
    } catch (err) {
      this.unreadable.push({ rel: relDir || '.', why: (err as NodeJS.ErrnoException).code ?? String(err) });
      return [];
    }
  }

  /**
   * Records one entry; returns it when it is a directory to descend into. `real` is its project-relative path with
   * the links on the way resolved: an exclusion that matches either path keeps it out, so a link cannot bring in
   * what the project excludes (`gitconfig -> .git/config`, `alias.txt -> secret.txt` listed in .positignore).
   */
  private visit(rel: string, real: string, d: fs.Dirent): { rel: string; real: string } | undefined {
    const abs = path.join(this.root, rel);
    let isDir = d.isDirectory();
    if (d.name.includes('\uFFFD') && !fs.existsSync(abs)) {
      this.badNames.push({ rel, why: 'its name is not valid UTF-8' });
      return undefined;
    }
    if (d.isSymbolicLink()) {
      const target = this.resolveLink(rel, abs);
      if (!target) return undefined;
      isDir = target.stats.isDirectory();
      if (this.excludedTarget(target.rel, isDir)) return undefined;
      real = target.rel;
      if (isDir) {
        if (this.visitedDirs.has(target.abs)) return undefined; // a loop back into a directory already bundled
        this.visitedDirs.add(target.abs);
      }
    } else if (!isDir && !d.isFile()) {
      return undefined; // sockets, FIFOs and devices have no place in a bundle
    }
    if (this.filter.excludes(rel, isDir) || (real !== rel && this.filter.excludes(real, isDir))) return undefined;
    if (isDir && isPythonEnvironment(abs)) return undefined;
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (err) {
      this.unreadable.push({ rel, why: (err as NodeJS.ErrnoException).code ?? String(err) });
      return undefined;
    }
    if (!isDir && !readableByMode(st)) {
      this.unreadable.push({ rel, why: 'EACCES' });
      return undefined;
    }
    this.entries.push({
      rel,
      abs,
      size: isDir ? 0 : st.size,
      mode: st.mode,
      mtimeMs: st.mtimeMs,
      isDirectory: isDir,
      dev: st.dev,
      ino: st.ino,
    });
    return isDir ? { rel, real } : undefined;
  }

  /** A link target is excluded when it, or any folder on its way from the project root, is. */
  private excludedTarget(targetRel: string, isDir: boolean): boolean {
    if (targetRel === '') return false;
    const parts = targetRel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.filter.excludes(prefix, i < parts.length || isDir)) return true;
    }
    return false;
  }

  private resolveLink(rel: string, abs: string): { stats: fs.Stats; abs: string; rel: string } | undefined {
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch {
      let target = '?';
      try {
        target = fs.readlinkSync(abs);
      } catch {
        // the link itself vanished: '?' says as much
      }
      this.escaping.push({ rel, why: `points to ${target}, which does not exist` });
      return undefined;
    }
    if (!isInside(this.realRoot, real)) {
      this.escaping.push({ rel, why: `points outside the project, to ${real}` });
      return undefined;
    }
    return { stats: fs.statSync(real), abs: real, rel: path.relative(this.realRoot, real).split(path.sep).join('/') };
  }
}

function listOf(problems: readonly Problem[]): string {
  const shown = problems
    .slice(0, 5)
    .map((p) => `'${p.rel}' (${p.why})`)
    .join(', ');
  return problems.length > 5 ? `${shown} and ${problems.length - 5} more` : shown;
}

/** The files `include` accepts, and the directories that hold them. */
function selected(entries: ProjectFile[], include: ListOptions['include']): ProjectFile[] {
  if (!include) return entries;
  const files = entries.filter((e) => !e.isDirectory && include(e.rel, false));
  const dirs = new Set<string>();
  for (const f of files)
    for (let i = f.rel.indexOf('/'); i > 0; i = f.rel.indexOf('/', i + 1)) dirs.add(f.rel.slice(0, i));
  return [...files, ...entries.filter((e) => e.isDirectory && dirs.has(e.rel))];
}

/** Walks `root` and returns what the bundle will hold, or raises an error naming every file it cannot take. */
export async function listProjectFiles(root: string, opts: ListOptions = {}): Promise<ProjectListing> {
  const realRoot = await fs.promises.realpath(root).catch(() => {
    throw new SnowflakeExtError('notFound', `The folder ${root} does not exist.`, {
      text: 'Choose an existing project folder to publish.',
    });
  });
  const read = (name: string): Promise<string> => fs.promises.readFile(path.join(root, name), 'utf8').catch(() => '');
  const ignoreText = `${await read(IGNORE_FILE)}\n${await read(RSC_IGNORE_FILE)}`;
  const filter = new ExclusionFilter({ keepNodeModules: opts.keepNodeModules, ignoreText });
  const walker = new Walker(root, realRoot, filter, opts);
  await walker.walk();
  if (walker.escaping.length > 0) {
    throw new SnowflakeExtError(
      'config',
      `Refusing to bundle symbolic links that leave the project: ${listOf(walker.escaping)}.`,
      {
        text: `Replace them with copies of the files, or list them in ${IGNORE_FILE}.`,
      },
    );
  }
  if (walker.badNames.length > 0) {
    throw new SnowflakeExtError(
      'config',
      `Cannot bundle files whose names are not valid UTF-8: ${listOf(walker.badNames)}. Connect needs UTF-8 names.`,
      {
        text: `Rename them to UTF-8 names, or list them in ${IGNORE_FILE}.`,
      },
    );
  }
  if (walker.unreadable.length > 0) {
    const sorted = [...walker.unreadable].sort((a, b) => (a.rel < b.rel ? -1 : 1));
    throw new SnowflakeExtError(
      'permission',
      `Cannot read ${sorted.length === 1 ? 'a file' : `${sorted.length} files`} of the project: ${listOf(sorted)}.`,
      {
        text: `Make them readable (chmod u+r), or list them in ${IGNORE_FILE}.`,
      },
    );
  }
  const entries = selected(walker.entries, opts.include).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  let totalBytes = 0;
  let fileCount = 0;
  for (const e of entries) {
    if (e.isDirectory) continue;
    fileCount++;
    totalBytes += e.size;
  }
  return { root, entries, fileCount, totalBytes };
}
