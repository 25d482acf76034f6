// Small HTTP helpers for the emulator's own tests: raw login/query calls as a driver makes them, so each rule can be
// exercised without a driver in the way.
import crypto from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { signKeypairJwt } from './jwt';
import type { Emulator } from './index';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function http(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  gzip = false,
): Promise<Reply> {
  const raw = Buffer.from(JSON.stringify(body));
  return http(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: gzip ? gzipSync(raw) : raw,
  });
}

export function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return http(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export function newKey(): { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject } {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export function login(emu: Emulator, data: Record<string, unknown>, query = '', gzip = false): Promise<Reply> {
  return postJson(
    `${emu.snowflakeUrl}/session/v1/login-request?requestId=${crypto.randomUUID()}${query}`,
    {
      data: { ACCOUNT_NAME: emu.state.account, CLIENT_APP_ID: 'emulator-test', CLIENT_APP_VERSION: '0', ...data },
    },
    {},
    gzip,
  );
}

export function jwtLogin(
  emu: Emulator,
  key: crypto.KeyObject,
  user = 'DEMO_USER',
  opts: Parameters<typeof signKeypairJwt>[3] = {},
  query = '',
): Promise<Reply> {
  return login(
    emu,
    { LOGIN_NAME: user, AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: signKeypairJwt(key, emu.state.account, user, opts) },
    query,
  );
}

/** Logs in with a fresh registered key and returns the session token. */
export async function sessionToken(
  emu: Emulator,
  user = 'DEMO_USER',
  query = '',
): Promise<{ token: string; masterToken: string }> {
  const k = newKey();
  emu.state.addPublicKey(user, k.publicKey);
  const r = await jwtLogin(emu, k.privateKey, user, {}, query);
  emu.state.removePublicKey(user, [...emu.state.user(user)!.keys.keys()].pop()!);
  if (!r.json?.success) throw new Error(`login failed: ${r.text}`);
  return { token: r.json.data.token, masterToken: r.json.data.masterToken };
}

export function sql(emu: Emulator, token: string, sqlText: string): Promise<Reply> {
  return postJson(
    `${emu.snowflakeUrl}/queries/v1/query-request?requestId=${crypto.randomUUID()}`,
    { sqlText },
    { Authorization: `Snowflake Token="${token}"` },
  );
}

/** Rows of a successful query as objects keyed by column name. */
export function rowsOf(r: Reply): Record<string, string | null>[] {
  if (!r.json?.success) throw new Error(`query failed: ${r.text}`);
  const names: string[] = r.json.data.rowtype.map((c: any) => c.name);
  return r.json.data.rowset.map((row: (string | null)[]) =>
    Object.fromEntries(names.map((n, i) => [n, row[i] ?? null])),
  );
}

/**
 * Submits the consent page's form as a browser would: its action resolved against the page's address, its hidden
 * fields, the chosen user and the button pressed. Returns the reply (a redirect).
 */
export function submitConsent(
  pageUrl: string,
  html: string,
  decision: 'allow' | 'deny',
  user = 'DEMO_USER',
): Promise<Reply> {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('the consent page has no form');
  const fields: Record<string, string> = { user, decision };
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return postForm(new URL(unescapeHtml(action), pageUrl).toString(), fields);
}

const unescapeHtml = (s: string): string => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
