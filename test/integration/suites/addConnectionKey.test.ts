// Add Connection's "Key pair — I don't have a key, set one up for me" in a real VS Code against the emulator: the form
// asks Set Up Key-Pair Sign-In's questions in its own steps ("(n/m)", Back keeps answers), then the key is written
// 0600, ALTER USER runs over another sign-in of the same user, and the new connection logs in.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, control, rawSecret, sandbox, testDoors, waitForConnections } from './authSandbox';
import { withScriptedQuickInput } from './scriptedQuickInput';

const NAME = 'kp_added';
const PASS = 'added-key-pass-1';
const connectionsFile = (): string => path.join(sandbox().home, 'connections.toml');

const step = (label: string, n: number, m: number): RegExp =>
  new RegExp(`^Add Snowflake Connection: ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${n}/${m}\\)$`);

interface SetupResult {
  connection: string;
  keyFile: string;
  statement: string;
  fingerprint: string;
  registeredVia?: string;
  login?: { user: string; role: string };
}

describe('Add Connection: a key set up for a newcomer', function () {
  this.timeout(90_000);
  let original: Buffer;
  let encryptedPublicKey: string;
  before(async () => {
    await api();
    original = await fsp.readFile(connectionsFile());
    const s = sandbox();
    encryptedPublicKey = crypto
      .createPublicKey(
        crypto.createPrivateKey({
          key: await fsp.readFile(s.keyFiles.encrypted, 'utf8'),
          format: 'pem',
          passphrase: s.passphrase,
        }),
      )
      .export({ type: 'spki', format: 'pem' })
      .toString();
    // DEMO_USER holds keys in both slots; an administrator frees RSA_PUBLIC_KEY_2 for the new key.
    await control('/__emulator/users/keys', { user: s.user, slot: 2 });
  });
  after(async () => {
    const s = sandbox();
    await fsp.writeFile(connectionsFile(), original, { mode: 0o600 });
    await fsp.rm(path.join(s.home, 'keys', `${NAME}_rsa_key.p8`), { force: true });
    await rawSecret.delete(`positSnowflake/keyPassphrase/${NAME}`);
    await control('/__emulator/users/keys', { user: s.user, slot: 2, publicKey: encryptedPublicKey });
    // The key was set over the PAT connection; later suites expect to find it never used.
    await (await testDoors()).resetSession('pat');
  });

  it('writes a 0600 key, runs ALTER USER over another sign-in, and the new connection logs in', async () => {
    const s = sandbox();
    const account = (await (await api()).listConnections()).find((c) => c.name === 'pat')!.account;
    let result: SetupResult | undefined;
    const win = vscode.window as unknown as { showInformationMessage: (...a: unknown[]) => Thenable<undefined> };
    const saved = win.showInformationMessage;
    const shown: string[] = [];
    win.showInformationMessage = async (m: unknown) => void shown.push(String(m));
    let seen;
    try {
      seen = await withScriptedQuickInput(
        [
          { title: step('name', 1, 7), value: NAME },
          { title: step('account', 2, 7), value: account },
          {
            title: step('how do you sign in?', 3, 7),
            type: 'pick',
            label: 'Key pair — I don’t have a key, set one up for me',
          },
          { title: step('user', 4, 8), value: s.user },
          { title: step('new key', 5, 9), type: 'pick', label: 'Encrypted with a passphrase' },
          { title: step('new key passphrase', 6, 11), value: 'short' },
          { title: step('new key passphrase', 6, 11), value: PASS },
          { title: step('passphrase again', 7, 11), value: 'not the same' },
          { title: step('passphrase again', 7, 11), type: 'back' },
          { title: step('new key passphrase', 6, 11), value: PASS, expectValue: PASS },
          { title: step('passphrase again', 7, 11), value: PASS },
          { title: step('set the public key', 8, 11), type: 'pick', label: 'Set it now over "pat"' },
          { title: step('role (optional)', 9, 11), value: 'ANALYST' },
          { title: step('warehouse (optional)', 10, 11), value: 'DEMO_WH' },
          { title: step('database (optional)', 11, 11), value: '' },
        ],
        async () => {
          result = await vscode.commands.executeCommand<SetupResult>('positSnowflake.addConnection');
        },
      );
    } finally {
      win.showInformationMessage = saved;
    }
    const messages = seen.filter((x) => x.message).map((x) => x.message);
    assert.deepEqual(messages, ['Use at least 8 characters.', 'The two passphrases differ.']);
    assert.ok(result, 'Add Connection returns what the key setup did');
    assert.equal(result.registeredVia, 'pat');
    assert.match(result.statement, /^ALTER USER DEMO_USER SET RSA_PUBLIC_KEY_2='[A-Za-z0-9+/=]+'$/);
    assert.equal(result.login?.user, 'DEMO_USER');
    assert.equal(result.login?.role, 'ANALYST', 'the role the form asked for is the connection’s');
    assert.equal((await fsp.stat(result.keyFile)).mode & 0o777, 0o600, 'the key file is 0600');
    assert.match(await fsp.readFile(result.keyFile, 'utf8'), /^-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/);
    assert.ok(shown.some((m) => m.includes(`Key-pair sign-in for "${NAME}" is set up (${result!.fingerprint})`)));

    const file = await fsp.readFile(connectionsFile(), 'utf8');
    assert.ok(file.startsWith(original.toString()), 'the other connections are kept as they were');
    const table = file.slice(original.length);
    assert.match(table, new RegExp(`\\[${NAME}\\]`));
    assert.ok(table.includes(`private_key_file = "${result.keyFile}"`), table);
    assert.match(table, /authenticator = "SNOWFLAKE_JWT"/);
    assert.match(table, /role = "ANALYST"/);
    assert.match(table, /warehouse = "DEMO_WH"/);
    assert.ok(!file.includes(PASS), 'the passphrase is not in the file');
    assert.match((await rawSecret.get(`positSnowflake/keyPassphrase/${NAME}`)) ?? '', new RegExp(`"value":"${PASS}"`));

    await waitForConnections((l) => l.some((c) => c.name === NAME), `${NAME} is listed`);
    const test = await vscode.commands.executeCommand<{ user: string; role?: string }>(
      'positSnowflake.testConnection',
      NAME,
    );
    assert.equal(test?.user, 'DEMO_USER', 'Test Connection logs in with the new key');
  });
});
