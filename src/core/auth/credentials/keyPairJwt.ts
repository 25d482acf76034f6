// mintKeyPairJwt: the RS256 JWT Snowflake accepts for key-pair auth (PROTOCOLS §3): claims upper-cased, times in
// seconds, 59-minute lifetime. Signed with node:crypto, which takes every key format the clients accept.
import crypto from 'node:crypto';
import { jwtAccount } from '../../connections/account';
import { fingerprintOf } from './privateKey';

/** Ours: 59 minutes, under Snowflake's one-hour cap. */
export const JWT_LIFETIME_SECONDS = 59 * 60;

export interface MintedJwt {
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly issuer: string;
  readonly subject: string;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** `iss = ACCOUNT.USER.SHA256:<fp>`, `sub = ACCOUNT.USER`, `iat`/`exp` in seconds. */
export function mintKeyPairJwt(
  key: crypto.KeyObject,
  account: string,
  user: string,
  now: number = Date.now(),
  fingerprint?: string,
): MintedJwt {
  const subject = `${jwtAccount(account)}.${user.toUpperCase()}`;
  const issuer = `${subject}.${fingerprint ?? fingerprintOf(key)}`;
  const iat = Math.floor(now / 1000);
  const exp = iat + JWT_LIFETIME_SECONDS;
  const signingInput = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ iss: issuer, sub: subject, iat, exp })}`;
  const signature = crypto.sign('RSA-SHA256', Buffer.from(signingInput), key).toString('base64url');
  return { token: `${signingInput}.${signature}`, expiresAt: exp * 1000, issuer, subject };
}

/** The `exp` claim (epoch ms) of any JWT-shaped token, without verifying it; undefined for opaque tokens. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof claims.exp !== 'number') return undefined;
    return claims.exp > 1e11 ? claims.exp : claims.exp * 1000;
  } catch {
    return undefined;
  }
}
