// Add / Remove Connect Server: the list in global state, keys in SecretStorage. Adding checks the key with
// GET /__api__/v1/user and says who you are; a Connect inside Snowflake also names the connection that opens its
// ingress (a Posit Workbench-managed one offered first). Arguments fill in what they name; the rest is asked.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import {
  ConnectServerRegistry,
  isSnowflakeIngressUrl,
  normaliseServerUrl,
  type ServerListStorage,
} from '../../core/publish/connect/connectServers';
import { checkServer } from '../../core/publish/publishPipeline';
import type { ConnectServer } from '../../core/publish/types';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import type { Logger } from '../../core/shared/logger';
import type { PublishDeps } from '../deps';

const STATE_KEY = 'positSnowflake.connectServers';

export function serverRegistry(deps: Pick<PublishDeps, 'globalState' | 'auth'>): ConnectServerRegistry {
  const storage: ServerListStorage = {
    get: () => deps.globalState.get<ConnectServer[]>(STATE_KEY),
    set: (servers) => deps.globalState.update(STATE_KEY, servers),
  };
  return new ConnectServerRegistry(storage, deps.auth);
}

export interface AddServerArgs {
  readonly url?: string;
  readonly apiKey?: string;
  readonly name?: string;
  /** Connect runs inside Snowflake (PrivateLink / custom domain); detected from the host otherwise. */
  readonly snowflake?: boolean;
  readonly snowflakeConnection?: string;
}

export interface AddServerResult {
  readonly server: ConnectServer;
  readonly username: string;
  readonly role: string;
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new CancelledError();
  return value;
}

async function askUrl(): Promise<string> {
  const text = need(
    await vscode.window.showInputBox({
      title: 'Add Connect Server (1/3)',
      prompt: 'Address of Posit Connect',
      placeHolder: 'https://connect.example.com',
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          normaliseServerUrl(v);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    }),
  );
  return normaliseServerUrl(text);
}

async function askInsideSnowflake(url: string): Promise<boolean> {
  if (isSnowflakeIngressUrl(url)) return true;
  const pick = need(
    await vscode.window.showQuickPick(
      [
        { label: 'Posit Connect', inside: false, detail: 'Reached with an API key alone.' },
        {
          label: 'Posit Connect inside Snowflake',
          inside: true,
          detail: "Behind Snowflake's ingress (PrivateLink or a custom domain): a Snowflake connection opens it.",
        },
      ],
      { title: 'Add Connect Server (2/3)', placeHolder: `Where does ${new URL(url).host} run?`, ignoreFocusOut: true },
    ),
  );
  return pick.inside;
}

/** The connection that opens the ingress: a Workbench-managed one first, then the default, then the rest. */
export async function pickIngressConnection(auth: AuthService): Promise<ConnectionProfile> {
  const { connections } = await auth.connections();
  if (connections.length === 0) {
    throw new SnowflakeExtError(
      'notFound',
      'A Connect inside Snowflake needs a Snowflake connection to open its ingress, and none was found.',
      {
        text: "Run 'Snowflake: Add Connection' first.",
        command: 'positSnowflake.addConnection',
        commandTitle: 'Add Connection',
      },
    );
  }
  const rank = (p: ConnectionProfile): number => (p.source === 'workbench' ? 0 : p.isDefault ? 1 : 2);
  const items = [...connections]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((p) => ({
      label: p.name,
      description:
        p.source === 'workbench'
          ? 'Managed by Posit Workbench (recommended)'
          : `${p.isDefault ? '(default) ' : ''}${p.account}${p.user ? ` · ${p.user}` : ''}`,
      profile: p,
    }));
  return need(
    await vscode.window.showQuickPick(items, {
      title: 'Add Connect Server: Snowflake connection for the ingress',
      ignoreFocusOut: true,
    }),
  ).profile;
}

async function askApiKey(url: string): Promise<string> {
  return need(
    await vscode.window.showInputBox({
      title: 'Add Connect Server (3/3)',
      prompt: `Connect API key for ${new URL(url).host} (in Connect: your name → API Keys)`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the API key.'),
    }),
  ).trim();
}

export async function addServer(
  deps: Pick<PublishDeps, 'auth' | 'log'>,
  registry: ConnectServerRegistry,
  args: AddServerArgs = {},
): Promise<AddServerResult> {
  const url = args.url ? normaliseServerUrl(args.url) : await askUrl();
  const inside =
    args.snowflake ?? (args.apiKey !== undefined ? isSnowflakeIngressUrl(url) : await askInsideSnowflake(url));
  const connection = inside ? (args.snowflakeConnection ?? (await pickIngressConnection(deps.auth)).name) : undefined;
  const apiKey = args.apiKey ?? (await askApiKey(url));
  const draft: ConnectServer = {
    url,
    name: args.name ?? new URL(url).host,
    ...(inside ? { snowflake: true } : {}),
    ...(connection ? { snowflakeConnection: connection } : {}),
  };
  const user = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking ${draft.name}…`, cancellable: true },
    (_p, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return checkServer({ server: draft, apiKey, auth: deps.auth, logger: deps.log, signal: controller.signal });
    },
  );
  const server = await registry.save({ ...draft, username: user.username }, apiKey);
  deps.log.info(
    `Added Connect server ${server.url} (${user.username}, ${user.user_role}${connection ? `, ingress via '${connection}'` : ''}).`,
  );
  void vscode.window.showInformationMessage(
    `Connected to ${server.name} as ${user.username} (${user.user_role})${connection ? ` through Snowflake connection '${connection}'` : ''}.`,
  );
  return { server, username: user.username, role: user.user_role };
}

/** Picks a saved server (or, with none saved, runs Add Connect Server). */
export async function pickServer(
  deps: Pick<PublishDeps, 'auth' | 'log'>,
  registry: ConnectServerRegistry,
  title: string,
): Promise<ConnectServer> {
  const servers = registry.list();
  if (servers.length === 0) return (await addServer(deps, registry)).server;
  const add = { label: '$(add) Add Connect Server…', server: undefined };
  const items = [
    ...servers.map((s) => ({
      label: s.name ?? s.url,
      description: `${s.url}${s.snowflake ? ' · inside Snowflake' : ''}${s.username ? ` · ${s.username}` : ''}`,
      server: s as ConnectServer | undefined,
    })),
    add,
  ];
  const picked = need(await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }));
  return picked.server ?? (await addServer(deps, registry)).server;
}

export async function removeServer(registry: ConnectServerRegistry, log: Logger, url?: string): Promise<string> {
  let target = url;
  if (!target) {
    const servers = registry.list();
    if (servers.length === 0)
      throw new SnowflakeExtError('notFound', 'No Connect server has been added.', {
        text: "Run 'Posit Connect: Add Connect Server…'.",
        command: 'positSnowflake.addConnectServer',
        commandTitle: 'Add Connect Server',
      });
    target = need(
      await vscode.window.showQuickPick(
        servers.map((s) => ({ label: s.name ?? s.url, description: s.url, url: s.url })),
        { title: 'Remove Connect Server' },
      ),
    ).url;
  }
  await registry.remove(target);
  log.info(`Removed Connect server ${target} and its API key.`);
  return target;
}
