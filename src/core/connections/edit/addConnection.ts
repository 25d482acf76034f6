// "Snowflake: Add Connection" without the prompts (plain Node, unit-tested): appends one table to the connections file
// the Snowflake clients read, without disturbing the user's text, and keeps passphrases and PATs in SecretStorage.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  appendConnection,
  editTomlFile,
  parseTomlText,
  validateConnectionName,
  type TomlScalar,
} from './connectionsFileEditor';
import { decodePrivateKey, isEncryptedPem } from '../../auth/credentials/privateKey';
import { accountProblem as accountRule, cleanAccount } from '../account';
import type { AuthService, ConnectionSecretKind, ResolvedConnections } from '../../auth/types';
import { CancelledError, SnowflakeExtError } from '../../shared/errors';

export type AddableAuthenticator = 'SNOWFLAKE_JWT' | 'PROGRAMMATIC_ACCESS_TOKEN' | 'OAUTH_AUTHORIZATION_CODE' | 'OAUTH';

/** Everything the Add Connection form asks for (the command's form fills it in; the core writes it). */
export interface AddConnectionOptions {
  readonly name: string;
  readonly account: string;
  readonly authenticator: AddableAuthenticator;
  readonly user?: string;
  /** Key pair: path of the private key (.p8). */
  readonly privateKeyFile?: string;
  /** Key pair: the key's passphrase, kept in SecretStorage (never the file). */
  readonly passphrase?: string;
  /** PAT: the token, kept in SecretStorage (never the file). */
  readonly pat?: string;
  /** OAUTH: file holding the access token. */
  readonly tokenFilePath?: string;
  /** OAUTH_AUTHORIZATION_CODE with a custom security integration (default: Snowflake's built-in client). */
  readonly oauthClientId?: string;
  readonly oauthClientSecret?: string;
  readonly role?: string;
  readonly warehouse?: string;
  readonly database?: string;
  readonly schema?: string;
  /** A PrivateLink or custom host, port and protocol (rarely needed; the emulator uses them). */
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'https' | 'http';
}

export interface AddConnectionResult {
  readonly name: string;
  readonly file: string;
  readonly created: boolean;
}

/**
 * A Snowsight address's first path segment is a region (legacy `<region>/<locator>`) when it has a "-" or a "." (an
 * organization name has neither: "-" separates it from the account name in `<org>-<account>`).
 */
const SNOWSIGHT_REGION = /[-.]/;

/**
 * Snowsight's addresses name the account in the path: `app.snowflake.com/<org>/<account>/…` is the account
 * identifier `<org>-<account>`, and the older `app.snowflake.com/<region>/<locator>/…` is `<locator>.<region>`
 * (us-west-2, Snowflake's first region, has none), as docs.snowflake.com/en/user-guide/admin-account-identifier
 * describes the two formats.
 */
function snowsightAccount(pathname: string): string | undefined {
  const [first, second] = pathname.split('/').filter(Boolean);
  if (!first || !second) return undefined;
  if (!SNOWSIGHT_REGION.test(first)) return `${first}-${second}`;
  return first.toLowerCase() === 'us-west-2' ? second : `${second}.${first}`;
}

/**
 * Accepts what people paste: a Snowsight address becomes its account; a URL or host name is cut down to the account
 * identifier (as connection files are).
 */
export function normaliseAccount(input: string): string {
  const text = input.trim().replace(/^https?:\/\//i, '');
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  if (/^app\.snowflake\.com$/i.test(host)) return snowsightAccount(slash < 0 ? '' : text.slice(slash)) ?? host;
  return cleanAccount(input).account;
}

/** What the form says about an account it cannot use (the rule is the one connection files are checked by). */
export function accountProblem(account: string): string | undefined {
  if (!account) return 'Type the account identifier, e.g. myorg-myaccount (from the URL you sign in at).';
  if (/(^|\.)snowflake\.com$/i.test(account))
    return 'That Snowsight address does not name an account. Open a page of your account in Snowsight and paste its address (app.snowflake.com/<org>/<account>/…), or type <org>-<account> (Snowsight: your name → Account → View account details).';
  const problem = accountRule(account);
  return problem && `Not an account identifier: ${problem}, e.g. myorg-myaccount or xy12345.eu-west-1.`;
}

function requireField(value: string | undefined, what: string): string {
  if (!value || !value.trim()) throw new SnowflakeExtError('config', `Add Connection needs ${what}.`);
  return value.trim();
}

/** Checks the options a caller passed, with the same rules the guided flow enforces. */
export async function validateOptions(o: AddConnectionOptions): Promise<AddConnectionOptions> {
  validateConnectionName(o.name);
  const account = normaliseAccount(requireField(o.account, 'an account'));
  const problem = accountProblem(account);
  if (problem) throw new SnowflakeExtError('config', `"${o.account}" is not an account identifier.`, { text: problem });
  if (!['SNOWFLAKE_JWT', 'PROGRAMMATIC_ACCESS_TOKEN', 'OAUTH_AUTHORIZATION_CODE', 'OAUTH'].includes(o.authenticator)) {
    throw new SnowflakeExtError('notSupported', `Add Connection does not set up "${String(o.authenticator)}".`, {
      text: 'Choose key pair (SNOWFLAKE_JWT), PROGRAMMATIC_ACCESS_TOKEN, OAUTH_AUTHORIZATION_CODE or OAUTH (token file).',
    });
  }
  if (o.authenticator === 'SNOWFLAKE_JWT') {
    requireField(o.user, 'a user for key-pair authentication');
    await checkKeyFile(requireField(o.privateKeyFile, 'a private key file'), o.passphrase);
  }
  if (o.authenticator === 'OAUTH') requireField(o.tokenFilePath, 'a token file');
  return { ...o, account };
}

/** Reads the key and, when a passphrase is given or needed, proves it decrypts the key, before anything is saved. */
export async function checkKeyFile(file: string, passphrase: string | undefined): Promise<{ encrypted: boolean }> {
  let pem: string;
  try {
    pem = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new SnowflakeExtError(
      'config',
      `The private key file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      { text: 'Choose the .p8 file you created for Snowflake.' },
    );
  }
  const encrypted = isEncryptedPem(pem);
  if (encrypted && passphrase !== undefined) decodePrivateKey(pem, `The private key ${file}`, passphrase);
  else if (!encrypted) decodePrivateKey(pem, `The private key ${file}`);
  return { encrypted };
}

/** The file to append to and the table prefix there, given where the clients look (§1.1–1.2). */
export async function connectionsTarget(
  resolved: ResolvedConnections,
): Promise<{ file: string; tablePrefix: string[] }> {
  // In a Workbench session new connections go to the user's own directory, which Workbench never rewrites.
  const dir = resolved.userDirectory ?? resolved.directory;
  if (resolved.connections.some((c) => c.source === 'workbench' && c.file && path.dirname(c.file) === dir)) {
    throw new SnowflakeExtError(
      'notSupported',
      `The Snowflake connections in ${dir} are managed by Posit Workbench, which rewrites that file; a connection added there would be lost.`,
      {
        text: 'Add it in Posit Workbench, or start the session without Workbench-managed Snowflake credentials.',
      },
    );
  }
  const connectionsFile = path.join(dir, 'connections.toml');
  const configFile = path.join(dir, 'config.toml');
  const exists = async (f: string): Promise<boolean> => (await fsp.stat(f).catch(() => undefined))?.isFile() ?? false;
  // Creating connections.toml would hide every [connections.x] of config.toml (the clients read one or the other),
  // so a user who keeps connections in config.toml gets the new one there too.
  if (!(await exists(connectionsFile)) && (await exists(configFile))) {
    const config = parseTomlText(await fsp.readFile(configFile, 'utf8'), configFile);
    const conns = config.connections;
    if (typeof conns === 'object' && conns !== null && Object.keys(conns).length > 0)
      return { file: configFile, tablePrefix: ['connections'] };
  }
  return { file: connectionsFile, tablePrefix: [] };
}

/** The table's keys in the order people expect to read them; secrets are never among them. */
export function tableParams(o: AddConnectionOptions): Record<string, TomlScalar | undefined> {
  return {
    account: o.account,
    user: o.user,
    authenticator: o.authenticator,
    private_key_file: o.authenticator === 'SNOWFLAKE_JWT' ? o.privateKeyFile : undefined,
    token_file_path: o.authenticator === 'OAUTH' ? o.tokenFilePath : undefined,
    oauth_client_id: o.authenticator === 'OAUTH_AUTHORIZATION_CODE' ? o.oauthClientId : undefined,
    role: o.role,
    warehouse: o.warehouse,
    database: o.database,
    schema: o.schema,
    host: o.host,
    port: o.port,
    protocol: o.protocol,
  };
}

/** Writes the table, then the secrets. Returns where it went. */
export async function addConnection(auth: AuthService, input: AddConnectionOptions): Promise<AddConnectionResult> {
  const o = await validateOptions(input);
  const target = await connectionsTarget(await auth.connections());
  const res = await editTomlFile(target.file, (text) =>
    appendConnection(text, o.name, tableParams(o), { tablePrefix: target.tablePrefix, file: target.file }),
  );
  // Re-read now rather than wait for the watcher: a directory we just created is not watched yet.
  await auth.reload();
  const pending: [ConnectionSecretKind, string | undefined][] = [
    ['keyPassphrase', o.authenticator === 'SNOWFLAKE_JWT' ? o.passphrase : undefined],
    ['pat', o.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN' ? o.pat : undefined],
    ['oauthClientSecret', o.authenticator === 'OAUTH_AUTHORIZATION_CODE' ? o.oauthClientSecret : undefined],
  ];
  for (const [kind, value] of pending) {
    if (!value) continue;
    try {
      await auth.setSecret(o.name, kind, value);
    } catch (err) {
      const command = kind === 'pat' ? 'Set PAT' : 'Set Key Passphrase';
      throw new SnowflakeExtError(
        'config',
        `Connection "${o.name}" was added to ${res.file}, but the editor's secret storage refused the secret.`,
        { text: `Run 'Snowflake: ${command}' to try again.` },
        undefined,
        { cause: err },
      );
    }
  }
  return { name: o.name, file: res.file, created: res.created };
}

/** Throws CancelledError when the person dismissed a prompt. */
export function answered<T>(value: T | undefined): T {
  if (value === undefined) throw new CancelledError();
  return value;
}
