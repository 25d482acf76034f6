// Python and R code that opens the same named connection the tree shows, and runs as it is: a user's own connection
// in a Posit Workbench session points SNOWFLAKE_HOME at the user's folder for that process, a secret kept in the
// editor's secret storage (an encrypted key's passphrase, a PAT) comes from an environment variable or a prompt,
// and a role or warehouse switched in the tree is passed explicitly.
import * as path from 'node:path';
import type { ConnectionProfile } from '../auth/types';
import { stringParam } from '../connections/connectionParams';

/** What the code must say beyond the connection's name. */
export interface ConnectionCodeSpec {
  readonly name: string;
  /** SNOWFLAKE_HOME for this process, `~/…` when under the home folder. */
  readonly snowflakeHome?: string;
  readonly role?: string;
  readonly warehouse?: string;
  /** The key file whose passphrase the script must get (it is in the editor's secret storage). */
  readonly passphraseFor?: string;
  /** The PAT is in the editor's secret storage. */
  readonly patFromUser?: boolean;
}

/** The variables the code reads; PRIVATE_KEY_PASSPHRASE is the one the Snowflake CLI reads too. */
export const PASSPHRASE_ENV = 'PRIVATE_KEY_PASSPHRASE';
export const PAT_ENV = 'SNOWFLAKE_PAT';

export interface SpecContext {
  /** In a Workbench session: the folder of the user's own connection files (ResolvedConnections.userDirectory). */
  readonly userDirectory?: string;
  readonly homedir: string;
  /** Role/warehouse switched in the tree for this connection. */
  readonly preferences: { readonly role?: string; readonly warehouse?: string };
  /** Whether the connection's key file is encrypted (read by the caller). */
  readonly keyEncrypted: boolean;
}

function homeRelative(dir: string, homedir: string): string {
  const rel = path.relative(homedir, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel.split(path.sep).join('/')}` : dir;
}

export function connectionCodeSpec(p: ConnectionProfile, ctx: SpecContext): ConnectionCodeSpec {
  const own = ctx.userDirectory !== undefined && p.source !== 'workbench' && p.source !== 'environment';
  const differs = (chosen: string | undefined, configured: string | undefined): string | undefined =>
    chosen && chosen.toUpperCase() !== (configured ?? '').toUpperCase() ? chosen : undefined;
  const role = differs(ctx.preferences.role, p.role);
  const warehouse = differs(ctx.preferences.warehouse, p.warehouse);
  const keyFile = stringParam(p.params, 'private_key_file');
  const passphraseInFile =
    stringParam(p.params, 'private_key_file_pwd') ?? stringParam(p.params, 'private_key_passphrase');
  const patInFile = stringParam(p.params, 'token') ?? stringParam(p.params, 'token_file_path');
  return {
    name: p.name,
    ...(own ? { snowflakeHome: homeRelative(ctx.userDirectory!, ctx.homedir) } : {}),
    ...(role ? { role } : {}),
    ...(warehouse ? { warehouse } : {}),
    ...(p.authenticator === 'SNOWFLAKE_JWT' && ctx.keyEncrypted && !passphraseInFile
      ? { passphraseFor: keyFile ?? 'the private key' }
      : {}),
    ...(p.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN' && !patInFile ? { patFromUser: true } : {}),
  };
}

function quoted(value: string): string {
  return JSON.stringify(value); // a valid double-quoted string literal in both Python and R
}

/** snowflake-connector-python reads the named connection itself; keyword arguments override the file's values. */
export function pythonConnectionCode(spec: ConnectionCodeSpec | string): string {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  const prompts = s.passphraseFor !== undefined || s.patFromUser;
  const lines: string[] = [];
  if (s.snowflakeHome || prompts) lines.push('import os');
  if (prompts) lines.push('from getpass import getpass');
  if (s.snowflakeHome) {
    lines.push(
      '',
      '# Posit Workbench points SNOWFLAKE_HOME at its own folder; this connection is in yours (set before the import).',
      `os.environ["SNOWFLAKE_HOME"] = os.path.expanduser(${quoted(s.snowflakeHome)})`,
    );
  }
  if (lines.length) lines.push('');
  lines.push('import snowflake.connector', '');
  const args = [`connection_name=${quoted(s.name)}`];
  if (s.role) args.push(`role=${quoted(s.role)}`);
  if (s.warehouse) args.push(`warehouse=${quoted(s.warehouse)}`);
  if (s.passphraseFor !== undefined) {
    lines.push(
      "# The key's passphrase is in the editor's secret storage, which this script cannot read.",
      `passphrase = os.environ.get(${quoted(PASSPHRASE_ENV)}) or getpass(${quoted(`Passphrase of ${s.passphraseFor}: `)})`,
    );
    args.push('private_key_file_pwd=passphrase');
  }
  if (s.patFromUser) {
    lines.push(
      "# The PAT is in the editor's secret storage, which this script cannot read.",
      `pat = os.environ.get(${quoted(PAT_ENV)}) or getpass("Programmatic access token: ")`,
    );
    args.push('token=pat');
  }
  if (args.length === 1) lines.push(`conn = snowflake.connector.connect(${args[0]})`);
  else lines.push('conn = snowflake.connector.connect(', ...args.map((a) => `    ${a},`), ')');
  lines.push('');
  return lines.join('\n');
}

/** odbc's snowflake() resolves `connection_name` through snowflakeauth; other arguments go to the ODBC driver. */
export function rConnectionCode(spec: ConnectionCodeSpec | string): string {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  const lines = ['# Needs odbc (1.7.1 or later, with the snowflakeauth package) and the Snowflake ODBC driver.'];
  if (s.snowflakeHome) {
    lines.push(
      '# Posit Workbench points SNOWFLAKE_HOME at its own folder; this connection is in yours.',
      `Sys.setenv(SNOWFLAKE_HOME = path.expand(${quoted(s.snowflakeHome)}))`,
    );
  }
  const args = ['odbc::snowflake()', `connection_name = ${quoted(s.name)}`];
  if (s.role) args.push(`role = ${quoted(s.role)}`);
  if (s.warehouse) args.push(`warehouse = ${quoted(s.warehouse)}`);
  if (s.passphraseFor !== undefined) {
    lines.push(
      "# The key's passphrase is in the editor's secret storage, which this script cannot read.",
      `passphrase <- Sys.getenv(${quoted(PASSPHRASE_ENV)})`,
      `if (!nzchar(passphrase)) passphrase <- askpass::askpass(${quoted(`Passphrase of ${s.passphraseFor}`)})`,
    );
    args.push('priv_key_file_pwd = passphrase');
  }
  if (s.patFromUser) {
    lines.push(
      "# The PAT is in the editor's secret storage, which this script cannot read.",
      `pat <- Sys.getenv(${quoted(PAT_ENV)})`,
      'if (!nzchar(pat)) pat <- askpass::askpass("Programmatic access token")',
    );
    args.push('token = pat');
  }
  if (args.length === 2) lines.push(`con <- DBI::dbConnect(${args.join(', ')})`);
  else lines.push('con <- DBI::dbConnect(', ...args.map((a, i) => `  ${a}${i < args.length - 1 ? ',' : ''}`), ')');
  lines.push('');
  return lines.join('\n');
}
