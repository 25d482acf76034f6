// Authenticates emulated REST calls (Cortex, SQL API, ingress) and driver calls that carry a session token, with the
// codes Snowflake answers: Bearer + X-Snowflake-Authorization-Token-Type, or `Snowflake Token="<session token>"`.
import crypto from 'node:crypto';
import type http from 'node:http';
import { verifyKeypairJwt } from './jwt';
import type { EmulatorState, Session } from './state';

export type RestAuthResult =
  | { readonly ok: true; readonly user: string; readonly role: string; readonly via: string }
  | {
      readonly ok: false;
      readonly status: number;
      readonly body: { code: string; message: string; request_id: string };
    };

export type SessionResult =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export const MSG = {
  oauthExpired: 'OAuth access token expired. [{id}]',
  oauthInvalid: 'Invalid OAuth access token. [{id}]',
  patInvalid: 'Programmatic access token is invalid.',
  sessionExpired: 'Authentication token has expired.  The user must authenticate again.',
  sessionInvalid: 'Invalid session token. The user must authenticate again.',
  masterExpired: 'Master token has expired.  The user must authenticate again.',
};

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function denied(status: number, code: string, message: string): RestAuthResult {
  const id = crypto.randomUUID();
  return { ok: false, status, body: { code, message: message.replace('{id}', id), request_id: id } };
}

/** `Snowflake Token="..."` (quotes optional, as some clients omit them). */
export function snowflakeToken(authorization: string | undefined): string | undefined {
  const m = /^Snowflake\s+Token="?([^"]+)"?\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

/** The session behind a session token: 390112 when expired (drivers renew), 390104 when unknown or closed. */
export function sessionFromToken(state: EmulatorState, token: string | undefined): SessionResult {
  const s = token ? state.sessions.get(token) : undefined;
  if (!s || s.closed) return { ok: false, status: 401, code: '390104', message: MSG.sessionInvalid };
  if (s.tokenExpiresAt <= state.now()) return { ok: false, status: 200, code: '390112', message: MSG.sessionExpired };
  return { ok: true, session: s };
}

/** Checks an OAuth access token: 390318 expired, 390303 invalid. */
export function checkAccessToken(
  state: EmulatorState,
  token: string | undefined,
): { ok: true; user: string; role: string } | { ok: false; code: string; message: string } {
  const t = token ? state.accessTokens.get(token) : undefined;
  const id = crypto.randomUUID();
  if (!t || t.revoked) return { ok: false, code: '390303', message: MSG.oauthInvalid.replace('{id}', id) };
  if (t.expiresAt <= state.now()) return { ok: false, code: '390318', message: MSG.oauthExpired.replace('{id}', id) };
  return { ok: true, user: t.user, role: t.role };
}

/** Checks a PAT: 394400 when unknown, expired or revoked. */
export function checkPat(
  state: EmulatorState,
  token: string | undefined,
): { ok: true; user: string; role: string } | { ok: false; code: string; message: string } {
  const p = token ? state.pats.get(token) : undefined;
  if (!p || p.revoked || p.expiresAt <= state.now()) return { ok: false, code: '394400', message: MSG.patInvalid };
  return { ok: true, user: p.user, role: p.role };
}

export async function authenticateRest(
  state: EmulatorState,
  headers: http.IncomingHttpHeaders,
): Promise<RestAuthResult> {
  const authorization = header(headers, 'authorization');
  if (!authorization)
    return denied(
      401,
      '390101',
      'Authorization header is missing. Provide a bearer token and X-Snowflake-Authorization-Token-Type.',
    );
  const st = snowflakeToken(authorization);
  if (st !== undefined) {
    const s = sessionFromToken(state, st);
    if (!s.ok) return denied(401, s.code, s.message);
    return { ok: true, user: s.session.user, role: s.session.role, via: 'SESSION' };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (!bearer) return denied(401, '390101', 'Unsupported Authorization header. Use "Bearer <token>".');
  const type = (header(headers, 'x-snowflake-authorization-token-type') ?? 'OAUTH').toUpperCase();
  if (type === 'KEYPAIR_JWT') {
    const r = await verifyKeypairJwt(state, bearer);
    if (!r.ok) return denied(401, r.code, r.message);
    const user = state.user(r.user)!;
    return { ok: true, user: user.name, role: user.defaultRole, via: 'KEYPAIR_JWT' };
  }
  if (type === 'OAUTH') {
    const r = checkAccessToken(state, bearer);
    return r.ok ? { ok: true, user: r.user, role: r.role, via: 'OAUTH' } : denied(401, r.code, r.message);
  }
  if (type === 'PROGRAMMATIC_ACCESS_TOKEN') {
    const r = checkPat(state, bearer);
    return r.ok
      ? { ok: true, user: r.user, role: r.role, via: 'PROGRAMMATIC_ACCESS_TOKEN' }
      : denied(401, r.code, r.message);
  }
  return denied(401, '390101', `Unsupported X-Snowflake-Authorization-Token-Type: ${type}.`);
}
