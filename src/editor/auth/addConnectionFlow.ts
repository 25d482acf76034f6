// The guided Add Connection prompts: name, account, auth method, user, key file / PAT / token file, then the
// optional role, warehouse, database and schema. Produces the options object that addConnection() writes.
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import { validateConnectionName } from '../../core/connections/edit/connectionsFileEditor';
import { isEncryptedPem } from '../../core/auth/credentials/privateKey';
import { SnowflakeExtError } from '../../core/shared/errors';
import {
  accountProblem,
  answered,
  checkKeyFile,
  normaliseAccount,
  type AddableAuthenticator,
  type AddConnectionOptions,
} from '../../core/connections/edit/addConnection';

const TITLE = 'Add Snowflake Connection';

function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    return err instanceof SnowflakeExtError ? err.userText : String(err);
  }
}

async function ask(step: string, opts: vscode.InputBoxOptions): Promise<string> {
  return answered(
    await vscode.window.showInputBox({ title: `${TITLE}: ${step}`, ignoreFocusOut: true, ...opts }),
  ).trim();
}

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

async function pickFile(title: string, filters?: Record<string, string[]>): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    title: `${TITLE}: ${title}`,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(os.homedir()),
    ...(filters ? { filters } : {}),
  });
  return answered(picked?.[0]).fsPath;
}

async function askKeyPair(): Promise<Pick<AddConnectionOptions, 'privateKeyFile' | 'passphrase'>> {
  const privateKeyFile = await pickFile('private key file', {
    'Private keys': ['p8', 'pem', 'key'],
    'All files': ['*'],
  });
  const pem = await fsp.readFile(privateKeyFile, 'utf8').catch(() => '');
  if (!isEncryptedPem(pem)) {
    await checkKeyFile(privateKeyFile, undefined);
    return { privateKeyFile };
  }
  const passphrase = await ask('key passphrase', {
    prompt: "The key is encrypted. Its passphrase is kept in the editor's secret storage, never in the file.",
    password: true,
    validateInput: (v) => (v ? undefined : 'An encrypted key needs its passphrase.'),
  });
  await checkKeyFile(privateKeyFile, passphrase);
  return { privateKeyFile, passphrase };
}

async function askCredential(method: AddableAuthenticator): Promise<Partial<AddConnectionOptions>> {
  switch (method) {
    case 'SNOWFLAKE_JWT':
      return askKeyPair();
    case 'PROGRAMMATIC_ACCESS_TOKEN':
      return {
        pat: await ask('programmatic access token', {
          prompt: "Paste the token. It is kept in the editor's secret storage, never in the file.",
          password: true,
          validateInput: (v) => (v.trim() ? undefined : 'Paste the token.'),
        }),
      };
    case 'OAUTH':
      return { tokenFilePath: await pickFile('OAuth token file') };
    case 'OAUTH_AUTHORIZATION_CODE':
      return {};
  }
}

async function askOptional(what: string, example: string): Promise<string | undefined> {
  const v = await ask(`${what} (optional)`, {
    prompt: `Default ${what} for this connection, e.g. ${example}. Leave empty to use your user's default.`,
  });
  return v || undefined;
}

/** Runs the prompts; `existing` are the names already in use (checked while typing). */
export async function promptForConnection(existing: readonly string[]): Promise<AddConnectionOptions> {
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  const name = await ask('name', {
    prompt: 'A short name for the connection, as the Snowflake clients will know it (e.g. prod).',
    validateInput: (v) =>
      problemOf(() => validateConnectionName(v)) ??
      (taken.has(v.toLowerCase()) ? `A connection named "${v}" already exists.` : undefined),
  });
  const account = normaliseAccount(
    await ask('account', {
      prompt: 'Account identifier, e.g. myorg-myaccount. A Snowflake URL works too.',
      validateInput: (v) => accountProblem(normaliseAccount(v)),
    }),
  );
  const method = answered(
    await vscode.window.showQuickPick(METHODS, { title: `${TITLE}: how do you sign in?`, ignoreFocusOut: true }),
  ).value;
  const userRequired = method === 'SNOWFLAKE_JWT';
  const user = await ask('user', {
    prompt: userRequired
      ? 'Your Snowflake user name (login name).'
      : 'Your Snowflake user name (optional for this method).',
    validateInput: (v) => (userRequired && !v.trim() ? 'Key-pair authentication needs the user name.' : undefined),
  });
  const credential = await askCredential(method);
  const role = await askOptional('role', 'ANALYST');
  const warehouse = await askOptional('warehouse', 'COMPUTE_WH');
  const database = await askOptional('database', 'SALES_DB');
  const schema = database ? await askOptional('schema', 'PUBLIC') : undefined;
  return {
    name,
    account,
    authenticator: method,
    ...(user ? { user } : {}),
    ...credential,
    role,
    warehouse,
    database,
    schema,
  };
}
