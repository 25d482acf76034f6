// The guided Add Connection form: name, account, auth method, user, key file (+ passphrase) or a key set up now, PAT,
// token file, then the optional role, warehouse, database and schema. One form with "(n/m)", Back, and answers kept: a
// wrong key file or passphrase is asked again on its own step, before anything is written. Produces addConnection()'s
// options, or Set Up Key-Pair Sign-In's for "I don't have a key".
import * as vscode from 'vscode';
import { validateConnectionName } from '../../core/connections/edit/connectionsFileEditor';
import {
  accountProblem,
  normaliseAccount,
  type AddableAuthenticator,
  type AddConnectionOptions,
} from '../../core/connections/edit/addConnection';
import { problemText, runForm, type FormInput, type FormStep } from '../multiStepInput';
import { formChecks, type FormChecks, type Home } from './addConnectionChecks';
import type { KeySetupOptions } from '../../core/auth/keys/keyPairSetup';
import type { ResolvedConnections } from '../../core/auth/types';
import {
  keySetupOptions,
  keySetupSteps,
  SET_UP_KEY_METHOD,
  type KeySetupAnswers,
  type KeySource,
} from './addConnectionKeySetup';

const TITLE = 'Add Snowflake Connection';

const METHODS: (vscode.QuickPickItem & { value: AddableAuthenticator; keySource?: KeySource })[] = [
  {
    label: 'Key pair',
    description: 'SNOWFLAKE_JWT',
    detail: 'An RSA private key (.p8) whose public key is set on your Snowflake user.',
    value: 'SNOWFLAKE_JWT',
    keySource: 'file',
  },
  SET_UP_KEY_METHOD,
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

interface Answers extends KeySetupAnswers {
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

function optional(what: keyof Answers & ('role' | 'warehouse' | 'database' | 'schema'), example: string) {
  return async (input: FormInput, a: Answers): Promise<void> => {
    a[what] = await input.inputBox({
      label: `${what} (optional)`,
      prompt: `Default ${what} for this connection (optional), e.g. ${example}. Leave empty to use your user's default.`,
      value: a[what],
    });
  };
}

function steps(taken: ReadonlySet<string>, resolved: ResolvedConnections, c: FormChecks): FormStep<Answers>[] {
  const is = (m: AddableAuthenticator) => (a: Answers) => a.method === m;
  const ownKey = (a: Answers): boolean => a.method === 'SNOWFLAKE_JWT' && a.keySource !== 'generate';
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
        const chosen = await input.pick({
          label: 'how do you sign in?',
          placeholder: 'How do you sign in?',
          items: METHODS,
          ...(a.method
            ? { active: METHODS.find((m) => m.value === a.method && (!m.keySource || m.keySource === a.keySource)) }
            : {}),
        });
        a.method = chosen.value;
        a.keySource = chosen.keySource;
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
      when: ownKey,
      ask: async (input, a) => {
        a.keyFile = await input.inputBox({
          label: 'private key file',
          prompt: 'Path of your private key file (.p8). The button on the right opens a file dialog.',
          value: a.keyFile,
          button: c.browseButton('private key file', { 'Private keys': ['p8', 'pem', 'key'], 'All files': ['*'] }),
          accept: (v) => (v ? c.keyFileProblem(v, a) : Promise.resolve('Choose the private key file.')),
        });
      },
    },
    {
      when: (a) => ownKey(a) && a.encrypted,
      ask: async (input, a) => {
        a.passphrase = await input.inputBox({
          label: 'key passphrase',
          prompt: "The key is encrypted: its passphrase. It is kept in the editor's secret storage, never in a file.",
          password: true,
          value: a.passphrase,
          accept: (v) => (v ? c.passphraseProblem(v, a) : Promise.resolve('An encrypted key needs its passphrase.')),
        });
      },
    },
    ...keySetupSteps<Answers>(resolved),
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
          button: c.browseButton('OAuth token file'),
          accept: c.tokenFileProblem,
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

/** What the form produced: a connection to add as it is, or one whose key is set up first. */
export type PromptedConnection = { readonly add: AddConnectionOptions } | { readonly setUpKey: KeySetupOptions };

/** Runs the form over the connections there are (names in use are refused while typing). */
export async function promptForConnection(resolved: ResolvedConnections, home: Home): Promise<PromptedConnection> {
  const c = formChecks(home);
  const taken = new Set(resolved.listed.map((c) => c.name.toLowerCase()));
  const blank: Answers = {
    name: '',
    account: '',
    accountTyped: '',
    user: '',
    keyFile: '',
    encrypted: false,
    passphrase: '',
    newPassphrase: '',
    newPassphraseAgain: '',
    pat: '',
    tokenFile: '',
    role: '',
    warehouse: '',
    database: '',
    schema: '',
  };
  const a = await runForm(TITLE, steps(taken, resolved, c), blank);
  const method = a.method!;
  const some = (v: string): string | undefined => v.trim() || undefined;
  const settings = {
    role: some(a.role),
    warehouse: some(a.warehouse),
    database: some(a.database),
    schema: a.database.trim() ? some(a.schema) : undefined,
  };
  if (method === 'SNOWFLAKE_JWT' && a.keySource === 'generate') return { setUpKey: keySetupOptions(a, settings) };
  return {
    add: {
      name: a.name,
      account: a.account,
      authenticator: method,
      ...(a.user ? { user: a.user } : {}),
      ...(method === 'SNOWFLAKE_JWT' ? { privateKeyFile: c.expand(a.keyFile) } : {}),
      ...(method === 'SNOWFLAKE_JWT' && a.encrypted ? { passphrase: a.passphrase } : {}),
      ...(method === 'PROGRAMMATIC_ACCESS_TOKEN' ? { pat: a.pat.trim() } : {}),
      ...(method === 'OAUTH' ? { tokenFilePath: c.expand(a.tokenFile) } : {}),
      ...settings,
    },
  };
}
