// A connection's private key, decrypted once: the key from private_key_file or private_key_raw, its passphrase from
// PRIVATE_KEY_PASSPHRASE, the connection, the SecretStore or the person (stored only after it decrypts the key).
import { CancelledError, SnowflakeExtError } from '../../shared/errors';
import { storeSecret, type KeyPairContext } from '../authContext';
import { credentialFingerprint } from '../../connections/profileFingerprint';
import { userPath } from '../../connections/connectionDirectory';
import { stringParam } from '../../connections/connectionParams';
import { mintKeyPairJwt } from './keyPairJwt';
import { notRegularFile, readCredentialFile, type CredentialFileUse } from './credentialFiles';
import { decodePrivateKey, isEncryptedPem, normalisePem, type DecodedKey } from './privateKey';
import type { CacheOptions } from '../tokenCache';
import type { AuthRequestOptions, ConnectionProfile, KeyInfo } from '../types';

export interface ConnectionKey extends DecodedKey {
  readonly info: KeyInfo;
}

const MAX_PROMPTS = 3;
const SET_PASSPHRASE = { command: 'positSnowflake.setKeyPassphrase', commandTitle: 'Set Key Passphrase' };

function configError(message: string, fix: string, code: string): SnowflakeExtError {
  return new SnowflakeExtError('config', message, { text: fix }, code);
}

/** A key file's mtime is looked at most once a second (file changes also clear this through the watcher). */
export const KEY_FILE_CHECK_MS = 1000;

interface KeySource {
  readonly file?: string;
  readonly where: string;
  readonly mtime: number;
  /** Reads the PEM text; called only when the key must be decoded. */
  read(): Promise<string>;
}

function keyFileUse(profile: ConnectionProfile, file: string): CredentialFileUse {
  return {
    label: `The private key file ${file}`,
    holds: 'private key',
    fixPath: `Fix private_key_file in connection '${profile.name}'.`,
    code: 'keyFile',
  };
}

async function keyFileMtime(
  ctx: Pick<KeyPairContext, 'host' | 'keyFileChecks' | 'now'>,
  profile: ConnectionProfile,
  file: string,
): Promise<number> {
  const now = ctx.now();
  const seen = ctx.keyFileChecks.get(file);
  if (seen && now - seen.checkedAt < KEY_FILE_CHECK_MS) return seen.mtime;
  const st = await ctx.host.fs.stat(file);
  if (!st) {
    ctx.keyFileChecks.delete(file);
    throw configError(
      `The private key file ${file} (private_key_file of connection '${profile.name}') does not exist.`,
      `Fix private_key_file in connection '${profile.name}'.`,
      'keyFileMissing',
    );
  }
  const notFile = notRegularFile(keyFileUse(profile, file), st);
  if (notFile) throw notFile;
  ctx.keyFileChecks.set(file, { checkedAt: now, mtime: st.mtimeMs });
  return st.mtimeMs;
}

async function keySource(
  ctx: Pick<KeyPairContext, 'host' | 'keyFileChecks' | 'now'>,
  profile: ConnectionProfile,
): Promise<KeySource> {
  const raw = stringParam(profile.params, 'private_key_raw');
  const path = stringParam(profile.params, 'private_key_file');
  if (!path && raw)
    return {
      where: `The private key in private_key_raw of connection '${profile.name}'`,
      mtime: 0,
      read: async () => raw,
    };
  if (!path) {
    throw configError(
      `Connection '${profile.name}' uses a key pair (SNOWFLAKE_JWT) but has no private_key_file.`,
      `Add private_key_file = "<path to rsa_key.p8>" to connection '${profile.name}'.`,
      'keyMissing',
    );
  }
  const file = userPath(ctx.host, path);
  const mtime = await keyFileMtime(ctx, profile, file);
  const read = (): Promise<string> => readCredentialFile(ctx.host, file, keyFileUse(profile, file));
  return { file, where: `The private key ${file}`, mtime, read };
}

/** Re-raises a wrong-passphrase error naming where the passphrase came from. */
function decodeWith(pem: string, where: string, passphrase: string, from: string): DecodedKey {
  try {
    return decodePrivateKey(pem, where, passphrase);
  } catch (err) {
    if (err instanceof SnowflakeExtError && err.code === 'badPassphrase') {
      throw configError(
        `The passphrase from ${from} does not decrypt ${where.charAt(0).toLowerCase()}${where.slice(1)}.`,
        `Fix ${from}, or unset it to be asked.`,
        'badPassphrase',
      );
    }
    if (err instanceof SnowflakeExtError && err.code === 'emptyPassphrase') {
      throw configError(
        `${where} is encrypted and ${from} is empty; an empty passphrase is not accepted.`,
        `Set ${from} to the key's passphrase.`,
        'emptyPassphrase',
      );
    }
    throw err;
  }
}

async function decodeEncrypted(
  ctx: KeyPairContext,
  profile: ConnectionProfile,
  pem: string,
  where: string,
  keyLabel: string,
  opts: AuthRequestOptions,
): Promise<ConnectionKey> {
  const envPass = ctx.host.env.PRIVATE_KEY_PASSPHRASE;
  if (envPass !== undefined)
    return withInfo(decodeWith(pem, where, envPass, 'PRIVATE_KEY_PASSPHRASE'), 'PRIVATE_KEY_PASSPHRASE');
  for (const key of ['private_key_file_pwd', 'private_key_passphrase'] as const) {
    const v = profile.params[key];
    if (v !== undefined)
      return withInfo(decodeWith(pem, where, String(v), `${key} of connection '${profile.name}'`), key);
  }
  const ref = { kind: 'keyPassphrase' as const, id: profile.name };
  const stored = await ctx.secrets.get(ref);
  let retry = false;
  if (stored !== undefined) {
    try {
      return withInfo(decodePrivateKey(pem, where, stored), 'secretStorage');
    } catch (err) {
      if (!(err instanceof SnowflakeExtError && err.code === 'badPassphrase')) throw err;
      ctx.logger.warn(`The saved passphrase of connection '${profile.name}' no longer decrypts its key.`);
      retry = true;
    }
  }
  if (opts.silent || !ctx.prompter?.askPassphrase) {
    throw new SnowflakeExtError(
      'config',
      `${where} is encrypted and no passphrase is set${retry ? ' (the saved one no longer decrypts it)' : ''}.`,
      { text: "Run 'Snowflake: Set Key Passphrase', or set PRIVATE_KEY_PASSPHRASE.", ...SET_PASSPHRASE },
      'passphraseNeeded',
    );
  }
  for (let i = 0; i < MAX_PROMPTS; i++) {
    const answer = await ctx.prompter.askPassphrase(profile.name, keyLabel, retry);
    if (answer === undefined) throw new CancelledError();
    try {
      const decoded = decodePrivateKey(pem, where, answer);
      await storeSecret(ctx, ref, answer).catch((err: unknown) =>
        ctx.logger.warn(`The passphrase could not be saved: ${(err as Error).message}`),
      );
      return withInfo(decoded, 'prompt');
    } catch (err) {
      if (!(err instanceof SnowflakeExtError && (err.code === 'badPassphrase' || err.code === 'emptyPassphrase')))
        throw err;
      retry = true;
    }
  }
  throw configError(
    `The passphrase does not decrypt ${where.charAt(0).toLowerCase()}${where.slice(1)}.`,
    "Run 'Snowflake: Set Key Passphrase' to try again.",
    'badPassphrase',
  );
}

function withInfo(decoded: DecodedKey, passphraseFrom?: KeyInfo['passphraseFrom'], file?: string): ConnectionKey {
  return {
    ...decoded,
    info: {
      ...(file ? { file } : {}),
      format: decoded.format,
      fingerprint: decoded.fingerprint,
      ...(decoded.bits ? { bits: decoded.bits } : {}),
      ...(passphraseFrom ? { passphraseFrom } : {}),
    },
  };
}

/** The decoded key of a SNOWFLAKE_JWT connection; decoded (and any prompt shown) once per key file version. */
export async function connectionKey(
  ctx: KeyPairContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<ConnectionKey> {
  const source = await keySource(ctx, profile);
  const stamp = `${credentialFingerprint(profile)}|${source.file ?? ''}|${source.mtime}`;
  const entry = await ctx.cache.get({ kind: 'key', connection: profile.name }, stamp, async () => {
    const pem = normalisePem(await source.read());
    const decoded = isEncryptedPem(pem)
      ? await decodeEncrypted(ctx, profile, pem, source.where, source.file ?? 'private_key_raw', opts)
      : withInfo(decodePrivateKey(pem, source.where));
    const key: ConnectionKey = { ...decoded, info: { ...decoded.info, ...(source.file ? { file: source.file } : {}) } };
    return { value: key, expiresAt: Number.POSITIVE_INFINITY, renewAt: Number.POSITIVE_INFINITY };
  });
  return entry.value;
}

export function requireUser(profile: ConnectionProfile): string {
  if (!profile.user) {
    throw configError(
      `Connection '${profile.name}' uses a key pair but has no user.`,
      `Add user = "<your Snowflake user>" to connection '${profile.name}'.`,
      'userMissing',
    );
  }
  return profile.user;
}

/** The key-pair JWT of a connection: cached, renewed when less than 5 minutes remain, one mint in flight. */
export async function keyPairJwt(
  ctx: KeyPairContext,
  profile: ConnectionProfile,
  opts: AuthRequestOptions = {},
): Promise<{ token: string; expiresAt: number }> {
  const user = requireUser(profile);
  const key = await connectionKey(ctx, profile, opts);
  const entry = await ctx.cache.get(
    { kind: 'jwt', connection: profile.name },
    `${credentialFingerprint(profile)}|${key.fingerprint}`,
    async () => {
      const jwt = await mintKeyPairJwt(key.key, profile.account, user, ctx.now(), key.fingerprint);
      ctx.logger.debug(`Minted a key-pair JWT for connection '${profile.name}' (${jwt.subject}, ${key.fingerprint}).`);
      return { value: jwt.token, expiresAt: jwt.expiresAt, renewAt: jwt.expiresAt - 5 * 60_000 };
    },
    refreshOptions(opts, (value) => value),
  );
  return { token: entry.value, expiresAt: entry.expiresAt };
}

/** Cache options of a request: with forceRefresh, only a cached value holding the refused token is replaced. */
export function refreshOptions(opts: AuthRequestOptions, tokenOf: (value: unknown) => unknown): CacheOptions {
  if (!opts.forceRefresh) return {};
  const refused = rejectedToken(opts.rejected);
  return refused === undefined
    ? { forceRefresh: true }
    : { forceRefresh: true, isRejected: (value) => tokenOf(value) === refused };
}

/** The bearer token inside a refused RestCredential, so the cache can tell whether it was already replaced. */
export function rejectedToken(rejected: unknown): string | undefined {
  if (typeof rejected === 'string') return /^Snowflake Token="([^"]+)"$/.exec(rejected)?.[1] ?? rejected;
  const auth = (rejected as { headers?: Record<string, string> } | undefined)?.headers?.Authorization;
  if (auth) return auth.replace(/^Bearer\s+/i, '');
  const token = (rejected as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}
