// Snowflake's raw login (POST /session/v1/login-request, PROTOCOLS §5): used for SPCS ingress tokens from OAuth
// tokens (§6) and by the login probe. Refusals arrive as HTTP 200 with success:false and are explained by code.
import crypto from 'node:crypto';
import { fetchWithRetry, readJson } from '../../shared/http';
import type { HttpContext } from '../authContext';
import { retryOpts } from '../oauth/oauthClient';
import { explainServerFailure, serverDateOf } from '../serverFailure';
import type { ConnectionProfile } from '../types';

export const CLIENT_APP_ID = 'posit-snowflake';
export const CLIENT_APP_VERSION = '0.1.0';

export interface LoginBody {
  readonly AUTHENTICATOR: string;
  readonly TOKEN: string;
  readonly LOGIN_NAME?: string;
}

export interface LoginSession {
  readonly token: string;
  readonly masterToken?: string;
  readonly validityInSeconds?: number;
  readonly sessionInfo?: {
    readonly roleName?: string;
    readonly warehouseName?: string | null;
    readonly databaseName?: string | null;
    readonly schemaName?: string | null;
  };
  /** Epoch ms from the response's Date header. */
  readonly serverDate?: number;
}

interface LoginResponse {
  success?: boolean;
  code?: string | null;
  message?: string | null;
  data?: {
    token?: string;
    masterToken?: string;
    validityInSeconds?: number;
    sessionInfo?: LoginSession['sessionInfo'];
  } | null;
}

/** The account as the login body names it: what precedes the first dot (region and privatelink dropped). */
export function loginAccountName(account: string): string {
  return account.split('.')[0] ?? account;
}

export interface LoginOptions {
  readonly role?: string;
  readonly warehouse?: string;
  readonly database?: string;
  readonly schema?: string;
  readonly fingerprint?: string;
  readonly signal?: AbortSignal;
}

export async function loginRequest(
  ctx: HttpContext,
  profile: ConnectionProfile,
  body: LoginBody,
  opts: LoginOptions = {},
): Promise<LoginSession> {
  const url = new URL(`${profile.baseUrl}/session/v1/login-request`);
  url.searchParams.set('requestId', crypto.randomUUID());
  if (opts.warehouse) url.searchParams.set('warehouse', opts.warehouse);
  if (opts.database) url.searchParams.set('databaseName', opts.database);
  if (opts.schema) url.searchParams.set('schemaName', opts.schema);
  if (opts.role) url.searchParams.set('roleName', opts.role);
  const data = {
    ACCOUNT_NAME: loginAccountName(profile.account),
    ...(body.LOGIN_NAME ? { LOGIN_NAME: body.LOGIN_NAME } : {}),
    AUTHENTICATOR: body.AUTHENTICATOR,
    TOKEN: body.TOKEN,
    CLIENT_APP_ID,
    CLIENT_APP_VERSION,
    CLIENT_ENVIRONMENT: { APPLICATION: CLIENT_APP_ID, OS: process.platform, OCSP_MODE: 'FAIL_OPEN' },
  };
  const res = await fetchWithRetry(
    url.toString(),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ data }),
      ...retryOpts(ctx, opts.signal),
    },
    ctx.fetch,
  );
  const serverDate = serverDateOf(res.headers);
  const json = await readJson<LoginResponse>(res, url.toString());
  if (!json.success || !json.data?.token) {
    throw explainServerFailure(
      {
        ...(json.code ? { code: String(json.code) } : {}),
        ...(json.message ? { message: json.message } : {}),
        ...(serverDate !== undefined ? { serverDate } : {}),
      },
      { profile, now: ctx.now(), ...(opts.fingerprint ? { fingerprint: opts.fingerprint } : {}) },
    );
  }
  return {
    token: json.data.token,
    ...(json.data.masterToken ? { masterToken: json.data.masterToken } : {}),
    ...(json.data.validityInSeconds !== undefined ? { validityInSeconds: json.data.validityInSeconds } : {}),
    ...(json.data.sessionInfo ? { sessionInfo: json.data.sessionInfo } : {}),
    ...(serverDate !== undefined ? { serverDate } : {}),
  };
}
