// The emulator's HTTP core: routing, request log with secrets masked, faults on demand, and a control API
// (`/__emulator/*`) so tests running in another process (the real editor) can script it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { redact } from '../../src/core/shared/logger';

export interface EmuRequest {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Body bytes, gunzipped when they start with the gzip magic bytes (whatever the headers say). */
  readonly body: Buffer;
  /** Route parameters from `:name` segments. */
  readonly params: Record<string, string>;
  json<T = any>(): T;
  form(): URLSearchParams;
  header(name: string): string | undefined;
}

export type Handler = (req: EmuRequest, res: http.ServerResponse) => void | Promise<void>;

export interface Fault {
  /** Route key as registered, e.g. "POST /session/v1/login-request", or a path prefix ending in "*". */
  readonly route: string;
  readonly status?: number;
  readonly retryAfter?: number;
  readonly delayMs?: number;
  /** Close the socket after sending this many body bytes (mid-stream drop). */
  readonly dropAfterBytes?: number;
  /** Carry the request out, then close the socket instead of answering: a response lost on the way back. */
  readonly loseResponse?: boolean;
  /** Skew of the Date header in seconds. */
  readonly dateSkewSeconds?: number;
  /** How many requests it applies to; default 1. */
  times?: number;
  readonly body?: string;
}

export interface LoggedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Route {
  readonly method: string;
  readonly key: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export class EmulatorServer {
  private readonly routes: Route[] = [];
  readonly faults: Fault[] = [];
  readonly log: LoggedRequest[] = [];
  /** Runs before routing (after faults); answering here stops the request, as an ingress proxy does. */
  guard?: (req: EmuRequest, res: http.ServerResponse) => boolean | Promise<boolean>;
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  route(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method, key: `${method} ${pattern}`, segments: pattern.split('/'), handler });
  }

  addFault(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  async listen(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const addr = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/');
    for (const route of this.routes) {
      if (route.method !== method && route.method !== '*') continue;
      if (route.segments.length !== parts.length && route.segments[route.segments.length - 1] !== '*') continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < route.segments.length; i++) {
        const seg = route.segments[i]!;
        const part = parts[i];
        if (seg === '*') break;
        if (part === undefined) {
          ok = false;
          break;
        }
        if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(part);
        else if (seg !== part) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  private takeFault(routeKey: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.route === routeKey || (f.route.endsWith('*') && path.startsWith(f.route.slice(0, -1))) || f.route === path,
    );
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    if (
      body.length >= 2 &&
      body[0] === 0x1f &&
      body[1] === 0x8b &&
      !(req.headers['content-type'] ?? '').includes('gzip')
    ) {
      try {
        body = gunzipSync(body);
      } catch {
        /* not gzip after all */
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const found = this.match(method, url.pathname);
    const fault =
      found || url.pathname.startsWith('/__emulator')
        ? this.takeFault(found?.route.key ?? '', url.pathname)
        : undefined;
    const entryHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      entryHeaders[k] = redact(`${k}: ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`).slice(k.length + 2);
    const isBinary =
      (req.headers['content-type'] ?? '').includes('gzip') || (req.headers['content-type'] ?? '').includes('octet');
    const entry = {
      at: Date.now(),
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      headers: entryHeaders,
      body: isBinary ? `<${body.length} bytes>` : redact(body.toString('utf8').slice(0, 4000)),
    };
    if (!url.pathname.startsWith('/__emulator')) this.log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });

    const emuReq: EmuRequest = {
      method,
      url,
      path: url.pathname,
      headers: req.headers,
      body,
      params: found?.params ?? {},
      json: () => JSON.parse(body.toString('utf8') || 'null'),
      form: () => new URLSearchParams(body.toString('utf8')),
      header: (name) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
    };
    try {
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      const skew = fault?.dateSkewSeconds ?? 0;
      if (skew) res.setHeader('Date', new Date(Date.now() + skew * 1000).toUTCString());
      if (fault?.status) {
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
        res.writeHead(fault.status, { 'Content-Type': 'application/json' });
        res.end(
          fault.body ?? JSON.stringify({ message: `Injected fault: HTTP ${fault.status}`, code: String(fault.status) }),
        );
        return;
      }
      if (fault?.dropAfterBytes !== undefined) wrapDrop(res, fault.dropAfterBytes);
      if (fault?.loseResponse) loseResponse(res);
      if (!found) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `No such endpoint: ${method} ${url.pathname}` }));
        return;
      }
      if (this.guard && !url.pathname.startsWith('/__emulator') && (await this.guard(emuReq, res))) return;
      await found.route.handler(emuReq, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `Emulator error: ${(err as Error).message}` }));
    }
  }
}

/** Makes the response close its socket after `limit` body bytes, the way a dropped connection looks to a client. */
function wrapDrop(res: http.ServerResponse, limit: number): void {
  let sent = 0;
  const write = res.write.bind(res) as (chunk: any, ...rest: any[]) => boolean;
  res.write = ((chunk: any, ...rest: any[]) => {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    if (sent + buf.length > limit) {
      write(buf.subarray(0, Math.max(0, limit - sent)));
      sent = limit;
      setImmediate(() => res.socket?.destroy());
      return false;
    }
    sent += buf.length;
    return write(chunk, ...rest);
  }) as typeof res.write;
}

/** The handler runs to the end, but nothing reaches the client: its connection closes with no answer. */
function loseResponse(res: http.ServerResponse): void {
  const drop = (): http.ServerResponse => {
    res.socket?.destroy();
    return res;
  };
  res.write = (() => (drop(), false)) as typeof res.write;
  res.end = drop as typeof res.end;
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
