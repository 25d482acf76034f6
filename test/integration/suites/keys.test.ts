// Key-pair setup, rotation, Edit and Remove Connection inside a real VS Code against the emulator: what each writes,
// and that a refusal or a cancelled prompt leaves connections.toml, the key folder and the secrets as they were.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  api,
  keepConnectionsFile,
  rawSecret,
  runDismissingErrors,
  sandbox,
  testDoors,
  waitForConnections,
} from './authSandbox';

const connectionsFile = (): string => path.join(sandbox().home, 'connections.toml');
const keysDir = (): string => path.join(sandbox().home, 'keys');
const state = async (): Promise<string> =>
  `${await fsp.readFile(connectionsFile(), 'utf8')}\n${(await fsp.readdir(keysDir()).catch(() => [])).sort().join(',')}`;

describe('key pairs and connection edits in the editor', function () {
  this.timeout(60_000);
  keepConnectionsFile();
  after(async () => {
    await fsp.rm(path.join(keysDir(), 'kp_int_rsa_key.p8'), { force: true });
    await rawSecret.delete('positSnowflake/keyPassphrase/kp_int');
    // Key setup signs in over the PAT connection; later suites expect to find it never used.
    await (await testDoors()).resetSession('pat');
  });

  it('Set Up Key-Pair Sign-In cancelled at the first question writes nothing', async () => {
    const before = await state();
    const run = Promise.resolve(vscode.commands.executeCommand('positSnowflake.setUpKeyPair'));
    await new Promise((r) => setTimeout(r, 800));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await run, undefined);
    assert.equal(await state(), before);
  });

  it('refuses to replace a key in use (both of the user’s slots are taken) and leaves files and secrets alone', async () => {
    const before = await state();
    const s = sandbox();
    const r = await runDismissingErrors('positSnowflake.setUpKeyPair', {
      connection: 'kp_int',
      user: s.user,
      account: (await (await api()).listConnections())[0]!.account,
      via: 'pat',
      passphrase: 'int-pass-123',
    });
    assert.equal(r, undefined);
    assert.equal(await state(), before);
    assert.equal(await rawSecret.get('positSnowflake/keyPassphrase/kp_int'), undefined);
  });

  it('with the statement for an administrator: writes the key (0600) and the connection, keeps the passphrase in SecretStorage; Edit then Remove change only that table', async () => {
    const s = sandbox();
    const account = (await (await api()).listConnections())[0]!.account;
    const before = await fsp.readFile(connectionsFile(), 'utf8');
    const r = await vscode.commands.executeCommand<{ statement: string; keyFile: string; registeredVia?: string }>(
      'positSnowflake.setUpKeyPair',
      { connection: 'kp_int', user: s.user, account, passphrase: 'int-pass-123', runStatement: false },
    );
    assert.equal(r.registeredVia, undefined);
    assert.match(r.statement, /^ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='[A-Za-z0-9+/=]+'$/);
    assert.equal((await fsp.stat(r.keyFile)).mode & 0o777, 0o600);
    const written = await fsp.readFile(connectionsFile(), 'utf8');
    assert.ok(written.startsWith(before));
    assert.ok(!written.includes('int-pass-123'));
    assert.match((await rawSecret.get('positSnowflake/keyPassphrase/kp_int')) ?? '', /"value":"int-pass-123"/);
    await waitForConnections((l) => l.some((c) => c.name === 'kp_int'), 'kp_int is listed');

    await vscode.commands.executeCommand('positSnowflake.editConnection', 'kp_int', { role: 'ANALYST' });
    const edited = await fsp.readFile(connectionsFile(), 'utf8');
    assert.equal(edited, written.replace(/(\[kp_int\][\s\S]*?private_key_file = .*\n)/, '$1role = "ANALYST"\n'));

    await vscode.commands.executeCommand('positSnowflake.removeConnection', 'kp_int', true);
    assert.equal(await fsp.readFile(connectionsFile(), 'utf8'), before);
    assert.equal(await rawSecret.get('positSnowflake/keyPassphrase/kp_int'), undefined);
  });

  it('Rotate Key refuses when the free slot holds another key, and nothing changes', async () => {
    const before = await state();
    const r = await runDismissingErrors('positSnowflake.rotateKey', 'keypair', { unencrypted: true });
    assert.equal(r, undefined);
    assert.equal(await state(), before);
  });
});
