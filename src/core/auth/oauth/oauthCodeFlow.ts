// The OAuth authorization-code flow with PKCE (S256): a loopback listener on 127.0.0.1, the browser opened through the
// editor (asExternalUri/openExternal, so it works in Workbench and code-server), `state` checked, timeout and cancel.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledError, SnowflakeExtError } from '../../shared/errors';
import type { AuthContext } from '../authContext';
import { requestToken, SIGN_IN_FIX, type OAuthClientConfig, type OAuthTokenResponse } from './oauthClient';
import type { ConnectionProfile } from '../types';

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function createPkce(): Pkce {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

interface Loopback {
  /** http://127.0.0.1:<port><path> */
  readonly localUrl: string;
  readonly code: Promise<string>;
  close(): void;
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h2>${title}</h2><p>${text}</p></body></html>`;

/** Where to listen: the port and path of a loopback oauth_redirect_uri, else any free port at "/". */
function listenTarget(redirectUri: string | undefined): { port: number; path: string } {
  if (!redirectUri) return { port: 0, path: '/' };
  try {
    const u = new URL(redirectUri);
    if (u.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname))
      return { port: Number(u.port || 80), path: u.pathname || '/' };
  } catch {
    // Not a URL: the authorize call will say so; listen anywhere.
  }
  return { port: 0, path: '/' };
}

function handleCallback(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  state: string,
  settle: { ok(code: string): void; fail(err: Error): void },
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== path || req.method !== 'GET') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description') ?? error;
    res
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(PAGE('Snowflake sign-in failed', 'You can close this tab and return to the editor.'));
    settle.fail(
      new SnowflakeExtError(
        'auth',
        `Snowflake sign-in was refused: ${description.replace(/\.$/, '')}.`,
        SIGN_IN_FIX,
        error,
      ),
    );
    return;
  }
  const code = url.searchParams.get('code');
  if (url.searchParams.get('state') !== state || !code) {
    // A request that does not carry our state did not come from the sign-in we started.
    res
      .writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(PAGE('Sign-in not recognised', 'This answer does not belong to the sign-in the editor started.'));
    settle.fail(
      new SnowflakeExtError(
        'auth',
        'The sign-in answer did not carry the expected state, so it was refused.',
        {
          text: "Run 'Snowflake: Sign In' again.",
          command: SIGN_IN_FIX.command,
          commandTitle: SIGN_IN_FIX.commandTitle,
        },
        'stateMismatch',
      ),
    );
    return;
  }
  res
    .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    .end(PAGE('Signed in to Snowflake', 'You can close this tab and return to the editor.'));
  settle.ok(code);
}

async function startLoopback(redirectUri: string | undefined, state: string): Promise<Loopback> {
  const { port, path } = listenTarget(redirectUri);
  let settle!: { ok(code: string): void; fail(err: Error): void };
  const code = new Promise<string>((resolve, reject) => {
    settle = { ok: resolve, fail: reject };
  });
  code.catch(() => undefined);
  const server = http.createServer((req, res) => handleCallback(req, res, path, state, settle));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new SnowflakeExtError(
          'config',
          `Could not listen on 127.0.0.1:${port} for the sign-in (${err.code ?? err.message}).`,
          { text: 'Close what uses that port, or change oauth_redirect_uri.' },
          err.code,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    localUrl: `http://127.0.0.1:${actual}${path === '/' ? '' : path}`,
    code,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

function waitFor<T>(
  promise: Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  connection: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const minutes = Math.max(1, Math.round(timeoutMs / 60_000));
    // Whatever settles first (answer, timeout, cancel) clears the others, so no timer outlives the sign-in.
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const timer = setTimeout(
      () =>
        done(() =>
          reject(
            new SnowflakeExtError(
              'auth',
              `The Snowflake sign-in of connection '${connection}' did not finish within ${minutes} minute${minutes === 1 ? '' : 's'}.`,
              {
                text: "Run 'Snowflake: Sign In' again and finish in the browser.",
                command: SIGN_IN_FIX.command,
                commandTitle: SIGN_IN_FIX.commandTitle,
              },
              'timeout',
            ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = (): void => done(() => reject(new CancelledError()));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(e)),
    );
  });
}

export function authorizeUrl(client: OAuthClientConfig, redirectUri: string, state: string, pkce: Pkce): string {
  const url = new URL(client.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('scope', client.scope);
  url.searchParams.set('code_challenge', pkce.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Runs the whole browser sign-in and returns the tokens. Needs a prompter that can open a browser. */
export async function runAuthorizationCodeFlow(
  ctx: AuthContext,
  profile: ConnectionProfile,
  client: OAuthClientConfig,
  signal?: AbortSignal,
): Promise<OAuthTokenResponse> {
  const open = ctx.prompter?.openExternal;
  if (!open) {
    throw new SnowflakeExtError(
      'notSupported',
      `Connection '${profile.name}' signs in through the browser, which is not possible here.`,
      {
        text: "Sign in from the editor ('Snowflake: Sign In'), or use a key pair or a programmatic access token for command-line use.",
      },
      'noBrowser',
    );
  }
  const state = crypto.randomBytes(24).toString('base64url');
  const pkce = createPkce();
  const loopback = await startLoopback(client.redirectUri, state);
  try {
    const redirectUri =
      client.redirectUri ?? (await ctx.prompter?.asExternalUri?.(loopback.localUrl)) ?? loopback.localUrl;
    const url = authorizeUrl(client, redirectUri, state, pkce);
    ctx.logger.info(
      `Opening the browser to sign in connection '${profile.name}' (${client.clientId}, redirect ${redirectUri}).`,
    );
    if (!(await open(url))) {
      throw new SnowflakeExtError(
        'auth',
        `The browser could not be opened to sign in connection '${profile.name}'.`,
        { text: `Open this address yourself: ${url}` },
        'noBrowser',
      );
    }
    const code = await waitFor(loopback.code, ctx.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS, signal, profile.name);
    return await requestToken(
      ctx,
      profile,
      client,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier },
      signal,
    );
  } finally {
    loopback.close();
  }
}
