// Verifies key-pair JWTs the way Snowflake does (PROTOCOLS §3, and Snowflake's "Key-pair authentication" docs page:
// iss = ACCOUNT.USER.SHA256:<fp>, sub = ACCOUNT.USER, at most one hour): RS256 against the key registered under the
// fingerprint named in `iss`. The signature is checked by jose (a JWS implementation that is not ours), so the
// extension's minting is judged by a second, independent implementation.
import crypto from 'node:crypto';
import { compactVerify } from 'jose';

export interface KeyLookup {
  publicKey(user: string, fingerprint: string): crypto.KeyObject | undefined;
  isAccount(name: string): boolean;
  now(): number;
}

export type JwtResult =
  | { readonly ok: true; readonly user: string; readonly fingerprint: string; readonly account: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Clock skew tolerated for `iat` in the future and `exp` just past. */
export const JWT_LEEWAY_SECONDS = 60;
const MAX_LIFETIME_SECONDS = 3600;

/** `SHA256:` + base64 of SHA-256 over the DER SubjectPublicKeyInfo (equals DESCRIBE USER's RSA_PUBLIC_KEY_FP). */
export function fingerprintOf(key: crypto.KeyObject | string): string {
  const pub =
    typeof key === 'string' ? crypto.createPublicKey(key) : key.type === 'private' ? crypto.createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return `SHA256:${crypto.createHash('sha256').update(der).digest('base64')}`;
}

/** Account as it appears in JWT claims: upper case, region/cloud suffix dropped, org-account dash kept. */
export function normaliseAccount(account: string): string {
  let a = account.trim();
  if (/\.global$/i.test(a) && a.lastIndexOf('-') > 0) a = a.slice(0, a.lastIndexOf('-'));
  const dot = a.indexOf('.');
  return (dot >= 0 ? a.slice(0, dot) : a).toUpperCase();
}

function fail(code: string, what: string): JwtResult {
  return { ok: false, code, message: `${what} [${crypto.randomUUID()}]` };
}

/** Seconds, or the Node driver's milliseconds (real Snowflake accepts its tokens). */
function toSeconds(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return v > 1e11 ? Math.floor(v / 1000) : v;
}

function decodePart(part: string): any {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

export async function verifyKeypairJwt(lookup: KeyLookup, token: string | undefined): Promise<JwtResult> {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)))
    return fail('394306', 'JWT token has an invalid format.');
  let header: any;
  let claims: any;
  try {
    header = decodePart(parts[0]!);
    claims = decodePart(parts[1]!);
  } catch {
    return fail('394306', 'JWT token has an invalid format.');
  }
  if (typeof claims !== 'object' || claims === null) return fail('394306', 'JWT token has an invalid format.');
  if (header?.alg !== 'RS256')
    return fail('394305', `JWT token uses an unsupported algorithm: ${String(header?.alg)}. Use RS256.`);
  const iss = String(claims.iss ?? '');
  const m = /^([^.]+)\.(.+)\.(SHA256:[A-Za-z0-9+/=]+)$/.exec(iss);
  if (!m) return fail('390144', 'JWT token is invalid.');
  const [, account, user, fp] = m as unknown as [string, string, string, string];
  if (!lookup.isAccount(account) || account !== account.toUpperCase() || user !== user.toUpperCase())
    return fail('390144', 'JWT token is invalid.');
  if (claims.sub !== `${account}.${user}`) return fail('390144', 'JWT token is invalid.');
  const key = lookup.publicKey(user, fp);
  if (!key)
    return fail(
      '394304',
      `JWT token is invalid: public key fingerprint mismatch (${fp} is not registered for user ${user}).`,
    );
  try {
    await compactVerify(token!, key, { algorithms: ['RS256'] });
  } catch {
    return fail('390144', 'JWT token is invalid.');
  }
  const iat = toSeconds(claims.iat);
  const exp = toSeconds(claims.exp);
  if (iat === undefined || exp === undefined) return fail('394303', 'JWT token has an invalid expiration time.');
  const now = lookup.now() / 1000;
  if (exp - iat > MAX_LIFETIME_SECONDS || exp <= iat)
    return fail('394303', 'JWT token has an invalid expiration time: the lifetime must be at most one hour.');
  if (iat > now + JWT_LEEWAY_SECONDS) return fail('394302', 'JWT token is not yet valid (issued in the future).');
  if (exp < now - JWT_LEEWAY_SECONDS) return fail('394301', 'JWT token has expired.');
  return { ok: true, user, fingerprint: fp, account };
}

/** Test helper and reference: a key-pair JWT as our clients mint it (seconds). */
export function signKeypairJwt(
  privateKey: crypto.KeyObject | string,
  account: string,
  user: string,
  opts: { iat?: number; exp?: number; lifetimeSeconds?: number; fingerprint?: string; alg?: string } = {},
): string {
  const key = typeof privateKey === 'string' ? crypto.createPrivateKey(privateKey) : privateKey;
  const acct = normaliseAccount(account);
  const u = user.toUpperCase();
  const fp = opts.fingerprint ?? fingerprintOf(key);
  const iat = opts.iat ?? Math.floor(Date.now() / 1000);
  const exp = opts.exp ?? iat + (opts.lifetimeSeconds ?? 3540);
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${enc({ alg: opts.alg ?? 'RS256', typ: 'JWT' })}.${enc({ iss: `${acct}.${u}.${fp}`, sub: `${acct}.${u}`, iat, exp })}`;
  return `${head}.${crypto.sign('RSA-SHA256', Buffer.from(head), key).toString('base64url')}`;
}
