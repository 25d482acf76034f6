// The Connect servers a person has added: the list (no secrets) behind a small storage interface (global state in
// the editor) and each server's API key, kept by the auth service.
import type { AuthService } from '../../auth/types';
import { SnowflakeExtError } from '../../shared/errors';
import type { ConnectServer } from '../types';

/** Where the list lives; the editor backs it with `globalState`. */
export interface ServerListStorage {
  get(): readonly ConnectServer[] | undefined;
  set(servers: readonly ConnectServer[]): PromiseLike<void>;
}

/** SPCS app hosts (rsconnect for R): `<endpoint>-<org>-<account>[.privatelink].snowflakecomputing.app` / `.snowflake.app`. */
const SPCS_HOST = /^[^-.]+-(.+?)(\.privatelink)?\.(snowflakecomputing|snowflake)\.app$/i;

/** True when the URL's host is an SPCS ingress host. PrivateLink aliases and custom domains must be marked by hand. */
export function isSnowflakeIngressUrl(url: string): boolean {
  try {
    return SPCS_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** `https://host[:port][/path]` without a trailing slash; raises a config error for anything else. */
export function normaliseServerUrl(input: string): string {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SnowflakeExtError('config', `'${input}' is not a server URL.`, {
      text: 'Enter the address of Posit Connect, e.g. https://connect.example.com.',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SnowflakeExtError('config', `'${input}' is not an http(s) URL.`, {
      text: 'Enter the address of Posit Connect, e.g. https://connect.example.com.',
    });
  }
  // People paste dashboard or API links; the server is what comes before them.
  const pathname = url.pathname.replace(/\/(connect|__api__)(\/.*)?$/, '').replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${pathname}`;
}

export function sameServer(a: string, b: string): boolean {
  try {
    return normaliseServerUrl(a).toLowerCase() === normaliseServerUrl(b).toLowerCase();
  } catch {
    return false;
  }
}

export class ConnectServerRegistry {
  constructor(
    private readonly storage: ServerListStorage,
    private readonly keys: Pick<AuthService, 'connectApiKey' | 'setConnectApiKey'>,
  ) {}

  list(): readonly ConnectServer[] {
    return this.storage.get() ?? [];
  }

  find(url: string): ConnectServer | undefined {
    return this.list().find((s) => sameServer(s.url, url));
  }

  /** Adds or replaces a server (matched by URL) and stores its API key. */
  async save(server: ConnectServer, apiKey?: string): Promise<ConnectServer> {
    const url = normaliseServerUrl(server.url);
    const entry: ConnectServer = { ...server, url };
    if (apiKey !== undefined) await this.keys.setConnectApiKey(url, apiKey);
    const others = this.list().filter((s) => !sameServer(s.url, url));
    await this.storage.set([...others, entry].sort((a, b) => (a.name ?? a.url).localeCompare(b.name ?? b.url)));
    return entry;
  }

  async remove(url: string): Promise<void> {
    const found = this.find(url);
    await this.storage.set(this.list().filter((s) => !sameServer(s.url, url)));
    await this.keys.setConnectApiKey(found?.url ?? normaliseServerUrl(url), undefined);
  }

  async apiKey(server: ConnectServer): Promise<string | undefined> {
    return this.keys.connectApiKey(normaliseServerUrl(server.url));
  }
}
