// New RSA keys for Snowflake's key-pair sign-in: generated with node:crypto, written once (never over an existing file)
// as PKCS#8, encrypted with a passphrase unless the person asks otherwise, mode 0600 under the Snowflake directory.
import crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { fingerprintOf } from '../credentials/privateKey';
import { SnowflakeExtError } from '../../shared/errors';
import { writeNewPrivateFile } from '../privateFiles';

/** Snowflake's key-pair guide asks for at least a 2048-bit RSA key (docs.snowflake.com/en/user-guide/key-pair-auth). */
export const DEFAULT_KEY_BITS = 2048;

export interface GeneratedKey {
  /** PKCS#8 PEM ("ENCRYPTED PRIVATE KEY" when a passphrase was given). */
  readonly privateKeyPem: string;
  /** The SubjectPublicKeyInfo in base64 without the PEM armour, as ALTER USER … SET RSA_PUBLIC_KEY takes it. */
  readonly publicKeyBody: string;
  /** `SHA256:…`, as DESCRIBE USER shows in RSA_PUBLIC_KEY_FP. */
  readonly fingerprint: string;
  readonly encrypted: boolean;
}

export function generateKey(opts: { bits?: number; passphrase?: string } = {}): GeneratedKey {
  const bits = opts.bits ?? DEFAULT_KEY_BITS;
  if (!Number.isInteger(bits) || bits < 2048 || bits > 8192)
    throw new SnowflakeExtError('config', `A key of ${bits} bits cannot be used for Snowflake.`, {
      text: 'Choose 2048, 3072 or 4096 bits (Snowflake needs at least 2048).',
    });
  if (opts.passphrase !== undefined && opts.passphrase.length === 0)
    throw new SnowflakeExtError('config', 'The passphrase is empty.', {
      text: 'Type a passphrase, or choose an unencrypted key.',
    });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
  const privateKeyPem = privateKey
    .export(
      opts.passphrase !== undefined
        ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: opts.passphrase }
        : { type: 'pkcs8', format: 'pem' },
    )
    .toString();
  return {
    privateKeyPem,
    publicKeyBody: publicKeyBody(publicKey),
    fingerprint: fingerprintOf(publicKey),
    encrypted: opts.passphrase !== undefined,
  };
}

/** The public key's base64 body, armour and line breaks removed (the form the key-pair guide pastes into SQL). */
export function publicKeyBody(key: crypto.KeyObject): string {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** `<snowflake dir>/keys/<connection>_rsa_key.p8`, the connection name cut down to characters safe in a file name. */
export function keyFileFor(snowflakeDirectory: string, connection: string, suffix = ''): string {
  const safe = connection.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || 'snowflake';
  return path.join(snowflakeDirectory, 'keys', `${safe}_rsa_key${suffix}.p8`);
}

function keyFileExists(file: string): SnowflakeExtError {
  return new SnowflakeExtError('config', `The key file ${file} exists already; it was left as it is.`, {
    text: 'Move or delete it if it is no longer used, or give the connection another name.',
  });
}

/** Throws when the file exists, before anything is generated or sent. */
export async function refuseExistingKeyFile(file: string): Promise<void> {
  const st = await fsp.lstat(file).catch(() => undefined);
  if (st) throw keyFileExists(file);
}

/** Creates the file (its folder 0700) with mode 0600; an existing file is refused, never replaced. */
export async function writeNewKeyFile(file: string, pem: string): Promise<void> {
  await writeNewPrivateFile(file, pem, { what: 'key file', exists: keyFileExists });
}
