// Add Connection's "I don't have a key, set one up for me": the steps of Set Up Key-Pair Sign-In inside the same
// form (how the key is stored, its passphrase twice, over which working sign-in to run ALTER USER), so the step
// counter and Back work across them; the answers become Set Up Key-Pair Sign-In's options for the new connection.
import * as vscode from 'vscode';
import { helperSignIns, type KeySetupOptions } from '../../core/auth/keys/keyPairSetup';
import type { ResolvedConnections } from '../../core/auth/types';
import type { FormStep } from '../multiStepInput';

export type KeySource = 'file' | 'generate';

export interface KeySetupAnswers {
  method?: string;
  name: string;
  account: string;
  user: string;
  keySource?: KeySource;
  newKeyEncrypted?: boolean;
  newPassphrase: string;
  newPassphraseAgain: string;
  /** The sign-in to run ALTER USER over; null: show the statement. */
  via?: string | null;
}

/** The method right under "Key pair" in the form's first list: the same sign-in, with the key made now. */
export const SET_UP_KEY_METHOD: vscode.QuickPickItem & { value: 'SNOWFLAKE_JWT'; keySource: KeySource } = {
  label: 'Key pair — I don’t have a key, set one up for me',
  description: 'SNOWFLAKE_JWT',
  detail: 'Creates an RSA key and sets its public key on your user (ALTER USER).',
  value: 'SNOWFLAKE_JWT',
  keySource: 'generate',
};

const STORAGE: (vscode.QuickPickItem & { encrypted: boolean })[] = [
  {
    label: 'Encrypted with a passphrase',
    description: 'recommended; kept in the editor’s secret storage',
    encrypted: true,
  },
  { label: 'Unencrypted', description: 'anyone who can read the file can sign in as you', encrypted: false },
];

const generating = (a: KeySetupAnswers): boolean => a.method === 'SNOWFLAKE_JWT' && a.keySource === 'generate';

/** How the new key is stored, its passphrase (typed twice), and where its public key gets set. */
export function keySetupSteps<A extends KeySetupAnswers>(resolved: ResolvedConnections): FormStep<A>[] {
  return [
    {
      when: generating,
      ask: async (input, a) => {
        a.newKeyEncrypted = (
          await input.pick({
            label: 'new key',
            placeholder: 'How should the new private key be stored?',
            items: STORAGE,
            ...(a.newKeyEncrypted !== undefined
              ? { active: STORAGE.find((s) => s.encrypted === a.newKeyEncrypted) }
              : {}),
          })
        ).encrypted;
      },
    },
    {
      when: (a) => generating(a) && a.newKeyEncrypted === true,
      ask: async (input, a) => {
        a.newPassphrase = await input.inputBox({
          label: 'new key passphrase',
          prompt: 'A passphrase for the new key (at least 8 characters). It is kept in the editor’s secret storage.',
          password: true,
          value: a.newPassphrase,
          validate: (v) => (v.length >= 8 ? undefined : 'Use at least 8 characters.'),
        });
      },
    },
    {
      when: (a) => generating(a) && a.newKeyEncrypted === true,
      ask: async (input, a) => {
        a.newPassphraseAgain = await input.inputBox({
          label: 'passphrase again',
          prompt: 'Type the passphrase again.',
          password: true,
          value: a.newPassphraseAgain,
          validate: (v) => (v === a.newPassphrase ? undefined : 'The two passphrases differ.'),
        });
      },
    },
    {
      when: (a) => generating(a) && helperSignIns(resolved, a.account, a.user).length > 0,
      ask: async (input, a) => {
        const items = [
          ...helperSignIns(resolved, a.account, a.user).map((h) => ({
            label: `Set it now over "${h.name}"`,
            description: h.authenticator,
            via: h.name as string | null | undefined,
          })),
          // undefined: the separator, never picked
          { label: '', kind: vscode.QuickPickItemKind.Separator, via: undefined },
          { label: 'Show me the statement', description: 'an administrator runs it', via: null },
        ];
        a.via =
          (
            await input.pick({
              label: 'set the public key',
              placeholder: `Set the new public key on ${a.user} with ALTER USER`,
              items,
              ...(a.via !== undefined ? { active: items.find((i) => i.via === a.via) } : {}),
            })
          ).via ?? null;
      },
    },
  ];
}

/** Set Up Key-Pair Sign-In's options for the connection being added. */
export function keySetupOptions(
  a: KeySetupAnswers,
  settings: NonNullable<KeySetupOptions['settings']>,
): KeySetupOptions {
  return {
    connection: a.name,
    account: a.account,
    user: a.user,
    ...(a.newKeyEncrypted ? { passphrase: a.newPassphrase } : { unencrypted: true }),
    ...(a.via ? { via: a.via } : { runStatement: false }),
    settings,
  };
}
