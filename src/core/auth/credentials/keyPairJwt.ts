// mintKeyPairJwt: the RS256 JWT Snowflake accepts for key-pair auth (PROTOCOLS §3): claims upper-cased, times in
// seconds, 59-minute lifetime. Signed by jose over a node:crypto KeyObject, so every key format the clients accept
// (PKCS#8, encrypted PKCS#8, PKCS#1) signs; jose's own PEM importers would refuse the last two.
import type crypto from 'node:crypto';
import { SignJWT } from 'jose';
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

/** `iss = ACCOUNT.USER.SHA256:<fp>`, `sub = ACCOUNT.USER`, `iat`/`exp` in seconds. */
export async function mintKeyPairJwt(
  key: crypto.KeyObject,
  account: string,
  user: string,
  now: number = Date.now(),
  fingerprint?: string,
): Promise<MintedJwt> {
  const subject = `${jwtAccount(account)}.${user.toUpperCase()}`;
  const issuer = `${subject}.${fingerprint ?? fingerprintOf(key)}`;
  const iat = Math.floor(now / 1000);
  const exp = iat + JWT_LIFETIME_SECONDS;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(subject)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAt: exp * 1000, issuer, subject };
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
