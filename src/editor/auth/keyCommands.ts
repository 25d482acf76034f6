// "Set Up Key-Pair Sign-In" and "Rotate Key": the prompts over core/auth/keys. Every question comes before the first
// write, so a cancelled step leaves everything as it was; the passphrase goes only to the secret storage.
import * as vscode from 'vscode';
import type { AuthDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { answered } from '../../core/connections/edit/addConnection';
import { keyDeps } from '../../core/auth/keys/keyDeps';
import {
  helperSignIns,
  setUpKeyPair,
  type KeySetupOptions,
  type KeySetupResult,
} from '../../core/auth/keys/keyPairSetup';
import { rotateKey, type KeyRotationOptions } from '../../core/auth/keys/keyRotation';
import type { ConnectionSecretWriter } from '../../core/auth/secretWriter';
import type { ConnectionProfile } from '../../core/auth/types';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { connectionNameOf, pickConnection } from './connectionPicker';

type Secret = Pick<KeySetupOptions, 'passphrase' | 'unencrypted'>;

/** Encrypted (asks the passphrase twice) or unencrypted; undefined answers are cancellations. */
async function askEncryption(title: string): Promise<Secret> {
  const choice = answered(
    await vscode.window.showQuickPick(
      [
        {
          label: 'Encrypted with a passphrase',
          description: 'recommended; kept in the editor’s secret storage',
          id: 'enc',
        },
        { label: 'Unencrypted', description: 'anyone who can read the file can sign in as you', id: 'plain' },
      ],
      { title, placeHolder: 'How should the private key be stored?', ignoreFocusOut: true },
    ),
  );
  if (choice.id === 'plain') return { unencrypted: true };
  const passphrase = answered(
    await vscode.window.showInputBox({
      title,
      prompt: 'Passphrase for the new private key (kept in the editor’s secret storage, never in a file)',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length >= 8 ? undefined : 'Use at least 8 characters.'),
    }),
  );
  answered(
    await vscode.window.showInputBox({
      title,
      prompt: 'Type the passphrase again',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v === passphrase ? undefined : 'The two passphrases differ.'),
    }),
  );
  return { passphrase };
}

async function askText(title: string, prompt: string, value = ''): Promise<string> {
  const v = answered(
    await vscode.window.showInputBox({
      title,
      prompt,
      value,
      ignoreFocusOut: true,
      validateInput: (t) => (t.trim() ? undefined : 'This is needed.'),
    }),
  );
  return v.trim();
}

const NEW = '$(add) New connection…';

/** Which connection, and for a new one its account and user; an existing one without a user is asked for it. */
async function askTarget(
  deps: AuthDeps,
  arg: unknown,
): Promise<Pick<KeySetupOptions, 'connection' | 'account' | 'user'>> {
  const title = 'Snowflake: Set Up Key-Pair Sign-In';
  let name = connectionNameOf(arg);
  const { connections } = await deps.auth.connections();
  if (name === undefined) {
    const items = [
      { label: NEW },
      ...connections.map((c) => ({ label: c.name, description: `${c.account} · ${c.user ?? 'no user'}` })),
    ];
    const picked = answered(
      await vscode.window.showQuickPick(items, {
        title,
        placeHolder: 'Key pair for which connection?',
        ignoreFocusOut: true,
      }),
    );
    name = picked.label === NEW ? await askText(title, 'Name of the new connection') : picked.label;
  }
  const existing = connections.find((c) => c.name === name);
  const account = existing?.account ?? (await askText(title, 'Account identifier, e.g. myorg-myaccount'));
  const user = existing?.user ?? (await askText(title, `Snowflake user the key is for (connection "${name}")`));
  return { connection: name, account, user };
}

/** Over which working sign-in to run ALTER USER; null: none (the statement is shown); undefined: there is none. */
async function askVia(
  deps: AuthDeps,
  t: Pick<KeySetupOptions, 'account' | 'user'>,
): Promise<string | null | undefined> {
  const helpers = helperSignIns(await deps.auth.connections(), t.account ?? '', t.user ?? '');
  if (helpers.length === 0) return undefined;
  const items = [
    ...helpers.map((h: ConnectionProfile) => ({
      label: `Set it now over "${h.name}"`,
      description: h.authenticator,
      via: h.name,
    })),
    { label: 'Show me the statement', description: 'an administrator runs it', via: null },
  ];
  const picked = answered(
    await vscode.window.showQuickPick(items, {
      title: 'Snowflake: Set Up Key-Pair Sign-In',
      placeHolder: `Set the public key on ${t.user ?? 'the user'} with ALTER USER`,
      ignoreFocusOut: true,
    }),
  );
  return picked.via;
}

async function report(r: KeySetupResult): Promise<void> {
  if (!r.registeredVia) {
    const doc = await vscode.workspace.openTextDocument({
      language: 'sql',
      content: `-- ${r.notRegistered ?? ''}\n-- Run as the user or an administrator, then check that RSA_PUBLIC_KEY_FP is ${r.fingerprint}:\n${r.statement};\nDESCRIBE USER;\n`,
    });
    await vscode.window.showTextDocument(doc, { preview: false });
    void vscode.window.showWarningMessage(
      `Key saved in ${r.keyFile} and connection "${r.connection}" written, but the public key is not set on the user yet. Run the statement shown, then Test Connection.`,
    );
    return;
  }
  if (r.login)
    void vscode.window.showInformationMessage(
      `Key-pair sign-in for "${r.connection}" is set up (${r.fingerprint}); logged in as ${r.login.user}, role ${r.login.role}.`,
    );
  else void vscode.window.showErrorMessage(`The key is set, but the login with it failed: ${r.loginError ?? ''}`);
}

function isSetupOptions(arg: unknown): arg is KeySetupOptions {
  return typeof arg === 'object' && arg !== null && typeof (arg as { connection?: unknown }).connection === 'string';
}

export function registerKeyCommands(
  deps: AuthDeps,
  sessions: SqlSessionManager,
  secrets: ConnectionSecretWriter,
): vscode.Disposable[] {
  const core = () => keyDeps(deps.auth, secrets, sessions, deps.auth.host);
  const progress = <T>(title: string, work: () => Promise<T>): Thenable<T> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work);
  return [
    registerCommand(deps.log, 'positSnowflake.setUpKeyPair', async (arg?: unknown, how?: { report?: boolean }) => {
      // Options given (Add Connection's "I don't have a key", tests): no questions; `report` shows progress and outcome.
      if (isSetupOptions(arg) && !how?.report) return setUpKeyPair(core(), arg);
      if (isSetupOptions(arg)) {
        const r = await progress(`Setting up key-pair sign-in for "${arg.connection}"…`, () =>
          setUpKeyPair(core(), arg),
        );
        await report(r);
        return r;
      }
      const target = await askTarget(deps, arg);
      const via = await askVia(deps, target);
      const secret = await askEncryption('Snowflake: Set Up Key-Pair Sign-In');
      const options: KeySetupOptions = {
        ...target,
        ...secret,
        ...(via === null ? { runStatement: false } : via ? { via } : {}),
      };
      const r = await progress(`Setting up key-pair sign-in for "${target.connection}"…`, () =>
        setUpKeyPair(core(), options),
      );
      await report(r);
      return r;
    }),
    registerCommand(deps.log, 'positSnowflake.rotateKey', async (arg?: unknown, given?: KeyRotationOptions) => {
      const profile = await pickConnection(deps.auth, arg, {
        title: 'Snowflake: Rotate Key',
        filter: (p) => p.authenticator === 'SNOWFLAKE_JWT',
        noneMessage: 'No key-pair (SNOWFLAKE_JWT) connection was found.',
      });
      const secret = given ?? (await askEncryption(`Snowflake: Rotate Key of "${profile.name}"`));
      const r = await progress(`Rotating the key of "${profile.name}"…`, () =>
        rotateKey(core(), { ...secret, connection: profile.name }),
      );
      const also = r.leftAlone.length
        ? ` Still on the old key file (another user or account): ${r.leftAlone.join(', ')}.`
        : '';
      if (r.oldSlotKept)
        void vscode.window.showWarningMessage(
          `New key ${r.fingerprint} in use by ${r.switched.join(', ')}; the old key is still set in ${r.oldSlot}: ${r.oldSlotKept}${also}`,
        );
      else
        void vscode.window.showInformationMessage(
          `Key rotated: ${r.switched.join(', ')} now use ${r.keyFile} (${r.fingerprint}); the old key was unset from ${r.oldSlot}.${also}`,
        );
      return r;
    }),
  ];
}
