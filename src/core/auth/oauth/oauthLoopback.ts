// The loopback listener that receives the browser's answer to a sign-in (RFC 8252 §7.3): it listens on the loopback
// address the redirect names (127.0.0.1, or [::1]), settles only on an answer that carries our `state`, and turns an
// error answer into our own words for the codes RFC 6749 §4.1.2.1 defines, never the sender's text.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnowflakeExtError } from '../../shared/errors';
import { SIGN_IN_FIX } from './oauthClient';

export interface Loopback {
  /** http://127.0.0.1:<port><path> (or http://[::1]:<port><path>) */
  readonly localUrl: string;
  readonly code: Promise<string>;
  close(): void;
}

/** Who the sign-in is for, so an error answer can be explained without repeating what the sender wrote. */
export interface SignInSubject {
  readonly connection: string;
  readonly role?: string;
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h2>${title}</h2><p>${text}</p></body></html>`;

/** Where the listener binds, and the one path it answers on (undefined: any path, behind a proxy that rewrites it). */
export interface ListenTarget {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])$/;

/**
 * A loopback redirect, the only kind Snowflake's built-in LOCAL_APPLICATION client accepts (its clients redirect to
 * http://127.0.0.1 or localhost: snowflake-connector-python `oauth_redirect_uri` default and `_is_local_uri`).
 */
export function isLoopbackUrl(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && LOOPBACK_HOST.test(u.hostname);
  } catch {
    return false;
  }
}

/** Where to listen: the host, port and path of a loopback oauth_redirect_uri, else any free port on 127.0.0.1 at "/". */
export function listenTarget(redirectUri: string | undefined): ListenTarget {
  const anywhere = { host: '127.0.0.1', port: 0, path: '/' };
  if (!redirectUri || !isLoopbackUrl(redirectUri)) return anywhere;
  const u = new URL(redirectUri);
  // `localhost` may resolve to either address; 127.0.0.1 is what the Snowflake connectors listen on for it.
  return { host: u.hostname === '[::1]' ? '::1' : '127.0.0.1', port: Number(u.port || 80), path: u.pathname || '/' };
}

const SIGN_IN_AGAIN = "Run 'Snowflake: Sign In' again";
const signInAgain = "run 'Snowflake: Sign In' again";

/** Our words for each error code of RFC 6749 §4.1.2.1; any other code is reported without its text. */
function explainRefusal(error: string, who: SignInSubject): SnowflakeExtError {
  const fix = (text: string): typeof SIGN_IN_FIX => ({ ...SIGN_IN_FIX, text });
  const start = `Snowflake refused the sign-in of connection '${who.connection}'`;
  switch (error) {
    case 'access_denied':
      return new SnowflakeExtError(
        'auth',
        `${start}: access was denied, in the browser or by the account's OAuth settings.`,
        fix(`${SIGN_IN_AGAIN} and allow access; if it is refused again, ask your Snowflake administrator.`),
        error,
      );
    case 'invalid_scope':
      return new SnowflakeExtError(
        'config',
        `${start}: the role it asks for${who.role ? ` (${who.role})` : ''} is not granted to the user who signed in, or OAuth may not use it (ACCOUNTADMIN, SECURITYADMIN and ORGADMIN are blocked by default).`,
        fix(
          `Set role in connection '${who.connection}' to another role of yours (SHOW GRANTS TO USER), then ${signInAgain}.`,
        ),
        error,
      );
    case 'unauthorized_client':
    case 'unsupported_response_type':
    case 'invalid_request':
      return new SnowflakeExtError(
        'config',
        `${start}: the OAuth client or its redirect address is not set up for this sign-in (${error}).`,
        fix(
          `Check oauth_client_id and oauth_redirect_uri of connection '${who.connection}' against the security integration, then ${signInAgain}.`,
        ),
        error,
      );
    case 'server_error':
    case 'temporarily_unavailable':
      return new SnowflakeExtError(
        'server',
        `Snowflake could not complete the sign-in of connection '${who.connection}' (${error}).`,
        fix(`${SIGN_IN_AGAIN} in a moment.`),
        error,
      );
    default:
      return new SnowflakeExtError(
        'auth',
        `${start} with an error code that OAuth does not define.`,
        fix(`${SIGN_IN_AGAIN}; if it is refused again, ask your Snowflake administrator.`),
        'unknownOAuthError',
      );
  }
}

/** What an answer to the sign-in says: its code, a refusal in our words, or why it is not ours (`foreign`). */
export type CallbackAnswer =
  { readonly code: string } | { readonly error: SnowflakeExtError } | { readonly foreign: string };

/** Reads the browser's answer (the redirect's query): the state comes first, then an error or the code. */
export function readCallback(url: URL, state: string, who: SignInSubject): CallbackAnswer {
  if (!url.searchParams.has('state') && !url.searchParams.has('code') && !url.searchParams.has('error'))
    return { foreign: 'It carries no sign-in answer (no code=… or state=… in it).' };
  // An answer without our state did not come from the sign-in we started (a stray tab, or another page probing).
  if (url.searchParams.get('state') !== state)
    return { foreign: 'It belongs to another sign-in: its state does not match the one this editor started.' };
  const error = url.searchParams.get('error');
  const code = url.searchParams.get('code');
  if (error || !code) return { error: explainRefusal(error ?? 'invalid_request', who) };
  return { code };
}

function handleCallback(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  expected: { path?: string; state: string; who: SignInSubject },
  settle: { ok(code: string): void; fail(err: Error): void },
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if ((expected.path !== undefined && url.pathname !== expected.path) || req.method !== 'GET') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  const answer = readCallback(url, expected.state, expected.who);
  // A foreign answer is answered and ignored: the sign-in keeps waiting for the real one.
  if ('foreign' in answer) {
    res
      .writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(PAGE('Sign-in not recognised', 'This answer does not belong to the sign-in the editor started.'));
    return;
  }
  if ('error' in answer) {
    res
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(PAGE('Snowflake sign-in failed', 'You can close this tab and return to the editor.'));
    settle.fail(answer.error);
    return;
  }
  res
    .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    .end(PAGE('Signed in to Snowflake', 'You can close this tab and return to the editor.'));
  settle.ok(answer.code);
}

export async function startLoopback(target: ListenTarget, state: string, who: SignInSubject): Promise<Loopback> {
  const { host, port, path } = target;
  let settle!: { ok(code: string): void; fail(err: Error): void };
  const code = new Promise<string>((resolve, reject) => {
    settle = { ok: resolve, fail: reject };
  });
  code.catch(() => undefined);
  const server = http.createServer((req, res) => handleCallback(req, res, { path, state, who }, settle));
  const shown = host.includes(':') ? `[${host}]` : host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new SnowflakeExtError(
          'config',
          `Could not listen on ${shown}:${port} for the sign-in (${err.code ?? err.message}).`,
          { text: 'Close what uses that port, or change oauth_socket_uri (or oauth_redirect_uri).' },
          err.code,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    localUrl: `http://${shown}:${actual}${!path || path === '/' ? '' : path}`,
    code,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

/** A loopback port free right now, for a listener whose address must be known (and registered) before it starts. */
export async function freeLoopbackPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
