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

async function isDirectory(host: HostEnvironment, dir: string): Promise<boolean> {
  return (await host.fs.stat(dir))?.isDirectory() ?? false;
}

async function connectionFilesIn(host: HostEnvironment, dir: string): Promise<string[]> {
  const p = pathApi(host);
  const found: string[] = [];
  for (const name of [CONNECTIONS_FILE, CONFIG_FILE]) {
    const file = p.join(dir, name);
    if ((await host.fs.stat(file))?.isFile()) found.push(file);
  }
  return found;
}

/** Picks the directory the Python connector and the Snowflake CLI would use. */
export async function chooseDirectory(host: HostEnvironment): Promise<DirectoryChoice> {
  const p = pathApi(host);
  const homeVar = host.env.SNOWFLAKE_HOME ? p.resolve(expandHome(host.env.SNOWFLAKE_HOME, host)) : undefined;
  const dotSnowflake = p.join(host.homedir, '.snowflake');
  const platformDir = platformConfigDir(host);

  let directory: string;
  let why: string;
  if (homeVar && (await isDirectory(host, homeVar))) {
    directory = homeVar;
    why = 'SNOWFLAKE_HOME points to it';
  } else if (!homeVar && (await isDirectory(host, dotSnowflake))) {
    directory = dotSnowflake;
    why = `${dotSnowflake} exists (and SNOWFLAKE_HOME is not set)`;
  } else {
    directory = platformDir;
    why = homeVar
      ? `SNOWFLAKE_HOME (${homeVar}) does not exist, so the clients skip ~/.snowflake and use the platform directory`
      : `neither SNOWFLAKE_HOME nor ${dotSnowflake} exists, so the platform directory is used`;
  }

  const unused: Diagnostic[] = [];
  const others: [string, string][] = [];
  if (homeVar && homeVar !== directory)
    others.push([homeVar, 'SNOWFLAKE_HOME points to a directory that does not exist']);
  if (dotSnowflake !== directory) {
    others.push([
      dotSnowflake,
      homeVar ? 'SNOWFLAKE_HOME is set, so ~/.snowflake is never read' : 'it is not the chosen directory',
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
  return { directory, why, unused };
}
