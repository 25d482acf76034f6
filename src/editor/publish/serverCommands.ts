// Add / Remove Connect Server: the list in global state, keys in SecretStorage. Adding checks the key with
// GET /__api__/v1/user and says who you are; a Connect inside Snowflake also names the connection that opens its
// ingress (a Posit Workbench-managed one offered first). Everything is asked, in a form with Back.
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
import { problemText, runForm, type FormStep } from '../multiStepInput';

const STATE_KEY = 'positSnowflake.connectServers';

export function serverRegistry(deps: Pick<PublishDeps, 'globalState' | 'auth'>): ConnectServerRegistry {
  const storage: ServerListStorage = {
    get: () => deps.globalState.get<ConnectServer[]>(STATE_KEY),
    set: (servers) => deps.globalState.update(STATE_KEY, servers),
  };
  return new ConnectServerRegistry(storage, deps.auth);
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

/** The connections that may open the ingress: a Workbench-managed one first, then the default, then the rest. */
async function ingressItems(auth: AuthService): Promise<(vscode.QuickPickItem & { profile: ConnectionProfile })[]> {
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
  return [...connections]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((p) => ({
      label: p.name,
      description:
        p.source === 'workbench'
          ? 'Managed by Posit Workbench (recommended)'
          : `${p.isDefault ? '(default) ' : ''}${p.account}${p.user ? ` · ${p.user}` : ''}`,
      profile: p,
    }));
}

interface ServerAnswers {
  url: string;
  inside?: boolean;
  connection?: string;
  apiKey: string;
  user?: { username: string; user_role: string };
}

function urlProblem(v: string): string | undefined {
  try {
    normaliseServerUrl(v);
    return undefined;
  } catch (err) {
    return problemText(err);
  }
}

const draftOf = (a: ServerAnswers): ConnectServer => ({
  url: a.url,
  name: new URL(a.url).host,
  ...(a.inside ? { snowflake: true } : {}),
  ...(a.inside && a.connection ? { snowflakeConnection: a.connection } : {}),
});

/** The form's steps. The key is checked on its own step. */
function serverSteps(deps: Pick<PublishDeps, 'auth' | 'log' | 'limits'>): FormStep<ServerAnswers>[] {
  return [
    {
      ask: async (input, a) => {
        const typed = await input.inputBox({
          label: 'address',
          prompt: 'Address of Posit Connect',
          placeholder: 'https://connect.example.com',
          value: a.url,
          validate: (v) => (v.trim() ? urlProblem(v) : undefined),
          accept: async (v) => urlProblem(v),
        });
        a.url = normaliseServerUrl(typed);
      },
    },
    {
      // An address on Snowflake's ingress domain says it already.
      when: (a) => !isSnowflakeIngressUrl(a.url),
      ask: async (input, a) => {
        const items = [
          { label: 'Posit Connect', inside: false, detail: 'Reached with an API key alone.' },
          {
            label: 'Posit Connect inside Snowflake',
            inside: true,
            detail: "Behind Snowflake's ingress (PrivateLink or a custom domain): a Snowflake connection opens it.",
          },
        ];
        const active = items.find((i) => i.inside === a.inside);
        a.inside = (
          await input.pick({
            label: 'where it runs',
            placeholder: `Where does ${new URL(a.url).host} run?`,
            items,
            ...(active ? { active } : {}),
          })
        ).inside;
      },
    },
    {
      when: (a) => insideSnowflake(a),
      ask: async (input, a) => {
        const items = await ingressItems(deps.auth);
        const active = items.find((i) => i.label === a.connection);
        a.connection = (
          await input.pick({
            label: 'Snowflake connection for the ingress',
            placeholder: 'The Snowflake connection that opens the ingress',
            items,
            ...(active ? { active } : {}),
          })
        ).label;
      },
    },
    {
      ask: async (input, a) => {
        a.apiKey = await input.inputBox({
          label: 'API key',
          prompt: `Connect API key for ${new URL(a.url).host} (in Connect: your name → API Keys). It is checked now.`,
          password: true,
          value: a.apiKey,
          validate: (v) => (v.trim() ? undefined : 'Paste the API key.'),
          accept: async (v) => {
            try {
              a.user = await checkServer({
                server: draftOf(a),
                apiKey: v.trim(),
                auth: deps.auth,
                logger: deps.log,
                limits: deps.limits,
              });
              return undefined;
            } catch (err) {
              return `${problemText(err)} Check the key, or go Back to change the address or connection.`;
            }
          },
        });
        a.apiKey = a.apiKey.trim();
      },
    },
  ];
}

function insideSnowflake(a: ServerAnswers): boolean {
  return a.inside ?? isSnowflakeIngressUrl(a.url);
}

export async function addServer(
  deps: Pick<PublishDeps, 'auth' | 'log' | 'limits'>,
  registry: ConnectServerRegistry,
): Promise<AddServerResult> {
  const blank: ServerAnswers = { url: '', apiKey: '' };
  const a = await runForm('Add Connect Server', serverSteps(deps), blank);
  const draft = draftOf({ ...a, inside: insideSnowflake(a) });
  // The key's step checked it and says whose it is: the form ends only once a key was accepted.
  const user = a.user;
  if (!user) throw new CancelledError();
  const connection = draft.snowflakeConnection;
  const server = await registry.save({ ...draft, username: user.username }, a.apiKey);
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
  deps: Pick<PublishDeps, 'auth' | 'log' | 'limits'>,
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
