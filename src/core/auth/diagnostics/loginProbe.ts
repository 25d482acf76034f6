// loginProbe: logs in the way the drivers do and asks who we are (SELECT CURRENT_USER(), CURRENT_ROLE(),
// CURRENT_WAREHOUSE()), with every refusal explained. Used by the CLI `test`, the doctor and Test Connection.
import crypto from 'node:crypto';
import { sleep } from '../../shared/abort';
import { SnowflakeExtError } from '../../shared/errors';
import { fetchWithRetry, readJson } from '../../shared/http';
import { nullLogger, type Logger } from '../../shared/logger';
import type { HttpContext } from '../authContext';
import { loginRequest, type LoginSession } from '../credentials/loginRequest';
import { withAuthRetry } from '../withAuthRetry';
import type { AuthService, ConnectionProfile, RestCredential } from '../types';

export interface ProbeResult {
  readonly user: string;
  readonly role: string;
  readonly warehouse: string | null;
  /** Epoch ms from the login answer's Date header (clock skew). */
  readonly serverDate?: number;
}

export interface ProbeOptions {
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly silent?: boolean;
}

const AUTHENTICATOR_OF: Readonly<Record<string, string>> = {
  KEYPAIR_JWT: 'SNOWFLAKE_JWT',
  OAUTH: 'OAUTH',
  PROGRAMMATIC_ACCESS_TOKEN: 'PROGRAMMATIC_ACCESS_TOKEN',
};

interface QueryData {
  rowset?: unknown[][];
  getResultUrl?: string;
}

interface QueryResponse {
  success?: boolean;
  code?: string | null;
  message?: string | null;
  data?: QueryData | null;
}

async function runQuery(
  http: HttpContext,
  profile: ConnectionProfile,
  session: LoginSession,
  sqlText: string,
  signal?: AbortSignal,
): Promise<unknown[]> {
  const headers = {
    Authorization: `Snowflake Token="${session.token}"`,
    'Content-Type': 'application/json',
    Accept: 'application/snowflake',
  };
  const url = `${profile.baseUrl}/queries/v1/query-request?requestId=${crypto.randomUUID()}`;
  const res = await fetchWithRetry(
    url,
    {
      method: 'POST',
      headers,
      body: JSON.stringify({ sqlText, asyncExec: false, sequenceId: 1, querySubmissionTime: Date.now() }),
      ...(signal ? { signal } : {}),
      ...answerLimit(http),
      logger: http.logger,
    },
    http.fetch,
  );
  let json = await readJson<QueryResponse>(res, url);
  // 333333: still running; poll the result URL a few times (this query is instant on a healthy account).
  for (let i = 0; i < 20 && json.code === '333333' && json.data?.getResultUrl; i++) {
    await sleep(200, signal);
    const next = `${profile.baseUrl}${json.data.getResultUrl}`;
    json = await readJson<QueryResponse>(
      await fetchWithRetry(next, { headers, ...(signal ? { signal } : {}), ...answerLimit(http) }, http.fetch),
      next,
    );
  }
  const row = json.data?.rowset?.[0];
  if (!json.success || !row) {
    throw new SnowflakeExtError(
      'server',
      `Logged in to connection '${profile.name}', but the test query failed${json.message ? `: ${json.message}` : '.'}`,
      { text: 'Try again; if it persists, run doctor for details.' },
      json.code ?? undefined,
    );
  }
  return row;
}

/** The editor's answer limit, when it gave one. */
function answerLimit(http: HttpContext): { answerTimeoutMs?: number } {
  return http.http?.limits ? { answerTimeoutMs: http.http.limits.answerTimeoutMs } : {};
}

async function closeSession(http: HttpContext, profile: ConnectionProfile, session: LoginSession): Promise<void> {
  try {
    await fetchWithRetry(
      `${profile.baseUrl}/session?delete=true&requestId=${crypto.randomUUID()}`,
      {
        method: 'POST',
        headers: { Authorization: `Snowflake Token="${session.token}"` },
        retries: 0,
        ...answerLimit(http),
      },
      http.fetch,
    );
  } catch {
    // Closing is a courtesy: an unclosed session expires on its own.
  }
}

export async function loginProbe(
  auth: AuthService,
  profile: ConnectionProfile,
  opts: ProbeOptions = {},
): Promise<ProbeResult> {
  const http: HttpContext = {
    fetch: opts.fetch ?? fetch,
    logger: opts.logger ?? nullLogger,
    now: opts.now ?? Date.now,
  };
  const fingerprint =
    profile.authenticator === 'SNOWFLAKE_JWT'
      ? (
          await auth.describeKey(profile, {
            silent: opts.silent ?? false,
            ...(opts.signal ? { signal: opts.signal } : {}),
          })
        ).fingerprint
      : undefined;
  const session = await withAuthRetry(
    auth,
    profile,
    'rest',
    (cred: RestCredential) => {
      const tokenType = cred.headers['X-Snowflake-Authorization-Token-Type'] ?? 'OAUTH';
      const token = (cred.headers.Authorization ?? '').replace(/^Bearer\s+/i, '');
      return loginRequest(
        http,
        profile,
        {
          AUTHENTICATOR: AUTHENTICATOR_OF[tokenType] ?? 'OAUTH',
          TOKEN: token,
          ...(profile.user ? { LOGIN_NAME: profile.user } : {}),
        },
        {
          ...(profile.role ? { role: profile.role } : {}),
          ...(profile.warehouse ? { warehouse: profile.warehouse } : {}),
          ...(profile.database ? { database: profile.database } : {}),
          ...(profile.schema ? { schema: profile.schema } : {}),
          ...(fingerprint ? { fingerprint } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
      );
    },
    { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.silent ? { silent: true } : {}), now: http.now },
  );
  try {
    const [user, role, warehouse] = await runQuery(
      http,
      profile,
      session,
      'SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE()',
      opts.signal,
    );
    return {
      user: String(user ?? ''),
      role: String(role ?? ''),
      warehouse: warehouse === null || warehouse === undefined ? null : String(warehouse),
      ...(session.serverDate !== undefined ? { serverDate: session.serverDate } : {}),
    };
  } finally {
    await closeSession(http, profile, session);
  }
}
