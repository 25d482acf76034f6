// Posit Connect routes of the emulator (PROTOCOLS §8): the user by API key, content create/get/patch, environment,
// bundle upload (gzip tar with a manifest whose checksums match), deploy → a task whose lines appear over time, the
// content URL, and session-affinity cookies a client must keep between task polls. Behind the emulated SPCS
// ingress the key comes in X-RSC-Authorization (the ingress took Authorization for the Snowflake token).
import crypto from 'node:crypto';
import type http from 'node:http';
import { checkBundle } from './connectBundle';
import { createOAuthState, registerConnectOAuth, type OAuthState } from './connectOAuth';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';

export interface ConnectUserRecord {
  readonly guid: string;
  readonly username: string;
  readonly email: string;
  user_role: 'viewer' | 'publisher' | 'administrator';
  locked: boolean;
  /** The Snowflake user a Viewer OAuth integration signs this person in as (default: the username, upper-cased). */
  snowflake_user?: string;
}

export interface ConnectContentRecord {
  readonly guid: string;
  readonly name: string;
  title: string;
  description: string;
  app_mode: string;
  locked: boolean;
  owner_guid: string;
  bundle_id: string | null;
  environment: Map<string, string>;
  readonly created_time: string;
  last_deployed_time: string | null;
}

export interface ConnectBundleRecord {
  readonly id: string;
  readonly contentGuid: string;
  readonly size: number;
  readonly manifest: any;
  readonly files: Map<string, Buffer>;
  readonly members: number;
}

export interface ConnectTaskRecord {
  readonly id: string;
  readonly lines: string[];
  finished: boolean;
  code: number;
  error: string;
  /** Affinity cookie value the task's node handed out; polls without it reach "another node". */
  readonly node: string;
}

export interface ConnectState {
  readonly users: Map<string, ConnectUserRecord>;
  readonly contents: Map<string, ConnectContentRecord>;
  readonly bundles: Map<string, ConnectBundleRecord>;
  readonly tasks: Map<string, ConnectTaskRecord>;
  /** The publisher's key, printed by the emulator CLI. */
  readonly apiKey: string;
  /** Milliseconds between task lines. */
  taskLineDelayMs: number;
  /** Fail the next deployment with this error (then cleared). A bundle holding FAIL_DEPLOY fails too. */
  failNextDeploy?: string;
  /** Require the affinity cookie on task polls (a load balancer in front of several Connect nodes). */
  requireAffinity: boolean;
  /** OAuth integrations, associations and the session tokens content exchanges (connectOAuth.ts). */
  readonly oauth: OAuthState;
  addUser(username: string, role: ConnectUserRecord['user_role']): { user: ConnectUserRecord; apiKey: string };
}

export function createConnectState(): ConnectState {
  const users = new Map<string, ConnectUserRecord>();
  const addUser: ConnectState['addUser'] = (username, role) => {
    const apiKey = crypto.randomBytes(16).toString('hex');
    const user = {
      guid: crypto.randomUUID(),
      username,
      email: `${username}@example.com`,
      user_role: role,
      locked: false,
    };
    users.set(apiKey, user);
    return { user, apiKey };
  };
  const { apiKey } = addUser('publisher1', 'publisher');
  return {
    users,
    contents: new Map(),
    bundles: new Map(),
    tasks: new Map(),
    apiKey,
    taskLineDelayMs: 15,
    requireAffinity: true,
    oauth: createOAuthState(),
    addUser,
  };
}

/** Connect's error body: `{code, error, payload}`. */
function connectError(res: http.ServerResponse, status: number, code: number, error: string): void {
  sendJson(res, status, { code, error, payload: null });
}

function apiKeyOf(req: EmuRequest, behindIngress: boolean): string | undefined {
  const rsc = /^Key\s+(\S+)$/i.exec(req.header('x-rsc-authorization') ?? '')?.[1];
  if (rsc || behindIngress) return rsc;
  return /^Key\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
}

function contentJson(c: ConnectContentRecord, base: string): Record<string, unknown> {
  return {
    guid: c.guid,
    name: c.name,
    title: c.title,
    description: c.description,
    app_mode: c.app_mode,
    locked: c.locked,
    owner_guid: c.owner_guid,
    bundle_id: c.bundle_id,
    created_time: c.created_time,
    last_deployed_time: c.last_deployed_time,
    dashboard_url: `${base}/connect/#/apps/${c.guid}`,
    content_url: `${base}/content/${c.guid}/`,
  };
}

const TASK_SCRIPT = [
  'Building bundle',
  'Bundle requested Python version; using the closest installed',
  'Installing packages from the manifest',
  'Packages installed',
  'Launching the content',
  'Content is running',
];

function runTask(state: ConnectState, task: ConnectTaskRecord, failure: string | undefined): void {
  const script = failure ? [...TASK_SCRIPT.slice(0, 3), `ERROR: ${failure}`] : TASK_SCRIPT;
  let i = 0;
  const tick = (): void => {
    const line = script[i++];
    if (line !== undefined) task.lines.push(line);
    if (i < script.length) {
      setTimeout(tick, state.taskLineDelayMs).unref();
      return;
    }
    task.finished = true;
    task.code = failure ? 1 : 0;
    task.error = failure ?? '';
  };
  setTimeout(tick, state.taskLineDelayMs).unref();
}

function registerContentRoutes(
  server: EmulatorServer,
  state: ConnectState,
  who: (req: EmuRequest, res: http.ServerResponse) => ConnectUserRecord | undefined,
): void {
  const base = (): string => server.url;
  const owned = (req: EmuRequest, res: http.ServerResponse): ConnectContentRecord | undefined => {
    const c = state.contents.get(req.params.guid ?? '');
    if (!c) connectError(res, 404, 4, `Content ${req.params.guid} not found.`);
    return c;
  };
  server.route('POST', '/__api__/v1/content', (req, res) => {
    const user = who(req, res);
    if (!user) return;
    if (user.user_role === 'viewer')
      return connectError(res, 403, 19, 'You do not have permission to perform this operation.');
    const body = req.json<{ name?: string; title?: string }>() ?? {};
    if (!body.name || !/^[A-Za-z0-9_-]{1,64}$/.test(body.name))
      return connectError(res, 400, 10, 'The content name must be 1-64 letters, digits, _ or -.');
    if ([...state.contents.values()].some((c) => c.name === body.name && c.owner_guid === user.guid))
      return connectError(res, 409, 14, 'A content item with this name already exists.');
    const c: ConnectContentRecord = {
      guid: crypto.randomUUID(),
      name: body.name,
      title: body.title ?? body.name,
      description: '',
      app_mode: 'unknown',
      locked: false,
      owner_guid: user.guid,
      bundle_id: null,
      environment: new Map(),
      created_time: new Date().toISOString(),
      last_deployed_time: null,
    };
    state.contents.set(c.guid, c);
    sendJson(res, 200, contentJson(c, base()));
  });
  // Connect's API reference, "Search for content items": `name` and `owner_guid` narrow the list; a name is unique
  // per owner, so both together give at most one item.
  server.route('GET', '/__api__/v1/content', (req, res) => {
    if (!who(req, res)) return;
    const name = req.url.searchParams.get('name');
    const owner = req.url.searchParams.get('owner_guid');
    const found = [...state.contents.values()].filter(
      (c) => (name === null || c.name === name) && (owner === null || c.owner_guid === owner),
    );
    sendJson(
      res,
      200,
      found.map((c) => contentJson(c, base())),
    );
  });
  server.route('GET', '/__api__/v1/content/:guid', (req, res) => {
    if (!who(req, res)) return;
    const c = owned(req, res);
    if (c) sendJson(res, 200, contentJson(c, base()));
  });
  server.route('PATCH', '/__api__/v1/content/:guid', (req, res) => {
    if (!who(req, res)) return;
    const c = owned(req, res);
    if (!c) return;
    const body = req.json<Record<string, unknown>>() ?? {};
    if (typeof body.title === 'string') c.title = body.title;
    if (typeof body.description === 'string') c.description = body.description;
    sendJson(res, 200, contentJson(c, base()));
  });
  server.route('PATCH', '/__api__/v1/content/:guid/environment', (req, res) => {
    if (!who(req, res)) return;
    const c = owned(req, res);
    if (!c) return;
    for (const v of req.json<{ name: string; value: string | null }[]>() ?? []) {
      if (v.value === null) c.environment.delete(v.name);
      else c.environment.set(v.name, v.value);
    }
    sendJson(res, 200, [...c.environment.keys()].sort());
  });
}

function registerDeployRoutes(
  server: EmulatorServer,
  state: ConnectState,
  who: (req: EmuRequest, res: http.ServerResponse) => ConnectUserRecord | undefined,
): void {
  server.route('POST', '/__api__/v1/content/:guid/bundles', (req, res) => {
    if (!who(req, res)) return;
    const c = state.contents.get(req.params.guid ?? '');
    if (!c) return connectError(res, 404, 4, `Content ${req.params.guid} not found.`);
    const check = checkBundle(req.body);
    if (!check.ok) return connectError(res, 400, 19, `Invalid bundle: ${check.error}`);
    const id = String(state.bundles.size + 1);
    state.bundles.set(id, {
      id,
      contentGuid: c.guid,
      size: req.body.length,
      manifest: check.manifest,
      files: check.files,
      members: check.members,
    });
    sendJson(res, 200, {
      id,
      content_guid: c.guid,
      size: req.body.length,
      active: false,
      created_time: new Date().toISOString(),
    });
  });
  server.route('POST', '/__api__/v1/content/:guid/deploy', (req, res) => {
    if (!who(req, res)) return;
    const c = state.contents.get(req.params.guid ?? '');
    if (!c) return connectError(res, 404, 4, `Content ${req.params.guid} not found.`);
    const body = req.json<{ bundle_id?: unknown; activate?: unknown }>() ?? {};
    const bundle = state.bundles.get(String(body.bundle_id ?? ''));
    if (!bundle || bundle.contentGuid !== c.guid)
      return connectError(res, 404, 4, 'Bundle not found for this content.');
    const appmode = String(bundle.manifest.metadata.appmode);
    if (c.app_mode !== 'unknown' && c.app_mode !== appmode)
      return connectError(
        res,
        400,
        162,
        `Cannot change the app mode of deployed content from ${c.app_mode} to ${appmode}.`,
      );
    const failure =
      state.failNextDeploy ??
      (bundle.files.has('FAIL_DEPLOY') ? 'The content failed to start (FAIL_DEPLOY is in the bundle).' : undefined);
    state.failNextDeploy = undefined;
    const task: ConnectTaskRecord = {
      id: crypto.randomBytes(8).toString('hex'),
      lines: [],
      finished: false,
      code: 0,
      error: '',
      node: crypto.randomBytes(6).toString('hex'),
    };
    state.tasks.set(task.id, task);
    runTask(state, task, failure);
    // `activate: false` builds a draft: the content keeps serving its active bundle (Connect's deploy API).
    if (!failure) {
      c.app_mode = appmode;
      if (body.activate !== false) c.bundle_id = bundle.id;
      c.last_deployed_time = new Date().toISOString();
    }
    sendJson(res, 202, { task_id: task.id }, { 'Set-Cookie': `RSC-AFFINITY=${task.node}; Path=/; HttpOnly` });
  });
  server.route('GET', '/__api__/v1/tasks/:id', async (req, res) => {
    if (!who(req, res)) return;
    const task = state.tasks.get(req.params.id ?? '');
    const cookie = /(?:^|;\s*)RSC-AFFINITY=([^;]+)/.exec(req.header('cookie') ?? '')?.[1];
    if (!task || (state.requireAffinity && cookie !== task.node)) return connectError(res, 404, 4, 'Task not found.');
    const first = Math.max(0, Number(req.url.searchParams.get('first') ?? 0) || 0);
    const waitMs = Math.min(10, Number(req.url.searchParams.get('wait') ?? 0) || 0) * 1000;
    const until = Date.now() + waitMs;
    while (!task.finished && task.lines.length <= first && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    const output = task.lines.slice(first);
    sendJson(res, 200, {
      id: task.id,
      output,
      finished: task.finished && first + output.length >= task.lines.length,
      code: task.code,
      error: task.error,
      last: first + output.length,
    });
  });
}

/** Registers the Connect routes. Behind the ingress, only X-RSC-Authorization carries the key. */
export function registerConnect(
  server: EmulatorServer,
  state: ConnectState,
  opts: { behindIngress?: boolean } = {},
): void {
  const who = (req: EmuRequest, res: http.ServerResponse): ConnectUserRecord | undefined => {
    const key = apiKeyOf(req, opts.behindIngress ?? false);
    const user = key ? state.users.get(key) : undefined;
    if (!user) {
      connectError(res, 401, 3, key ? 'Invalid API key.' : 'This request needs an API key (Authorization: Key <key>).');
      return undefined;
    }
    if (user.locked) {
      connectError(res, 401, 3, 'This account is locked.');
      return undefined;
    }
    return user;
  };
  server.route('GET', '/__api__/v1/user', (req, res) => {
    const user = who(req, res);
    if (user)
      sendJson(res, 200, { ...user, first_name: user.username, last_name: '', active_time: new Date().toISOString() });
  });
  registerContentRoutes(server, state, who);
  registerDeployRoutes(server, state, who);
  registerConnectOAuth(server, state, who);
  server.route('GET', '/content/:guid/', (req, res) => {
    const c = state.contents.get(req.params.guid ?? '');
    if (!c || !c.bundle_id) {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>Content not found</h1></body></html>');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><title>${c.title}</title></head><body><h1>${c.title}</h1><p>${c.app_mode} content, bundle ${c.bundle_id}.</p></body></html>`,
    );
  });
}
