// Snowpark Container Services: the key-pair → ingress token exchange (`POST /oauth/token`, jwt-bearer grant, raw
// token text) and the ingress guard that fronts the emulated Connect (PROTOCOLS §6), with the browser sign-in of a
// public endpoint: a browser without a session is sent to the account's sign-in
// (docs.snowflake.com/en/developer-guide/snowpark-container-services/service-network-communications, "public
// endpoints ... users sign in with Snowflake"), comes back to the endpoint's callback, and from then on carries the
// ingress's session cookie `sfc-ss-ingress-auth-v1-<service id>` (the name apps running behind the ingress read, as
// public logout handlers and middleware for SPCS apps do; its value is opaque to them).
import type http from 'node:http';
import { verifyKeypairJwt } from './jwt';
import { checkPat, sessionFromToken, snowflakeToken } from './restAuth';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';
import type { EmulatorState } from './state';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function oauthError(res: http.ServerResponse, status: number, error: string, description: string, code?: string): void {
  sendJson(res, status, { error, error_description: description, ...(code ? { code } : {}) });
}

/** `POST /oauth/token`: scope = "<ingress host>" or "session:role:<ROLE> <ingress host>"; answers the token as text. */
export function registerSpcsTokenExchange(server: EmulatorServer, state: EmulatorState): void {
  server.route('POST', '/oauth/token', async (req, res) => {
    const form = req.form();
    if (form.get('grant_type') !== JWT_BEARER)
      return oauthError(
        res,
        400,
        'unsupported_grant_type',
        `Unsupported grant_type ${form.get('grant_type') ?? '(none)'}; use ${JWT_BEARER}.`,
      );
    const jwt = await verifyKeypairJwt(state, form.get('assertion') ?? undefined);
    if (!jwt.ok) return oauthError(res, 400, 'invalid_grant', jwt.message, jwt.code);
    const user = state.user(jwt.user)!;
    let role = user.defaultRole;
    const hosts: string[] = [];
    for (const part of (form.get('scope') ?? '').split(/\s+/).filter(Boolean)) {
      if (part.startsWith('session:role:')) role = part.slice('session:role:'.length);
      else hosts.push(part.toLowerCase());
    }
    if (hosts.length !== 1)
      return oauthError(
        res,
        400,
        'invalid_scope',
        'The scope must name exactly one ingress host, optionally preceded by session:role:<ROLE>.',
      );
    if (!user.roles.has(role))
      return oauthError(res, 400, 'invalid_scope', `Role '${role}' is not granted to user ${user.name}.`);
    const token = state.issueIngressToken(user.name, role, hosts[0]!);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(token);
  });
}

export interface IngressOptions {
  /** Host names this ingress answers to (an exchanged token must be scoped to one of them). */
  readonly hosts: ReadonlySet<string>;
  /** Where browsers are sent to sign in, with `state` naming the page to return to (the account's login). */
  readonly loginUrl: (state: string) => string;
  /** The callback the sign-in redirects to (absolute URL; its path is `CALLBACK_PATH`). */
  readonly callbackUrl: string;
}

export const CALLBACK_PATH = '/sfc-endpoint/callback';
/** The browser session cookie; the suffix stands for the service id. */
export const INGRESS_COOKIE = 'sfc-ss-ingress-auth-v1-emulated-connect';
/** A browser session at the ingress lasts as long as a Snowflake session (4 hours idle on a real account). */
const BROWSER_SESSION_SECONDS = 4 * 3600;

function cookieValue(req: EmuRequest, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Only a path on this ingress is a place to return to (never another site). */
const returnPath = (state: string | null): string =>
  state && state.startsWith('/') && !state.startsWith('//') ? state : '/';

/**
 * The sign-in callback: redeems the authorization code the consent page issued for the ingress's own redirect, opens
 * a browser session and sends the browser back to the page it first asked for.
 */
function signInCallback(state: EmulatorState, req: EmuRequest, res: http.ServerResponse, opts: IngressOptions): void {
  const q = req.url.searchParams;
  const code = state.authCodes.get(q.get('code') ?? '');
  if (!code || code.used || code.expiresAt <= state.now() || code.redirectUri !== opts.callbackUrl) {
    res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(
      `Unauthorized: ${q.get('error_description') ?? 'the sign-in code is invalid or expired'}. Open the page again to sign in.`,
    );
    return;
  }
  code.used = true;
  const session = state.issueIngressToken(code.user, code.role, [...opts.hosts][0]!, BROWSER_SESSION_SECONDS);
  res.writeHead(302, {
    Location: returnPath(q.get('state')),
    'Set-Cookie': `${INGRESS_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`,
  });
  res.end();
}

export type IngressDecision = { ok: true; user: string; role: string } | { ok: false; reason: string };

/** Who is calling, by the rules of the ingress: exchanged tokens for this host, sessions from OAuth/PAT logins, PATs. */
export function ingressIdentity(
  state: EmulatorState,
  headers: http.IncomingHttpHeaders,
  hosts: ReadonlySet<string>,
): IngressDecision {
  const raw = headers.authorization;
  const token = snowflakeToken(Array.isArray(raw) ? raw[0] : raw);
  if (!token) return { ok: false, reason: 'missing Authorization: Snowflake Token="..."' };
  const ingress = state.ingressTokens.get(token);
  if (ingress) {
    if (ingress.expiresAt <= state.now()) return { ok: false, reason: 'ingress token expired' };
    if (!hosts.has(ingress.host)) return { ok: false, reason: `token is scoped to another host (${ingress.host})` };
    return { ok: true, user: ingress.user, role: ingress.role };
  }
  const session = sessionFromToken(state, token);
  if (session.ok) {
    if (session.session.via !== 'OAUTH' && session.session.via !== 'PROGRAMMATIC_ACCESS_TOKEN')
      return { ok: false, reason: 'session token not from an OAuth or PAT login' };
    return { ok: true, user: session.session.user, role: session.session.role };
  }
  if (state.sessions.has(token)) return { ok: false, reason: 'session token expired' };
  const pat = checkPat(state, token);
  if (pat.ok) return { ok: true, user: pat.user, role: pat.role };
  return { ok: false, reason: 'token not recognised' };
}

/** Whether the caller looks like a browser (gets a redirect to sign in) rather than an API client (gets 401). */
function isBrowser(req: EmuRequest): boolean {
  return (req.header('accept') ?? '').includes('text/html');
}

/**
 * Installs the ingress guard. Unauthenticated: browsers get 302 to the account's sign-in page, API clients get
 * 401 with a plain-text body (never Connect's JSON, so clients can tell the ingress from Connect). Accepted: the
 * Snowflake token is removed and `Sf-Context-Current-User` added, as the real ingress does, before Connect routes run.
 */
export function installIngress(server: EmulatorServer, state: EmulatorState, opts: IngressOptions): void {
  server.guard = (req, res) => {
    if (req.method === 'GET' && req.path === CALLBACK_PATH) {
      signInCallback(state, req, res, opts);
      return true;
    }
    const cookie = cookieValue(req, INGRESS_COOKIE);
    const fromCookie =
      !req.headers.authorization && cookie ? { authorization: `Snowflake Token="${cookie}"` } : undefined;
    const who = ingressIdentity(state, fromCookie ?? req.headers, opts.hosts);
    if (who.ok) {
      delete req.headers.authorization;
      if (fromCookie) delete req.headers.cookie;
      req.headers['sf-context-current-user'] = who.user;
      req.headers['sf-context-current-role'] = who.role;
      return false;
    }
    if (isBrowser(req) && req.method === 'GET') {
      res.writeHead(302, { Location: opts.loginUrl(req.path + req.url.search), 'Content-Type': 'text/html' });
      res.end('<html><body>Redirecting to Snowflake sign-in…</body></html>');
    } else {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Snowflake' });
      res.end(`Unauthorized: ${who.reason}`);
    }
    return true;
  };
  // Unknown paths must be guarded too (the router answers 404 before the guard otherwise).
  server.route('*', '/*', (_req, res) => sendJson(res, 404, { code: 3, error: 'Not found.', payload: null }));
}
