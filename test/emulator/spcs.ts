// Snowpark Container Services: the key-pair → ingress token exchange (`POST /oauth/token`, jwt-bearer grant, raw
// token text) and the ingress guard that fronts the emulated Connect (PROTOCOLS §6).
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
  /** Where browsers are sent to sign in (Snowflake's ingress redirects to the account's login). */
  readonly loginUrl: () => string;
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
    const who = ingressIdentity(state, req.headers, opts.hosts);
    if (who.ok) {
      delete req.headers.authorization;
      req.headers['sf-context-current-user'] = who.user;
      req.headers['sf-context-current-role'] = who.role;
      return false;
    }
    if (isBrowser(req) && req.method === 'GET') {
      res.writeHead(302, { Location: opts.loginUrl(), 'Content-Type': 'text/html' });
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
