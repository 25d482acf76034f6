// Posit Connect's deployment API (PROTOCOLS §8): who am I, content create/get/patch, environment, bundle upload,
// deploy, and task polling with `first`/`wait`. Cookies are kept between requests (session affinity behind load
// balancers); retries and backoff come from fetchWithRetry; auth refusals are told apart by connectAuth, and an
// ingress refusal is retried through the one refresh-once helper. A POST is never sent twice on its own: after a lost
// answer the create looks its content up by name, and the deploy looks at the content, so a retry leaves no orphan
// content and starts no second deployment.
import fs from 'node:fs';
import { sleep } from '../../shared/abort';
import { SnowflakeExtError } from '../../shared/errors';
import { HttpError, fetchWithRetry, httpErrorFrom, readJson, type RequestLimits } from '../../shared/http';
import { refreshOnceOnRefusal } from '../../auth/withAuthRetry';
import { nullLogger, type Logger } from '../../shared/logger';
import { apiKeyRefused, ingressRefused, isConnectError, type ConnectAuth } from './connectAuth';

export interface ConnectUser {
  readonly guid: string;
  readonly username: string;
  readonly email?: string;
  readonly user_role: 'viewer' | 'publisher' | 'administrator' | string;
  readonly locked?: boolean;
}

export interface ConnectContent {
  readonly guid: string;
  readonly name: string;
  readonly title?: string | null;
  readonly app_mode?: string | null;
  readonly locked?: boolean;
  readonly dashboard_url?: string;
  readonly content_url?: string;
  /** The bundle Connect serves (set once a deployment of it succeeded). */
  readonly bundle_id?: string | null;
  readonly owner_guid?: string;
}

/** The request may have been carried out, but its answer never came (dropped connection, no answer in time). */
function answerLost(err: unknown): err is SnowflakeExtError {
  return err instanceof SnowflakeExtError && !(err instanceof HttpError) && err.kind === 'network';
}

export interface ConnectTask {
  readonly id: string;
  readonly output: readonly string[];
  readonly finished: boolean;
  readonly code: number;
  readonly error: string;
  readonly last: number;
}

export interface ConnectClientOptions {
  readonly serverUrl: string;
  readonly auth: ConnectAuth;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  /** Backoff base for retries (tests make it small). */
  readonly backoffMs?: number;
  /** The editor's request time limits; defaults otherwise. */
  readonly limits?: RequestLimits;
}

/** 401, or a redirect (an ingress sends browsers to sign in; with `redirect: 'manual'` it reaches us). */
function isRefusal(status: number): boolean {
  return status === 401 || (status >= 300 && status < 400);
}

/** Polling the task failed: the deployment goes on (or ended) on Connect without us; say so rather than "failed". */
function lostTask(id: string, err: unknown): unknown {
  if (!(err instanceof SnowflakeExtError) || err.kind === 'cancelled' || err.kind === 'auth') return err;
  return new SnowflakeExtError(
    err.kind === 'network' ? 'network' : 'server',
    `Lost track of the deployment (task ${id}): ${err.message.replace(/\.$/, '')}. The content exists on Connect, and the deployment may still be running there.`,
    { text: 'Open the content in Connect to see how the deployment ended.' },
    err.code,
    { cause: err },
  );
}

export class ConnectClient {
  private readonly cookies = new Map<string, string>();
  private readonly log: Logger;

  constructor(private readonly opts: ConnectClientOptions) {
    this.log = opts.logger ?? nullLogger;
  }

  get serverUrl(): string {
    return this.opts.serverUrl;
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie?.() ?? []) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  /** One API call; an ingress refusal is retried once with a fresh Snowflake token, a Connect refusal is not. */
  request(
    method: string,
    path: string,
    init: { json?: unknown; body?: Blob; contentType?: string } = {},
  ): Promise<Response> {
    const url = `${this.opts.serverUrl}${path}`;
    const ingress = this.opts.auth.ingress;
    return refreshOnceOnRefusal<Record<string, string>, Response>({
      credential: (retry) => this.opts.auth.headers(retry !== undefined, this.opts.signal),
      attempt: async (auth) => {
        const res = await this.send(url, method, init, auth);
        if (!isRefusal(res.status)) return res;
        const refusal = await httpErrorFrom(res, url, method);
        // Connect's own JSON error means the ingress (if any) let the request through: Connect wants its key.
        if (!ingress || isConnectError(refusal)) throw apiKeyRefused(this.opts.serverUrl, refusal);
        throw refusal;
      },
      // Only the ingress's answers (401 or a redirect to sign in) are refusals; other HTTP errors pass through.
      refused: (err) => err instanceof HttpError && isRefusal(err.status) && ingress !== undefined,
      beforeRetry: (err) =>
        this.log.info(
          `The Snowflake ingress at ${new URL(url).host} answered HTTP ${(err as HttpError).status}; retrying once with a fresh token.`,
        ),
      finalError: (err) => ingressRefused(this.opts.serverUrl, ingress!, err as HttpError),
    });
  }

  private async send(
    url: string,
    method: string,
    init: { json?: unknown; body?: Blob; contentType?: string },
    auth: Record<string, string>,
  ): Promise<Response> {
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    const contentType = init.json !== undefined ? 'application/json' : init.contentType;
    const res = await fetchWithRetry(
      url,
      {
        method,
        headers: {
          Accept: 'application/json',
          ...auth,
          ...this.cookieHeader(),
          ...(contentType ? { 'Content-Type': contentType } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        acceptStatus: (s) => s === 401,
        // A PATCH sets the same fields to the same values when repeated; a POST creates something each time.
        idempotent: method !== 'POST',
        ...(this.opts.signal ? { signal: this.opts.signal } : {}),
        ...(this.opts.backoffMs !== undefined ? { backoffMs: this.opts.backoffMs } : {}),
        ...(this.opts.limits ? { answerTimeoutMs: this.opts.limits.answerTimeoutMs } : {}),
        logger: this.log,
      },
      this.opts.fetch,
    );
    this.remember(res);
    return res;
  }

  private async getJson<T>(method: string, path: string, json?: unknown): Promise<T> {
    const res = await this.request(method, path, json === undefined ? {} : { json });
    return readJson<T>(res, `${this.opts.serverUrl}${path}`);
  }

  /** Who the key belongs to; raises when the account cannot publish. */
  async user(): Promise<ConnectUser> {
    const user = await this.getJson<ConnectUser>('GET', '/__api__/v1/user');
    if (user.locked)
      throw new SnowflakeExtError('permission', `The Connect account '${user.username}' is locked.`, {
        text: 'Ask a Connect administrator to unlock it.',
      });
    if (user.user_role !== 'publisher' && user.user_role !== 'administrator') {
      throw new SnowflakeExtError(
        'permission',
        `The Connect account '${user.username}' is a ${user.user_role}; publishing needs the publisher or administrator role.`,
        {
          text: "Ask a Connect administrator to make you a publisher, or use another account's API key.",
        },
      );
    }
    return user;
  }

  /**
   * Creates the content. When the answer is lost (or a lost earlier attempt makes Connect answer 409 for the name),
   * the content is looked up by its name (unique per owner) before anything is created again.
   */
  async createContent(name: string, title: string, ownerGuid?: string): Promise<ConnectContent> {
    const create = (): Promise<ConnectContent> =>
      this.getJson<ConnectContent>('POST', '/__api__/v1/content', { name, title });
    try {
      return await create();
    } catch (err) {
      const conflict = err instanceof HttpError && err.status === 409;
      if (!answerLost(err) && !conflict) throw err;
      const found = await this.contentNamed(name, ownerGuid);
      if (found) {
        this.log.info(`Creating content '${name}' got no answer, but Connect has it (${found.guid}); using it.`);
        return found;
      }
      if (conflict) throw err;
      this.log.info(`Creating content '${name}' got no answer and Connect does not have it; creating it once more.`);
      return create();
    }
  }

  /** The content of that name (and owner), if there is one. */
  async contentNamed(name: string, ownerGuid?: string): Promise<ConnectContent | undefined> {
    const query = new URLSearchParams({ name, ...(ownerGuid ? { owner_guid: ownerGuid } : {}) });
    const list = await this.getJson<ConnectContent[]>('GET', `/__api__/v1/content?${query}`);
    return Array.isArray(list) ? list.find((c) => c.name === name) : undefined;
  }

  /** The content, or undefined when it no longer exists. */
  async content(guid: string): Promise<ConnectContent | undefined> {
    try {
      return await this.getJson<ConnectContent>('GET', `/__api__/v1/content/${encodeURIComponent(guid)}`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    }
  }

  patchContent(guid: string, patch: Record<string, unknown>): Promise<ConnectContent> {
    return this.getJson<ConnectContent>('PATCH', `/__api__/v1/content/${encodeURIComponent(guid)}`, patch);
  }

  async setEnvironment(guid: string, vars: readonly { name: string; value: string | null }[]): Promise<void> {
    await this.request('PATCH', `/__api__/v1/content/${encodeURIComponent(guid)}/environment`, { json: vars });
  }

  /** Uploads the bundle from its file; a file-backed Blob keeps memory flat and lets a 503 be retried. */
  async uploadBundle(guid: string, bundlePath: string): Promise<{ id: string; size?: number }> {
    const blob = await fs.openAsBlob(bundlePath, { type: 'application/gzip' });
    const res = await this.request('POST', `/__api__/v1/content/${encodeURIComponent(guid)}/bundles`, {
      body: blob,
      contentType: 'application/gzip',
    });
    const out = await readJson<{ id: string | number; size?: number }>(
      res,
      `${this.opts.serverUrl}/__api__/v1/content/${guid}/bundles`,
    );
    return { id: String(out.id), ...(out.size !== undefined ? { size: out.size } : {}) };
  }

  /**
   * Starts the deployment of a bundle and returns its task id; undefined when the answer was lost but the content
   * already serves that bundle (deployed, no task left to follow). When the answer is lost and the content does not
   * show the bundle, the request is not sent again (a second deployment would run beside the first).
   * `activate: false` deploys a draft: built, but not what visitors get (Connect's deploy API).
   */
  async deploy(guid: string, bundleId: string, opts: { activate?: boolean } = {}): Promise<string | undefined> {
    try {
      const out = await this.getJson<{ task_id: string | number }>(
        'POST',
        `/__api__/v1/content/${encodeURIComponent(guid)}/deploy`,
        { bundle_id: bundleId, ...(opts.activate === false ? { activate: false } : {}) },
      );
      return String(out.task_id);
    } catch (err) {
      if (!answerLost(err)) throw err;
      const content = await this.content(guid);
      if (content && String(content.bundle_id ?? '') === bundleId) {
        this.log.info(`The deploy of bundle ${bundleId} got no answer, but ${guid} already serves it.`);
        return undefined;
      }
      throw new SnowflakeExtError(
        'network',
        `The answer to the deployment of bundle ${bundleId} was lost (${err.message.replace(/\.$/, '')}), so it is not known whether Connect started it; it was not sent again, so that two deployments do not run at once.`,
        { text: 'Open the content in Connect to see whether it is deploying, and publish again if it is not.' },
        err.code,
        { cause: err },
      );
    }
  }

  task(id: string, first: number, waitSeconds = 1): Promise<ConnectTask> {
    return this.getJson<ConnectTask>(
      'GET',
      `/__api__/v1/tasks/${encodeURIComponent(id)}?first=${first}&wait=${waitSeconds}`,
    );
  }

  /** Polls a task to its end, handing each output line over as it arrives. Resolves with the finished task. */
  async followTask(
    id: string,
    onLine: (line: string) => void,
    opts: { pollGapMs?: number } = {},
  ): Promise<ConnectTask> {
    let first = 0;
    for (;;) {
      const t = await this.task(id, first).catch((err: unknown) => {
        throw lostTask(id, err);
      });
      for (const line of t.output ?? []) onLine(line);
      first = typeof t.last === 'number' ? t.last : first + (t.output?.length ?? 0);
      if (t.finished) return t;
      // `wait=1` makes the server hold the request until there is news; the gap only guards against a server that does not.
      await sleep(opts.pollGapMs ?? 200, this.opts.signal);
    }
  }
}
