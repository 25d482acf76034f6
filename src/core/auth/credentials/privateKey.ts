// Private keys for key-pair auth (PROTOCOLS §3): PEM clean-up for pasted keys, decoding PKCS#8 / encrypted PKCS#8 /
// PKCS#1 with node:crypto, clear errors for the wrong kind of key, and the `SHA256:` fingerprint Snowflake shows.
import crypto from 'node:crypto';
import { SnowflakeExtError } from '../../shared/errors';

export type KeyFormat = 'PKCS#8' | 'encrypted PKCS#8' | 'PKCS#1' | 'encrypted PKCS#1';

export interface DecodedKey {
  readonly key: crypto.KeyObject;
  readonly format: KeyFormat;
  readonly fingerprint: string;
  readonly bits?: number;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/** Undo what pasting does to a PEM: surrounding quotes, literal "\n", CRLF, a block squashed onto one line. */
export function normalisePem(text: string): string {
  let t = text.trim().replace(/^["']|["']$/g, '');
  t = t.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
  const m = PEM_BLOCK.exec(t);
  if (!m) return t.trim();
  const [, label, body] = m as unknown as [string, string, string];
  if (/Proc-Type:/i.test(body))
    return `-----BEGIN ${label}-----\n${body
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .join('\n')}\n-----END ${label}-----\n`;
  const base64 = body.replace(/\s+/g, '');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The PEM label ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", ...) or undefined when the text is not PEM. */
export function pemLabel(pem: string): string | undefined {
  return PEM_BLOCK.exec(pem)?.[1];
}

export function isEncryptedPem(pem: string): boolean {
  const label = pemLabel(pem);
  return label === 'ENCRYPTED PRIVATE KEY' || (label === 'RSA PRIVATE KEY' && /Proc-Type:\s*4,ENCRYPTED/i.test(pem));
}

/** `SHA256:` + base64 of SHA-256 over the DER SubjectPublicKeyInfo, as in DESCRIBE USER's RSA_PUBLIC_KEY_FP. */
export function fingerprintOf(key: crypto.KeyObject): string {
  let fp = fingerprints.get(key);
  if (fp === undefined) {
    const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
    const der = pub.export({ type: 'spki', format: 'der' });
    fp = `SHA256:${crypto.createHash('sha256').update(der).digest('base64')}`;
    fingerprints.set(key, fp);
  }
  return fp;
}

/** KeyObjects are immutable, so a key's fingerprint is computed once. */
const fingerprints = new WeakMap<crypto.KeyObject, string>();

function configError(message: string, fix: string, code?: string): SnowflakeExtError {
  return new SnowflakeExtError('config', message, { text: fix }, code);
}

/** Rejects what is not an RSA private key in PEM, before any decoding, with a message naming what it is. */
function checkLabel(pem: string, where: string): void {
  const label = pemLabel(pem);
  if (!label) {
    throw configError(
      `${where} is not a PEM private key (no "BEGIN PRIVATE KEY" header line).`,
      'Point private_key_file at the .p8 file you created for Snowflake (openssl genrsa … | openssl pkcs8 -topk8 …).',
      'keyFormat',
    );
  }
  if (/PUBLIC KEY/.test(label)) {
    throw configError(
      `${where} holds a public key, not the private key.`,
      'Use the private key here; the public key is what you set on the user with ALTER USER … SET RSA_PUBLIC_KEY.',
      'keyIsPublic',
    );
  }
  if (label === 'DSA PRIVATE KEY' || label === 'EC PRIVATE KEY') {
    throw configError(
      `${where} is ${article(label.split(' ')[0]!)} key; Snowflake key-pair authentication needs an RSA key.`,
      'Create an RSA key: openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt',
      'keyType',
    );
  }
  if (label === 'OPENSSH PRIVATE KEY') {
    throw configError(
      `${where} is in OpenSSH format, which Snowflake clients do not read.`,
      'Convert a copy to PKCS#8: ssh-keygen -p -m PKCS8 -f <copy of the key>',
      'keyFormat',
    );
  }
  if (!['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY'].includes(label)) {
    throw configError(
      `${where} holds a "${label}" block, not a private key.`,
      'Point private_key_file at the RSA private key (.p8) you created for Snowflake.',
      'keyFormat',
    );
  }
}

function formatOf(pem: string): KeyFormat {
  const label = pemLabel(pem);
  if (label === 'ENCRYPTED PRIVATE KEY') return 'encrypted PKCS#8';
  if (label === 'RSA PRIVATE KEY') return isEncryptedPem(pem) ? 'encrypted PKCS#1' : 'PKCS#1';
  return 'PKCS#8';
}

/**
 * Decodes a private key. `where` names it for the user ("The private key /home/u/rsa_key.p8"). Encrypted keys need
 * a non-empty passphrase; a wrong one raises a 'config' error with code 'badPassphrase'.
 */
export function decodePrivateKey(pemText: string, where: string, passphrase?: string): DecodedKey {
  const pem = normalisePem(pemText);
  checkLabel(pem, where);
  const encrypted = isEncryptedPem(pem);
  if (encrypted && passphrase === undefined) {
    throw configError(
      `${where} is encrypted and no passphrase is set.`,
      "Run 'Snowflake: Set Key Passphrase', or set PRIVATE_KEY_PASSPHRASE.",
      'passphraseNeeded',
    );
  }
  if (encrypted && passphrase === '') {
    throw configError(
      `${where} is encrypted; an empty passphrase is not accepted.`,
      "Give the key's passphrase: run 'Snowflake: Set Key Passphrase', or set PRIVATE_KEY_PASSPHRASE.",
      'emptyPassphrase',
    );
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: pem, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch (err) {
    if (encrypted) {
      throw configError(
        `The passphrase does not decrypt ${lowerFirst(where)}.`,
        "Check the passphrase: run 'Snowflake: Set Key Passphrase', or fix PRIVATE_KEY_PASSPHRASE / private_key_file_pwd.",
        'badPassphrase',
      );
    }
    const code = (err as { code?: string }).code ?? 'unreadable';
    throw configError(
      `${where} could not be decoded (${code}); the file may be damaged or cut short.`,
      'Copy the key again from where you created it.',
      'keyFormat',
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw configError(
      `${where} is ${article(String(key.asymmetricKeyType).toUpperCase())} key; Snowflake key-pair authentication needs an RSA key.`,
      'Create an RSA key: openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt',
      'keyType',
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return { key, format: formatOf(pem), fingerprint: fingerprintOf(key), ...(bits ? { bits } : {}) };
}

/** "a DSA", "an EC", "an ED25519". */
function article(kind: string): string {
  return `${/^[AEFHILMNORSX]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Unencrypted PKCS#8 PEM of a decoded key: what the SQL driver accepts as `privateKey`. */
export function toPkcs8Pem(key: crypto.KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
