// Snowflake's session endpoints as the drivers speak them: login (key-pair JWT, OAuth, PAT), token renewal with the
// master token, heartbeat, logout and telemetry. Failures are HTTP 200 with `success:false` and the real codes.
import type http from 'node:http';
import { verifyKeypairJwt } from './jwt';
import { MSG, checkAccessToken, checkPat, sessionFromToken, snowflakeToken } from './restAuth';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';
import type { EmulatorState, Session } from './state';

export const SESSION_PARAMETERS: readonly { name: string; value: unknown }[] = [
  { name: 'TIMEZONE', value: 'America/Los_Angeles' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_TIMESTAMP_TYPE_MAPPING', value: 'TIMESTAMP_LTZ' },
  { name: 'CLIENT_SESSION_KEEP_ALIVE', value: false },
  { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
  { name: 'CLIENT_PREFETCH_THREADS', value: 4 },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 160 },
  { name: 'CLIENT_HONOR_CLIENT_TZ_FOR_TIMESTAMP_NTZ', value: true },
  { name: 'QUERY_CONTEXT_CACHE_SIZE', value: 5 },
  { name: 'JS_TREAT_INTEGER_AS_BIGINT', value: false },
];

export function gsFailure(
  res: http.ServerResponse,
  code: string,
  message: string,
  data: Record<string, unknown> | null = null,
  status = 200,
): void {
  sendJson(res, status, {
    data: data ?? { nextAction: 'RETRY_LOGIN', authnMethod: 'UNKNOWN' },
    code,
    message,
    success: false,
    headers: null,
  });
}

type Identity =
  { ok: true; user: string; tokenRole?: string; via: string } | { ok: false; code: string; message: string };

async function identify(state: EmulatorState, data: Record<string, any>): Promise<Identity> {
  const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  const loginName = typeof data.LOGIN_NAME === 'string' && data.LOGIN_NAME ? data.LOGIN_NAME.toUpperCase() : undefined;
  const token = typeof data.TOKEN === 'string' ? data.TOKEN : undefined;
  if (authenticator === 'SNOWFLAKE_JWT') {
    const r = await verifyKeypairJwt(state, token);
    if (!r.ok) return r;
    if (loginName && loginName !== r.user)
      return { ok: false, code: '390144', message: 'JWT token is invalid: the subject does not match the login name.' };
    return { ok: true, user: r.user, via: 'SNOWFLAKE_JWT' };
  }
  if (authenticator === 'OAUTH') {
    const r = checkAccessToken(state, token);
    if (!r.ok) return r;
    if (loginName && loginName !== r.user) {
      return {
        ok: false,
        code: '390309',
        message: 'The user you were trying to authenticate as differs from the user tied to the access token.',
      };
    }
    return { ok: true, user: r.user, tokenRole: r.role, via: 'OAUTH' };
  }
  if (authenticator === 'PROGRAMMATIC_ACCESS_TOKEN') {
    const r = checkPat(state, token);
    if (!r.ok || (loginName && loginName !== r.user)) return { ok: false, code: '394400', message: MSG.patInvalid };
    const pat = state.pats.get(token!)!;
    return { ok: true, user: r.user, tokenRole: pat.roleRestriction, via: 'PROGRAMMATIC_ACCESS_TOKEN' };
  }
  if (authenticator === 'SNOWFLAKE' || authenticator === 'USERNAME_PASSWORD_MFA') {
    return { ok: false, code: '390100', message: 'Incorrect username or password was specified.' };
  }
  return { ok: false, code: '390190', message: `The authenticator ${authenticator} is not supported by this account.` };
}

export function sessionInfo(s: Session): Record<string, unknown> {
  return {
    databaseName: s.database ?? null,
    schemaName: s.schema ?? null,
    warehouseName: s.warehouse ?? null,
    roleName: s.role,
  };
}

async function login(state: EmulatorState, req: EmuRequest, res: http.ServerResponse): Promise<void> {
  let body: any;
  try {
    body = req.json();
  } catch {
    return gsFailure(res, '390100', 'Login request body is not valid JSON.');
  }
  const data: Record<string, any> = body?.data ?? {};
  const who = await identify(state, data);
  if (!who.ok) return gsFailure(res, who.code, who.message);
  const user = state.user(who.user);
  if (!user || user.disabled)
    return gsFailure(res, '390101', 'User temporarily locked. Contact your local system administrator.');
  const q = req.url.searchParams;
  const asked = q.get('roleName') || undefined;
  const role = asked ?? who.tokenRole ?? user.defaultRole;
  if (who.tokenRole && asked && asked !== who.tokenRole) {
    return gsFailure(
      res,
      '390186',
      `The role requested in the connection or the default role if none was requested in the connection ('${asked}') is not listed in the Access Token or was filtered. Please specify another role, or contact your OAuth Authorization server administrator.`,
    );
  }
  if (!user.roles.has(role)) {
    return gsFailure(
      res,
      '390189',
      `Role '${role}' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
    );
  }
  // Like Snowflake, an unknown warehouse/database does not fail the login: the session just has none.
  const wh = q.get('warehouse') || user.defaultWarehouse;
  const db = q.get('databaseName') || undefined;
  const dbOk = db !== undefined && state.databasesFor(role).has(db) ? db : undefined;
  const schema = q.get('schemaName') || (dbOk ? 'PUBLIC' : undefined);
  const schemaOk = dbOk && schema && state.catalog.schema(dbOk, schema) ? schema : undefined;
  const s = state.openSession(user.name, role, who.via, {
    warehouse: wh && state.warehouses.has(wh) ? wh : undefined,
    database: dbOk,
    schema: schemaOk,
  });
  sendJson(res, 200, {
    data: {
      masterToken: s.masterToken,
      token: s.token,
      validityInSeconds: state.sessionTtlSeconds,
      masterValidityInSeconds: state.masterTtlSeconds,
      displayUserName: user.name,
      serverVersion: '9.20.1',
      firstLogin: false,
      remMeToken: null,
      remMeValidityInSeconds: 0,
      healthCheckInterval: 45,
      newClientForUpgrade: null,
      sessionId: s.id,
      parameters: SESSION_PARAMETERS,
      sessionInfo: sessionInfo(s),
      idToken: null,
      idTokenValidityInSeconds: 0,
      responseData: null,
      mfaToken: null,
      mfaTokenValidityInSeconds: 0,
    },
    code: null,
    message: 'Login successful',
    success: true,
  });
}

function renew(state: EmulatorState, req: EmuRequest, res: http.ServerResponse): void {
  const master = snowflakeToken(req.header('authorization'));
  const s = master ? state.masterTokens.get(master) : undefined;
  if (!s || s.closed) return gsFailure(res, '390104', MSG.sessionInvalid, null, 401);
  if (s.masterExpiresAt <= state.now()) return gsFailure(res, '390114', MSG.masterExpired);
  let body: any = {};
  try {
    body = req.json() ?? {};
  } catch {
    /* an empty body is a plain renew */
  }
  if (body.requestType && body.requestType !== 'RENEW' && body.requestType !== 'ISSUE')
    return gsFailure(res, '390100', `Unsupported requestType ${String(body.requestType)}.`);
  state.renewSession(s);
  sendJson(res, 200, {
    data: {
      sessionToken: s.token,
      validityInSecondsST: state.sessionTtlSeconds,
      masterToken: s.masterToken,
      validityInSecondsMT: Math.max(1, Math.floor((s.masterExpiresAt - state.now()) / 1000)),
      sessionId: s.id,
    },
    code: null,
    message: null,
    success: true,
  });
}

/** Resolves the session of a driver call or answers with the failure (390112 expired → drivers renew). */
export function requireSession(state: EmulatorState, req: EmuRequest, res: http.ServerResponse): Session | undefined {
  const r = sessionFromToken(state, snowflakeToken(req.header('authorization')));
  if (r.ok) return r.session;
  gsFailure(res, r.code, r.message, null, r.status);
  return undefined;
}

export function registerLogin(server: EmulatorServer, state: EmulatorState): void {
  server.route('POST', '/session/v1/login-request', (req, res) => login(state, req, res));
  server.route('POST', '/session/token-request', (req, res) => renew(state, req, res));
  server.route('POST', '/session/heartbeat', (req, res) => {
    if (requireSession(state, req, res)) sendJson(res, 200, { data: null, code: null, message: null, success: true });
  });
  server.route('POST', '/session', (req, res) => {
    if (req.url.searchParams.get('delete') !== 'true') return gsFailure(res, '390100', 'Unsupported session request.');
    const r = sessionFromToken(state, snowflakeToken(req.header('authorization')));
    if (!r.ok)
      return gsFailure(
        res,
        r.code === '390104' ? '390111' : r.code,
        'Session no longer exists.  New login required to access the service.',
      );
    r.session.closed = true;
    state.sessions.delete(r.session.token);
    state.masterTokens.delete(r.session.masterToken);
    sendJson(res, 200, { data: null, code: null, message: null, success: true });
  });
  server.route('POST', '/telemetry/send', (_req, res) =>
    sendJson(res, 200, { data: 'Log Received', code: null, message: null, success: true }),
  );
}
