// Snowflake OAuth (PROTOCOLS §4): the authorize endpoint with a consent page (or auto-approve for tests), and the
// token endpoint (authorization_code with PKCE S256, refresh_token), for LOCAL_APPLICATION and a custom client.
import crypto from 'node:crypto';
import type http from 'node:http';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';
import { randomToken, type EmulatorState, type OAuthClient } from './state';

const CODE_TTL_MS = 10 * 60_000;

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: http.ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${htmlEscape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;color:#1f2937}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}
.allow{background:#29b5e8;color:#fff;border:0;border-radius:4px}.deny{background:#fff;border:1px solid #9ca3af;border-radius:4px}</style></head>
<body><h1>${htmlEscape(title)}</h1>${body}</body></html>`);
}

/**
 * The built-in SNOWFLAKE$LOCAL_APPLICATION integration serves local applications only, so it redirects to a loopback
 * address on any port (docs.snowflake.com/en/user-guide/oauth-local-applications; the connectors' default redirect is
 * http://127.0.0.1:<port>, snowflake-connector-python `oauth_redirect_uri` and `AuthHttpServer._is_local_uri`). A
 * custom integration redirects only to its registered OAUTH_REDIRECT_URI, compared exactly
 * (docs.snowflake.com/en/sql-reference/sql/create-security-integration-oauth-snowflake; RFC 6749 §3.1.2.3).
 */
export function redirectUriAllowed(client: OAuthClient, uri: string): boolean {
  if (client.redirectUris === 'loopback') {
    try {
      const u = new URL(uri);
      return (
        u.protocol === 'http:' &&
        (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]') &&
        !u.hash
      );
    } catch {
      return false;
    }
  }
  return client.redirectUris.includes(uri);
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

export function roleFromScope(scope: string): string | undefined {
  const m = /(?:^|\s)session:role:(\S+)/.exec(scope);
  return m?.[1];
}

interface AuthorizeRequest {
  client: OAuthClient;
  redirectUri: string;
  state?: string;
  scope: string;
  challenge?: string;
}

/** Validates an authorize request; errors that cannot be redirected are shown as a page, the others are redirected. */
function validateAuthorize(
  state: EmulatorState,
  q: URLSearchParams,
  res: http.ServerResponse,
): AuthorizeRequest | undefined {
  const client = state.clients.get(q.get('client_id') ?? '');
  if (!client) {
    page(
      res,
      400,
      'Invalid OAuth request',
      '<p>Invalid consent request: the client_id is not a known OAuth client (security integration).</p>',
    );
    return undefined;
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUriAllowed(client, redirectUri)) {
    page(
      res,
      400,
      'Invalid OAuth request',
      '<p>Invalid consent request: redirect_uri does not match the one registered for this client.</p>',
    );
    return undefined;
  }
  const st = q.get('state') ?? undefined;
  const fail = (error: string, description: string): undefined => {
    res.writeHead(302, { Location: withParams(redirectUri, { error, error_description: description, state: st }) });
    res.end();
    return undefined;
  };
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const challenge = q.get('code_challenge') ?? undefined;
  const method = q.get('code_challenge_method') ?? undefined;
  if (challenge && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  if (client.enforcePkce && !challenge)
    return fail('invalid_request', 'This client requires PKCE: send code_challenge and code_challenge_method=S256');
  return { client, redirectUri, state: st, scope: q.get('scope') ?? '', challenge };
}

function issueCode(state: EmulatorState, a: AuthorizeRequest, userName: string, res: http.ServerResponse): void {
  const user = state.user(userName);
  const role = roleFromScope(a.scope) ?? user?.defaultRole ?? 'PUBLIC';
  let error: string | undefined;
  if (!user) error = `Unknown user ${userName}`;
  else if (!user.roles.has(role)) error = `Role ${role} is not granted to user ${user.name}`;
  else if (a.client.blockedRoles.has(role)) error = `Role ${role} is blocked for this OAuth integration`;
  if (error) {
    res.writeHead(302, {
      Location: withParams(a.redirectUri, { error: 'invalid_scope', error_description: error, state: a.state }),
    });
    res.end();
    return;
  }
  const code = randomToken(24);
  state.authCodes.set(code, {
    clientId: a.client.id,
    redirectUri: a.redirectUri,
    user: user!.name,
    role,
    scope: a.scope,
    challenge: a.challenge,
    expiresAt: state.now() + CODE_TTL_MS,
  });
  res.writeHead(302, { Location: withParams(a.redirectUri, { code, state: a.state }) });
  res.end();
}

// The form posts to a relative address so the page works behind a path prefix (code-server's /proxy/<port>/...):
// relative to /oauth/authorize, "authorize/decision" is /oauth/authorize/decision (RFC 3986 §5.2).
function consentPage(state: EmulatorState, q: URLSearchParams, a: AuthorizeRequest, res: http.ServerResponse): void {
  const hidden = [...q.entries()]
    .map(([k, v]) => `<input type="hidden" name="${htmlEscape(k)}" value="${htmlEscape(v)}">`)
    .join('');
  const users = [...state.users.keys()]
    .map((u) => `<option${u === state.browserUser ? ' selected' : ''}>${htmlEscape(u)}</option>`)
    .join('');
  const role = roleFromScope(a.scope);
  page(
    res,
    200,
    'Allow access to Snowflake?',
    `<p><b>${htmlEscape(a.client.id)}</b> wants to access the Snowflake account <b>${htmlEscape(state.account)}</b>${role ? ` with role <b>${htmlEscape(role)}</b>` : ''}.</p>
<form method="post" action="authorize/decision">${hidden}<p><label>Signed in as <select name="user" id="user">${users}</select></label></p>
<button class="allow" id="allow" name="decision" value="allow" type="submit">Allow</button><button class="deny" id="deny" name="decision" value="deny" type="submit">Deny</button></form>`,
  );
}

export function clientFrom(state: EmulatorState, req: EmuRequest, form: URLSearchParams): OAuthClient | undefined {
  let id = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    id = decodeURIComponent(decoded.slice(0, i));
    secret = decodeURIComponent(decoded.slice(i + 1));
  }
  const client = id ? state.clients.get(id) : undefined;
  if (!client || secret === undefined) return undefined;
  const a = Buffer.from(client.secret);
  const b = Buffer.from(secret);
  return a.length === b.length && crypto.timingSafeEqual(a, b) ? client : undefined;
}

function tokenResponse(
  state: EmulatorState,
  res: http.ServerResponse,
  client: OAuthClient,
  user: string,
  role: string,
  scope: string,
  refresh?: string,
): void {
  const refreshToken = refresh ?? state.issueRefreshToken(user, role, client.id, scope);
  const access = state.issueOAuthAccessToken(user, role, state.accessTokenTtlSeconds, client.id, refreshToken);
  const rt = state.refreshTokens.get(refreshToken)!;
  sendJson(res, 200, {
    access_token: access,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: state.accessTokenTtlSeconds,
    refresh_token_expires_in: Math.max(0, Math.floor((rt.expiresAt - state.now()) / 1000)),
    username: user,
    scope: `refresh_token session:role:${role}`,
    idpInitiated: false,
  });
}

export function grantError(res: http.ServerResponse, error: string, description: string, status = 400): void {
  sendJson(res, status, {
    data: null,
    error,
    error_description: description,
    message: description,
    code: null,
    success: false,
  });
}

/**
 * The client a token or revoke request authenticates as (RFC 6749 §2.3: HTTP Basic or body client_id/client_secret);
 * otherwise answers RFC 6749 §5.2's invalid_client with 401 and gives undefined.
 */
export function authenticatedClient(
  state: EmulatorState,
  req: EmuRequest,
  form: URLSearchParams,
  res: http.ServerResponse,
): OAuthClient | undefined {
  const client = clientFrom(state, req, form);
  if (!client)
    grantError(res, 'invalid_client', 'Client authentication failed (HTTP Basic or client_id/client_secret).', 401);
  return client;
}

function tokenRequest(state: EmulatorState, req: EmuRequest, res: http.ServerResponse): void {
  const form = req.form();
  const client = authenticatedClient(state, req, form, res);
  if (!client) return;
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const code = state.authCodes.get(form.get('code') ?? '');
    if (!code || code.used || code.expiresAt <= state.now() || code.clientId !== client.id)
      return grantError(res, 'invalid_grant', 'Authorization code is invalid or expired.');
    code.used = true;
    if ((form.get('redirect_uri') ?? '') !== code.redirectUri)
      return grantError(res, 'invalid_grant', 'redirect_uri does not match the authorization request.');
    if (code.challenge) {
      const verifier = form.get('code_verifier') ?? '';
      const computed = crypto.createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || computed !== code.challenge)
        return grantError(
          res,
          'invalid_grant',
          'PKCE verification failed: code_verifier does not match code_challenge.',
        );
    } else if (client.enforcePkce) {
      return grantError(res, 'invalid_grant', 'This client requires PKCE.');
    }
    return tokenResponse(state, res, client, code.user, code.role, code.scope);
  }
  if (grant === 'refresh_token') {
    const token = form.get('refresh_token') ?? '';
    const rt = state.refreshTokens.get(token);
    if (!rt || rt.clientId !== client.id) return grantError(res, 'invalid_grant', 'Refresh token is invalid.');
    if (rt.revoked) return grantError(res, 'invalid_grant', 'Refresh token has been revoked.');
    if (rt.expiresAt <= state.now()) return grantError(res, 'invalid_grant', 'Refresh token has expired.');
    return tokenResponse(state, res, client, rt.user, rt.role, rt.scope, token);
  }
  return grantError(res, 'unsupported_grant_type', `Unsupported grant_type ${grant ?? '(none)'}.`);
}

export function registerOAuth(server: EmulatorServer, state: EmulatorState): void {
  server.route('GET', '/oauth/authorize', (req, res) => {
    const a = validateAuthorize(state, req.url.searchParams, res);
    if (!a) return;
    if (state.autoApprove) return issueCode(state, a, state.browserUser, res);
    consentPage(state, req.url.searchParams, a, res);
  });
  server.route('POST', '/oauth/authorize/decision', (req, res) => {
    const form = req.form();
    const a = validateAuthorize(state, form, res);
    if (!a) return;
    if (form.get('decision') !== 'allow') {
      res.writeHead(302, {
        Location: withParams(a.redirectUri, {
          error: 'access_denied',
          error_description: 'The user denied access.',
          state: a.state,
        }),
      });
      res.end();
      return;
    }
    issueCode(state, a, form.get('user') ?? state.browserUser, res);
  });
  server.route('POST', '/oauth/token-request', (req, res) => tokenRequest(state, req, res));
}
