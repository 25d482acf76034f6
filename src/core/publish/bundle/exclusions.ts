// What never goes into a bundle: the always-excluded paths (the union of Posit Publisher's STANDARD_EXCLUSIONS in
// bundler/collect.ts and rsconnect-python's directories_ignore_list in rsconnect/bundle.py), plus the project's
// `.positignore` and `.rscignore` (gitignore syntax). Publisher itself selects files by its configuration's `files`
// list (publisherConfig.ts) and does not read `.positignore`.
export const IGNORE_FILE = '.positignore';
/** rsconnect's (and Publisher's) ignore file, itself never bundled. */
export const RSC_IGNORE_FILE = '.rscignore';

/** Names excluded at any depth. `node_modules` is kept for Node.js content (Connect installs from the lock file,
 * but an app may vendor modules); `venv`/`.venv` are environments Connect rebuilds from requirements.txt. */
const ALWAYS_EXCLUDED_NAMES = new Set([
  '.git',
  '.svn',
  '.hg',
  '.posit',
  '.venv',
  'venv',
  '__pycache__',
  '.Rproj.user',
  '.DS_Store',
  'Thumbs.db',
  '.ipynb_checkpoints',
  '.Rhistory',
  '.quarto',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  // rsconnect and rsconnect-python keep server and account names here; packrat is renv's predecessor.
  'rsconnect',
  'rsconnect-python',
  'packrat',
  RSC_IGNORE_FILE,
]);

/** Project-relative paths excluded only where they are. */
const ALWAYS_EXCLUDED_PATHS = new Set([
  'renv/library',
  'renv/staging',
  'renv/sandbox',
  'renv/python',
  'manifest.json',
  IGNORE_FILE,
]);

interface IgnoreRule {
  readonly negate: boolean;
  readonly dirOnly: boolean;
  readonly regex: RegExp;
  readonly source: string;
}

/** Translates one gitignore glob into a regular expression over a project-relative POSIX path. */
function globToRegex(glob: string, anchored: boolean): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0;
        const slashAfter = glob[i + 2] === '/';
        if ((atStart || glob[i - 1] === '/') && slashAfter) {
          re += '(?:.*/)?';
          i += 2;
        } else if (glob[i - 1] === '/' && i + 2 === glob.length) {
          re += '.*';
          i += 1;
        } else {
          re += '[^/]*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
      } else {
        let cls = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += glob[i + 1]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 1;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(anchored ? `^${re}$` : `^(?:.*/)?${re}$`);
}

/** Parses `.positignore` text: comments, blank lines, `!` negation, trailing `/` for directories, anchoring. */
export function parseIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    if (line.startsWith('\\#') || line.startsWith('\\!')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.replace(/\/+$/, '');
    if (!line) continue;
    // A slash at the start or in the middle anchors the pattern to the project root (gitignore's rule).
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    rules.push({ negate, dirOnly, regex: globToRegex(line, anchored), source: raw.trim() });
  }
  return rules;
}

export interface ExclusionOptions {
  /** Node.js content keeps `node_modules`. */
  readonly keepNodeModules?: boolean;
  /** Text of the project's ignore file, if it has one. */
  readonly ignoreText?: string;
}

/** Decides, per project-relative POSIX path, whether it stays out of the bundle. */
export class ExclusionFilter {
  private readonly rules: IgnoreRule[];

  constructor(private readonly opts: ExclusionOptions = {}) {
    this.rules = opts.ignoreText ? parseIgnoreFile(opts.ignoreText) : [];
  }

  /** Why a path is excluded ('always' or the ignore-file line), or undefined when it is bundled. */
  reason(relPath: string, isDirectory: boolean): string | undefined {
    const name = relPath.slice(relPath.lastIndexOf('/') + 1);
    if (ALWAYS_EXCLUDED_NAMES.has(name) || ALWAYS_EXCLUDED_PATHS.has(relPath)) return 'always';
    if (name === 'node_modules' && !this.opts.keepNodeModules) return 'always';
    // knitr's caches (`<doc>_cache/`) and RStudio project files, as Publisher leaves them out.
    if ((isDirectory && name.endsWith('_cache')) || (!isDirectory && name.endsWith('.Rproj'))) return 'always';
    let verdict: string | undefined;
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDirectory) continue;
      if (rule.regex.test(relPath)) verdict = rule.negate ? undefined : rule.source;
    }
    return verdict;
  }

  excludes(relPath: string, isDirectory: boolean): boolean {
    return this.reason(relPath, isDirectory) !== undefined;
  }
}
