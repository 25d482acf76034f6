// The guided Add Connection form: name, account, auth method, user, key file (+ passphrase) / PAT / token file, then
// the optional role, warehouse, database and schema. One form with "(n/m)", Back, and answers kept: a wrong key file
// or passphrase is asked again on its own step, before anything is written. Produces addConnection()'s options.
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import { validateConnectionName } from '../../core/connections/edit/connectionsFileEditor';
import { userPath } from '../../core/connections/connectionDirectory';
import { isEncryptedPem } from '../../core/auth/credentials/privateKey';
import type { HostEnvironment } from '../../core/auth/types';
import { SnowflakeExtError } from '../../core/shared/errors';
import {
  accountProblem,
  checkKeyFile,
  normaliseAccount,
  type AddableAuthenticator,
  type AddConnectionOptions,
} from '../../core/connections/edit/addConnection';
import { problemText, runForm, type FormInput, type FormStep, type InputStep } from '../multiStepInput';

const TITLE = 'Add Snowflake Connection';

const METHODS: (vscode.QuickPickItem & { value: AddableAuthenticator })[] = [
  {
    label: 'Key pair',
    description: 'SNOWFLAKE_JWT',
    detail: 'An RSA private key (.p8) whose public key is set on your Snowflake user.',
    value: 'SNOWFLAKE_JWT',
  },
  {
    label: 'Programmatic access token (PAT)',
    description: 'PROGRAMMATIC_ACCESS_TOKEN',
    detail: "A token created in Snowsight; kept in the editor's secret storage.",
    value: 'PROGRAMMATIC_ACCESS_TOKEN',
  },
  {
    label: 'Sign in with the browser (OAuth)',
    description: 'OAUTH_AUTHORIZATION_CODE',
    detail: 'Sign in to Snowflake in your browser; the refresh token is kept in secret storage.',
    value: 'OAUTH_AUTHORIZATION_CODE',
  },
  {
    label: 'OAuth token file',
    description: 'OAUTH',
    detail: 'A file that another tool keeps filled with a current OAuth access token.',
    value: 'OAUTH',
  },
];

interface Answers {
  name: string;
  account: string;
  accountTyped: string;
  method?: AddableAuthenticator;
  user: string;
  keyFile: string;
  encrypted: boolean;
  passphrase: string;
  pat: string;
  tokenFile: string;
  role: string;
  warehouse: string;
  database: string;
  schema: string;
}

/** Where `~` and relative paths point: the auth service's host, as for every other command. */
type Home = Pick<HostEnvironment, 'homedir' | 'platform'>;

/** The input's Browse button: a file dialog whose choice fills in the path. */
function browseButton(home: Home, title: string, filters?: Record<string, string[]>): NonNullable<InputStep['button']> {
  return {
    icon: 'folder-opened',
    tooltip: 'Choose the file…',
    run: async () =>
      (
        await vscode.window.showOpenDialog({
          title: `${TITLE}: ${title}`,
          canSelectMany: false,
          defaultUri: vscode.Uri.file(home.homedir),
          ...(filters ? { filters } : {}),
        })
      )?.[0]?.fsPath,
  };
}

/** A key file's problem in the form's words (the key is not saved yet, so no command is suggested). */
async function keyFileProblem(home: Home, file: string, a: Answers): Promise<string | undefined> {
  const pem = await fsp.readFile(userPath(home, file), 'utf8').catch(() => undefined);
  if (pem === undefined) return `${file} cannot be read. Choose the private key (.p8) you created for Snowflake.`;
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem))
    return `${file} is the public key. Choose the private key (.p8); its public key is the one set on your Snowflake user.`;
  a.encrypted = isEncryptedPem(pem);
  if (a.encrypted) return undefined;
  try {
    await checkKeyFile(userPath(home, file), undefined);
    return undefined;
  } catch (err) {
    return err instanceof SnowflakeExtError ? err.message : problemText(err);
  }
}

async function passphraseProblem(home: Home, passphrase: string, a: Answers): Promise<string | undefined> {
  try {
    await checkKeyFile(userPath(home, a.keyFile), passphrase);
    return undefined;
  } catch (err) {
    return err instanceof SnowflakeExtError && err.code === 'badPassphrase'
      ? `That passphrase does not decrypt ${a.keyFile}. Type it again.`
      : problemText(err);
  }
}

function optional(what: keyof Answers & ('role' | 'warehouse' | 'database' | 'schema'), example: string) {
  return async (input: FormInput, a: Answers): Promise<void> => {
    a[what] = await input.inputBox({
      label: `${what} (optional)`,
      prompt: `Default ${what} for this connection (optional), e.g. ${example}. Leave empty to use your user's default.`,
      value: a[what],
    });
  };
}

function steps(taken: ReadonlySet<string>, home: Home): FormStep<Answers>[] {
  const is = (m: AddableAuthenticator) => (a: Answers) => a.method === m;
  return [
    {
      ask: async (input, a) => {
        a.name = await input.inputBox({
          label: 'name',
          prompt: 'A short name for the connection, as the Snowflake clients will know it (e.g. prod).',
          value: a.name,
          validate: (v) =>
            v.trim() === ''
              ? 'Type a name.'
              : (problemOf(() => validateConnectionName(v.trim())) ??
                (taken.has(v.trim().toLowerCase()) ? `A connection named "${v.trim()}" already exists.` : undefined)),
        });
      },
    },
    {
      ask: async (input, a) => {
        a.accountTyped = await input.inputBox({
          label: 'account',
          prompt: 'Account identifier, e.g. myorg-myaccount. A Snowflake or Snowsight address works too.',
          value: a.accountTyped,
          validate: (v) => (v.trim() ? accountProblem(normaliseAccount(v)) : undefined),
          accept: async (v) => accountProblem(normaliseAccount(v)),
        });
        a.account = normaliseAccount(a.accountTyped);
      },
    },
    {
      ask: async (input, a) => {
        a.method = (
          await input.pick({
            label: 'how do you sign in?',
            placeholder: 'How do you sign in?',
            items: METHODS,
            ...(a.method ? { active: METHODS.find((m) => m.value === a.method) } : {}),
          })
        ).value;
      },
    },
    {
      ask: async (input, a) => {
        const required = a.method === 'SNOWFLAKE_JWT';
        a.user = await input.inputBox({
          label: 'user',
          prompt: required
            ? 'Your Snowflake user name (login name).'
            : 'Your Snowflake user name (optional for this method).',
          value: a.user,
          accept: async (v) => (required && !v ? 'Key-pair authentication needs the user name.' : undefined),
        });
      },
    },
    {
      when: is('SNOWFLAKE_JWT'),
      ask: async (input, a) => {
        a.keyFile = await input.inputBox({
          label: 'private key file',
          prompt: 'Path of your private key file (.p8). The button on the right opens a file dialog.',
          value: a.keyFile,
          button: browseButton(home, 'private key file', { 'Private keys': ['p8', 'pem', 'key'], 'All files': ['*'] }),
          accept: (v) => (v ? keyFileProblem(home, v, a) : Promise.resolve('Choose the private key file.')),
        });
      },
    },
    {
      when: (a) => a.method === 'SNOWFLAKE_JWT' && a.encrypted,
      ask: async (input, a) => {
        a.passphrase = await input.inputBox({
          label: 'key passphrase',
          prompt: "The key is encrypted: its passphrase. It is kept in the editor's secret storage, never in a file.",
          password: true,
          value: a.passphrase,
          accept: (v) =>
            v ? passphraseProblem(home, v, a) : Promise.resolve('An encrypted key needs its passphrase.'),
        });
      },
    },
    {
      when: is('PROGRAMMATIC_ACCESS_TOKEN'),
      ask: async (input, a) => {
        a.pat = await input.inputBox({
          label: 'programmatic access token',
          prompt: "Paste the programmatic access token. It is kept in the editor's secret storage, never in the file.",
          password: true,
          value: a.pat,
          validate: (v) => (v.trim() ? undefined : 'Paste the token.'),
        });
      },
    },
    {
      when: is('OAUTH'),
      ask: async (input, a) => {
        a.tokenFile = await input.inputBox({
          label: 'OAuth token file',
          prompt: 'Path of the file that holds the OAuth access token. The button on the right opens a file dialog.',
          value: a.tokenFile,
          button: browseButton(home, 'OAuth token file'),
          accept: async (v) =>
            (await fsp.stat(userPath(home, v)).catch(() => undefined))?.isFile()
              ? undefined
              : `${v || 'That'} is not a file.`,
        });
      },
    },
    { ask: optional('role', 'ANALYST') },
    { ask: optional('warehouse', 'COMPUTE_WH') },
    { ask: optional('database', 'SALES_DB') },
    { when: (a) => a.database !== '', ask: optional('schema', 'PUBLIC') },
  ];
}

function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    return problemText(err);
  }
}

/** Runs the form; `existing` are the names already in use (checked while typing), `home` resolves `~` in paths. */
export async function promptForConnection(existing: readonly string[], home: Home): Promise<AddConnectionOptions> {
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  const blank: Answers = {
    name: '',
    account: '',
    accountTyped: '',
    user: '',
    keyFile: '',
    encrypted: false,
    passphrase: '',
    pat: '',
    tokenFile: '',
    role: '',
    warehouse: '',
    database: '',
    schema: '',
  };
  const a = await runForm(TITLE, steps(taken, home), blank);
  const method = a.method!;
  const some = (v: string): string | undefined => v.trim() || undefined;
  return {
    name: a.name,
    account: a.account,
    authenticator: method,
    ...(a.user ? { user: a.user } : {}),
    ...(method === 'SNOWFLAKE_JWT' ? { privateKeyFile: userPath(home, a.keyFile) } : {}),
    ...(method === 'SNOWFLAKE_JWT' && a.encrypted ? { passphrase: a.passphrase } : {}),
    ...(method === 'PROGRAMMATIC_ACCESS_TOKEN' ? { pat: a.pat.trim() } : {}),
    ...(method === 'OAUTH' ? { tokenFilePath: userPath(home, a.tokenFile) } : {}),
    role: some(a.role),
    warehouse: some(a.warehouse),
    database: some(a.database),
    schema: a.database.trim() ? some(a.schema) : undefined,
  };
}
