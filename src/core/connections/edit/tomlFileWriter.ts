// Writes a user's connections.toml / config.toml safely: a 0600 temp file renamed over the original (so a failure
// leaves the old file whole), our stale temp files from an edit that was killed are removed, and a hard-linked file
// is refused rather than silently unlinked.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { SnowflakeExtError } from '../../shared/errors';

export const OPEN_FILE_FIX = {
  text: "Edit it with 'Snowflake: Open Connections File'.",
  command: 'positSnowflake.openConnectionsFile',
  commandTitle: 'Open Connections File',
};

/** The file operations the writer uses; tests swap one for a failing version. */
export interface AtomicWriteIo {
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly writeFile: (file: string, text: string, opts: { mode: number; flag: string }) => Promise<void>;
}

const nodeIo: AtomicWriteIo = { rename: (a, b) => fsp.rename(a, b), writeFile: (f, t, o) => fsp.writeFile(f, t, o) };

export interface EditFileResult {
  /** The file actually written (a symlink's target). */
  readonly file: string;
  readonly created: boolean;
  /** The mode the file had before when it was looser than 0600 (it is 0600 now). */
  readonly previousMode?: number;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    const bytes = await fsp.readFile(file);
    const text = bytes.toString('utf8');
    // Decoding bytes that are not UTF-8 would replace them: writing that back would change the user's file.
    if (!Buffer.from(text, 'utf8').equals(bytes)) {
      throw new SnowflakeExtError(
        'config',
        `${file} is not UTF-8 text (TOML must be), so it was left unchanged.`,
        OPEN_FILE_FIX,
      );
    }
    return text;
  } catch (err) {
    if (err instanceof SnowflakeExtError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `.connections.toml.<12 hex>.tmp`: the name every edit's temp file gets, and the only names cleaned up. */
function tempName(base: string): string {
  return `.${base}.${crypto.randomBytes(6).toString('hex')}.tmp`;
}

/** A temp file this old is no edit in progress (an edit takes milliseconds) but one that was killed. */
const STALE_TEMP_MS = 60_000;

/**
 * Removes what a killed edit left: our own temp files of this file (they hold part of the new text, secrets
 * included). Only names of our pattern, only the user's own files, only ones old enough not to be another edit's.
 */
async function removeStaleTemps(dir: string, base: string, now = Date.now()): Promise<void> {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ours = new RegExp(`^\\.${escaped}\\.[0-9a-f]{12}\\.tmp$`);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!ours.test(name)) continue;
    const p = path.join(dir, name);
    const st = await fsp.lstat(p).catch(() => undefined);
    if (!st?.isFile() || (process.getuid && st.uid !== process.getuid()) || now - st.mtimeMs < STALE_TEMP_MS) continue;
    await fsp.rm(p, { force: true }).catch(() => undefined);
  }
}

function hardLinked(file: string, links: number): SnowflakeExtError {
  return new SnowflakeExtError(
    'config',
    `${file} has ${links} hard links; writing the edit would cut it off from the other ${links === 2 ? 'name' : `${links - 1} names`}, so it was left unchanged.`,
    {
      ...OPEN_FILE_FIX,
      text: `Make the change by hand (${OPEN_FILE_FIX.text.replace(/^Edit it with /, '').replace(/\.$/, '')}), or replace the hard link with a symbolic link, which edits keep.`,
    },
    'hardLinked',
  );
}

function writeError(file: string, err: unknown): SnowflakeExtError {
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
  return new SnowflakeExtError(
    'config',
    `Could not write ${file} (${code}). The file was left as it was.`,
    { text: 'Check that you can write to that folder, then try again.' },
    undefined,
    { cause: err },
  );
}

/**
 * Applies `edit` to the file's text (empty when it does not exist) and writes the result atomically: a 0600 temp file
 * in the same directory renamed over the original, so a failure at any point leaves the old file whole. Creates the
 * directory (0700) and the file (0600); an existing file ends up 0600 too. A symlinked file is written through to its
 * target so dotfile setups keep their link. If the file changes on disk while we edit, nothing is written.
 */
export async function editTomlFile(
  file: string,
  edit: (text: string) => string,
  io: AtomicWriteIo = nodeIo,
): Promise<EditFileResult> {
  const target = await fsp.realpath(file).catch(() => file);
  const before = await readIfExists(target);
  const after = edit(before ?? '');
  const dir = path.dirname(target);
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw writeError(target, err);
  }
  const st = before === undefined ? undefined : await fsp.stat(target);
  if (st && st.nlink > 1) throw hardLinked(target, st.nlink);
  const previousMode = st ? st.mode & 0o777 : undefined;
  await removeStaleTemps(dir, path.basename(target));
  const temp = path.join(dir, tempName(path.basename(target)));
  try {
    await io.writeFile(temp, after, { mode: 0o600, flag: 'wx' });
    await fsp.chmod(temp, 0o600); // the umask may have left it narrower; never wider
    if ((await readIfExists(target)) !== before) {
      throw new SnowflakeExtError(
        'config',
        `${target} changed on disk while it was being edited. Nothing was written.`,
        { text: 'Try again.' },
      );
    }
    await io.rename(temp, target);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err instanceof SnowflakeExtError ? err : writeError(target, err);
  }
  return {
    file: target,
    created: before === undefined,
    ...(previousMode !== undefined && (previousMode & 0o077) !== 0 ? { previousMode } : {}),
  };
}
