// The one directory the Snowflake clients read (PROTOCOLS §1.1), and the other places where connection files
// may lie unused, so the doctor can say why they are ignored.
import path from 'node:path';
import type { Diagnostic, HostEnvironment } from '../auth/types';

export const CONNECTIONS_FILE = 'connections.toml';
export const CONFIG_FILE = 'config.toml';

export interface DirectoryChoice {
  readonly directory: string;
  /** Plain words on why this directory, for the doctor. */
  readonly why: string;
  /** Files found in directories that are not used, each with the reason. */
  readonly unused: readonly Diagnostic[];
  /** What is wrong with the chosen directory itself (a regular file, unreadable). */
  readonly problems: readonly Diagnostic[];
}

export function pathApi(host: Pick<HostEnvironment, 'platform'>): path.PlatformPath {
  return host.platform === 'win32' ? path.win32 : path.posix;
}

export function expandHome(p: string, host: Pick<HostEnvironment, 'homedir' | 'platform'>): string {
  if (p === '~') return host.homedir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return pathApi(host).join(host.homedir, p.slice(2));
  return p;
}

/** A path written in a connection (key file, token file): `~` expanded, made absolute. */
export function userPath(host: Pick<HostEnvironment, 'homedir' | 'platform'>, value: string): string {
  return pathApi(host).resolve(expandHome(value.trim(), host));
}

/** The platform config directory (platformdirs' user_config_path). */
export function platformConfigDir(host: HostEnvironment): string {
  const p = pathApi(host);
  if (host.platform === 'darwin') return p.join(host.homedir, 'Library', 'Application Support', 'snowflake');
  if (host.platform === 'win32')
    return p.join(host.env.LOCALAPPDATA || p.join(host.homedir, 'AppData', 'Local'), 'snowflake');
  const xdg = host.env.XDG_CONFIG_HOME;
  return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(host.homedir, '.config'), 'snowflake');
}

/** What a path is, as the Python connector's `Path.exists()` sees it (a regular file "exists" too). */
type PathKind = 'directory' | 'file' | 'missing' | 'loop' | 'denied' | 'notDirectory';

async function pathKind(host: HostEnvironment, p: string): Promise<PathKind> {
  const st = await host.fs.stat(p);
  if (st) return st.isDirectory() ? 'directory' : 'file';
  const code = await host.fs.statError?.(p);
  if (code === 'ELOOP') return 'loop';
  if (code === 'EACCES' || code === 'EPERM') return 'denied';
  if (code === 'ENOTDIR') return 'notDirectory';
  return 'missing';
}

const MISSING_WORDS: Readonly<Record<Exclude<PathKind, 'directory' | 'file'>, string>> = {
  missing: 'does not exist',
  loop: 'is a symbolic link loop (a link that points back to itself)',
  denied: 'cannot be reached (permission denied on a directory above it)',
  notDirectory: 'lies under a regular file, so it cannot exist',
};

async function connectionFilesIn(host: HostEnvironment, dir: string): Promise<string[]> {
  const p = pathApi(host);
  const found: string[] = [];
  for (const name of [CONNECTIONS_FILE, CONFIG_FILE]) {
    const file = p.join(dir, name);
    if ((await host.fs.stat(file))?.isFile()) found.push(file);
  }
  return found;
}

/** SNOWFLAKE_HOME as the clients take it: set (even to "") means used, relative to the working directory. */
function snowflakeHomeOf(host: HostEnvironment): string | undefined {
  const raw = host.env.SNOWFLAKE_HOME;
  if (raw === undefined) return undefined;
  const p = pathApi(host);
  return p.resolve(host.cwd ?? process.cwd(), expandHome(raw, host));
}

/** Problems with the chosen directory itself: a regular file, or a directory that may not be read. */
async function directoryProblems(host: HostEnvironment, directory: string, kind: PathKind): Promise<Diagnostic[]> {
  if (kind === 'file') {
    return [
      {
        severity: 'error',
        code: 'snowflakeHomeNotDirectory',
        file: directory,
        message: `SNOWFLAKE_HOME (${directory}) is a regular file, not a directory. The Snowflake clients still use it as their directory and find no connection files in it.`,
        fix: `Point SNOWFLAKE_HOME at the directory that holds connections.toml, or unset it.`,
      },
    ];
  }
  if (kind !== 'directory') return [];
  const probe = await host.fs.statError?.(pathApi(host).join(directory, CONNECTIONS_FILE));
  if (probe !== 'EACCES' && probe !== 'EPERM') return [];
  return [
    {
      severity: 'error',
      code: 'directoryUnreadable',
      file: directory,
      message: `The Snowflake directory ${directory} cannot be read (permission denied), so no connection file in it is used.`,
      fix: `Run: chmod 0700 ${directory}`,
    },
  ];
}

/** Picks the directory the Python connector and the Snowflake CLI would use. */
export async function chooseDirectory(host: HostEnvironment): Promise<DirectoryChoice> {
  const p = pathApi(host);
  const homeVar = snowflakeHomeOf(host);
  const dotSnowflake = p.join(host.homedir, '.snowflake');
  const platformDir = platformConfigDir(host);

  let directory: string;
  let why: string;
  // The connector tests `Path(SNOWFLAKE_HOME or "~/.snowflake").exists()`: a regular file counts as existing.
  const homeKind = homeVar !== undefined ? await pathKind(host, homeVar) : undefined;
  const dotKind = homeVar === undefined ? await pathKind(host, dotSnowflake) : undefined;
  let chosenKind: PathKind = 'directory';
  if (homeVar !== undefined && (homeKind === 'directory' || homeKind === 'file')) {
    directory = homeVar;
    chosenKind = homeKind;
    why =
      host.env.SNOWFLAKE_HOME === ''
        ? 'SNOWFLAKE_HOME is set to "" (the working directory)'
        : 'SNOWFLAKE_HOME points to it';
  } else if (homeVar === undefined && (dotKind === 'directory' || dotKind === 'file')) {
    directory = dotSnowflake;
    chosenKind = dotKind;
    why = `${dotSnowflake} exists (and SNOWFLAKE_HOME is not set)`;
  } else {
    directory = platformDir;
    chosenKind = (await pathKind(host, platformDir)) === 'directory' ? 'directory' : 'missing';
    why =
      homeVar !== undefined
        ? `SNOWFLAKE_HOME (${homeVar}) ${MISSING_WORDS[homeKind as keyof typeof MISSING_WORDS]}, so the clients skip ~/.snowflake and use the platform directory`
        : `neither SNOWFLAKE_HOME nor ${dotSnowflake} exists, so the platform directory is used`;
  }
  const problems = await directoryProblems(host, directory, chosenKind);
  if (homeKind === 'loop' || homeKind === 'denied' || homeKind === 'notDirectory') {
    problems.push({
      severity: 'warning',
      code: 'snowflakeHomeUnusable',
      message: `SNOWFLAKE_HOME (${homeVar}) ${MISSING_WORDS[homeKind]}, so the Snowflake clients use ${directory} instead.`,
      fix: 'Point SNOWFLAKE_HOME at an existing directory, or unset it.',
    });
  }

  const unused: Diagnostic[] = [];
  const others: [string, string][] = [];
  if (homeVar !== undefined && homeVar !== directory)
    others.push([homeVar, `SNOWFLAKE_HOME ${MISSING_WORDS[homeKind as keyof typeof MISSING_WORDS] ?? 'is not used'}`]);
  if (dotSnowflake !== directory) {
    others.push([
      dotSnowflake,
      homeVar !== undefined ? 'SNOWFLAKE_HOME is set, so ~/.snowflake is never read' : 'it is not the chosen directory',
    ]);
  }
  if (platformDir !== directory) others.push([platformDir, `${directory} comes first`]);
  for (const [dir, reason] of others) {
    for (const file of await connectionFilesIn(host, dir)) {
      unused.push({
        severity: 'info',
        file,
        message: `${file} is not used because ${reason}; the Snowflake clients read ${directory}.`,
        fix: `Move the connections you need into ${p.join(directory, CONNECTIONS_FILE)}, or delete the unused file.`,
      });
    }
  }
  return { directory, why, unused, problems };
}
