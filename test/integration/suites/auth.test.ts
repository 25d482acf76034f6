// The auth capability inside a real VS Code: SecretStorage through the extension's store, the "Snowflake"
// AuthenticationProvider, Add Connection (text kept byte for byte, mode 0600), Set Key Passphrase, Test Connection
// and Show Diagnostics against the emulator, and the public API. The sandbox home is restored afterwards.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  api,
  control,
  providerSessions,
  rawSecret,
  typingIntoPrompts,
  runDismissingErrors,
  sandbox,
  testDoors,
  waitForConnections,
} from './authSandbox';
import { withScriptedQuickInput, type Seen } from './scriptedQuickInput';

interface TestResult {
  connection: string;
  account: string;
  user: string;
  role?: string;
  warehouse?: string;
  message: string;
}

const connectionsFile = (): string => path.join(sandbox().home, 'connections.toml');
const configFile = (): string => path.join(sandbox().home, 'config.toml');

async function filesUnder(dir: string, skip: (p: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, e.name);
    if (skip(full)) continue;
    if (e.isDirectory()) out.push(...(await filesUnder(full, skip)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

describe('auth in the editor', function () {
  this.timeout(60_000);
  let originalConnections: Buffer;
  let originalConfig: Buffer;
  const secretKeys: string[] = [];

  before(async () => {
    await api();
    originalConnections = await fsp.readFile(connectionsFile());
    originalConfig = await fsp.readFile(configFile());
  });

  after(async () => {
    // Other suites see the sandbox as the runner wrote it.
    await fsp.writeFile(connectionsFile(), originalConnections, { mode: 0o600 });
    await fsp.writeFile(configFile(), originalConfig, { mode: 0o600 });
    await runDismissingErrors('positSnowflake.signOut', 'oauth_code');
    for (const key of secretKeys) await rawSecret.delete(key);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists the sandbox connections through the public API, with the default from config.toml', async () => {
    const list = await waitForConnections(
      (l) => sandbox().connectionNames.every((n) => l.some((c) => c.name === n)),
      'the sandbox connections are listed',
    );
    const keypair = list.find((c) => c.name === 'keypair');
    assert.deepEqual(
      keypair && { source: keypair.source, isDefault: keypair.isDefault, authenticator: keypair.authenticator },
      { source: 'connections.toml', isDefault: true, authenticator: 'SNOWFLAKE_JWT' },
    );
    assert.equal(list.filter((c) => c.isDefault).length, 1);
  });

  it('Test Connection logs in to the emulator and shows user, role and warehouse', async () => {
    const res = await vscode.commands.executeCommand<TestResult>('positSnowflake.testConnection', 'keypair');
    assert.ok(res, 'the command returned a result (no error was shown)');
    assert.deepEqual(
      { user: res.user, role: res.role, warehouse: res.warehouse },
      { user: 'DEMO_USER', role: 'ANALYST', warehouse: 'DEMO_WH' },
    );
    assert.equal(res.message, `Connected to ${res.account} as DEMO_USER · ANALYST · DEMO_WH`);
  });

  it('Set Key Passphrase stores an enveloped secret in SecretStorage that unlocks the encrypted key, and writes no file', async () => {
    const { passphrase, home } = sandbox();
    const key = 'positSnowflake/keyPassphrase/encrypted_key';
    secretKeys.push(key);
    const { result: res, asked } = await typingIntoPrompts([passphrase], () =>
      vscode.commands.executeCommand<{ connection: string }>('positSnowflake.setKeyPassphrase', 'encrypted_key'),
    );
    assert.deepEqual(res, { connection: 'encrypted_key' });
    assert.deepEqual(asked, ['Snowflake: passphrase for connection "encrypted_key"']);
    const envelope = JSON.parse((await rawSecret.get(key)) ?? 'null') as Record<string, unknown>;
    assert.deepEqual(
      { v: envelope.v, kind: envelope.kind, value: envelope.value, savedAt: typeof envelope.savedAt },
      { v: 1, kind: 'keyPassphrase', value: passphrase, savedAt: 'number' },
    );
    assert.equal(await rawSecret.typed('keyPassphrase', 'encrypted_key'), passphrase);

    // The key now opens without a prompt: the login goes through.
    const tested = await vscode.commands.executeCommand<TestResult>('positSnowflake.testConnection', 'encrypted_key');
    assert.equal(tested?.user, 'DEMO_USER');

    // No file the extension or the editor's server writes holds it (the browser profile holds the editor's own store).
    const runDir = path.dirname(process.env.XDG_CONFIG_HOME ?? home);
    const roots = [home, runDir, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)];
    for (const root of roots) {
      for (const file of await filesUnder(root, (p) => p.startsWith(path.join(runDir, 'chromium')))) {
        const bytes = await fsp.readFile(file).catch(() => Buffer.alloc(0));
        assert.ok(!bytes.includes(passphrase), `${file} does not contain the passphrase`);
      }
    }
  });

  it('refuses a wrong passphrase and keeps the stored one', async () => {
    const before = await rawSecret.get('positSnowflake/keyPassphrase/encrypted_key');
    const { result: res } = await typingIntoPrompts(['wrong passphrase'], () =>
      runDismissingErrors('positSnowflake.setKeyPassphrase', 'encrypted_key'),
    );
    assert.equal(res, undefined, 'the command failed (its error is shown to the user)');
    assert.equal(await rawSecret.get('positSnowflake/keyPassphrase/encrypted_key'), before);
  });

  it('treats a stored value that is not a valid envelope as absent', async () => {
    const key = 'positSnowflake/pat/pat';
    secretKeys.push(key);
    await rawSecret.store(key, JSON.stringify({ v: 1, kind: 'keyPassphrase', value: 'mislabelled' }));
    assert.equal(await rawSecret.typed('pat', 'pat'), undefined);
    await rawSecret.store(key, 'not json');
    assert.equal(await rawSecret.typed('pat', 'pat'), undefined);
    await rawSecret.delete(key);
  });

  it("Add Connection's write (the form's answers, through the test host) appends to connections.toml byte for byte, mode 0600, and the connection works", async () => {
    const s = sandbox();
    const before = await fsp.readFile(connectionsFile());
    assert.ok(before.toString('utf8').startsWith('# '), 'the sandbox file starts with a comment that must survive');
    const emulator = new URL(s.snowflake);
    const res = await (
      await testDoors()
    ).addConnection({
      name: 'added by test',
      account: 'sandbox-demo',
      user: s.user,
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyFile: s.keyFiles.keypair,
      role: 'ANALYST',
      warehouse: 'DEMO_WH',
      host: emulator.hostname,
      port: Number(emulator.port),
      protocol: emulator.protocol.replace(':', '') as 'http' | 'https',
    });
    assert.deepEqual(res, { name: 'added by test', file: connectionsFile(), created: false });
    const after = await fsp.readFile(connectionsFile());
    assert.ok(
      after.subarray(0, before.length).equals(before),
      'the original bytes are an exact prefix of the new file',
    );
    assert.match(
      after.subarray(before.length).toString('utf8'),
      /^\n?\n\["added by test"\]\naccount = "sandbox-demo"\nuser = "DEMO_USER"\nauthenticator = "SNOWFLAKE_JWT"\n/,
    );
    assert.equal((await fsp.stat(connectionsFile())).mode & 0o777, 0o600);

    await waitForConnections((l) => l.some((c) => c.name === 'added by test'), 'the added connection is listed');
    const tested = await vscode.commands.executeCommand<TestResult>('positSnowflake.testConnection', {
      connectionName: 'added by test',
    });
    assert.deepEqual(tested && [tested.user, tested.role, tested.warehouse], ['DEMO_USER', 'ANALYST', 'DEMO_WH']);
  });

  it("Add Connection's form: (n/m), Back keeps the answers, a wrong key file or passphrase is asked again alone", async () => {
    const s = sandbox();
    // A person picks the public key first, as happens: it sits next to the private one.
    const pem = await fsp.readFile(s.keyFiles.encrypted, 'utf8');
    const publicKey = path.join(path.dirname(s.keyFiles.encrypted), 'rsa_key_encrypted.pub');
    await fsp.writeFile(
      publicKey,
      crypto
        .createPublicKey(crypto.createPrivateKey({ key: pem, format: 'pem', passphrase: s.passphrase }))
        .export({ type: 'spki', format: 'pem' }),
    );
    const win = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
    const savedInfo = win.showInformationMessage;
    win.showInformationMessage = (async () => undefined) as typeof win.showInformationMessage;
    secretKeys.push('positSnowflake/keyPassphrase/guided');
    let res: { name: string; file: string } | undefined;
    const step = (label: string, n: number, m: number): RegExp =>
      new RegExp(`^Add Snowflake Connection: ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${n}/${m}\\)$`);
    let seen: Seen[] = [];
    try {
      seen = await withScriptedQuickInput(
        [
          { title: step('name', 1, 7), value: 'KEYPAIR' },
          { title: step('name', 1, 7), value: 'guided' },
          { title: step('account', 2, 7), value: 'https://app.snowflake.com/sandbox/demo/#/homepage' },
          { title: step('how do you sign in?', 3, 7), type: 'pick', label: 'Key pair' },
          { title: step('user', 4, 8), value: 'DEMO_USER' },
          { title: step('private key file', 5, 8), value: publicKey },
          { title: step('private key file', 5, 8), value: s.keyFiles.encrypted },
          { title: step('key passphrase', 6, 9), value: 'not the passphrase' },
          { title: step('key passphrase', 6, 9), value: s.passphrase },
          { title: step('role (optional)', 7, 9), type: 'back' },
          { title: step('key passphrase', 6, 9), value: s.passphrase, expectValue: s.passphrase },
          { title: step('role (optional)', 7, 9), value: 'ANALYST' },
          { title: step('warehouse (optional)', 8, 9), value: '' },
          { title: step('database (optional)', 9, 9), value: '' },
        ],
        async () => {
          res = await vscode.commands.executeCommand<{ name: string; file: string }>('positSnowflake.addConnection');
        },
      );
    } finally {
      win.showInformationMessage = savedInfo;
      await fsp.rm(publicKey, { force: true });
    }
    assert.deepEqual(res && { name: res.name, file: res.file }, { name: 'guided', file: connectionsFile() });
    const messages = seen.filter((x) => x.message).map((x) => x.message!);
    assert.equal(messages.length, 3, messages.join('\n'));
    assert.match(messages[0]!, /A connection named "KEYPAIR" already exists/);
    assert.match(messages[1]!, /is the public key\. Choose the private key/);
    assert.match(messages[2]!, /^That passphrase does not decrypt /);
    assert.ok(!messages.some((m) => /Set Key Passphrase/.test(m)), 'no advice about a connection not written yet');
    const text = await fsp.readFile(connectionsFile(), 'utf8');
    assert.ok(
      text.endsWith(
        `\n[guided]\naccount = "sandbox-demo"\nuser = "DEMO_USER"\nauthenticator = "SNOWFLAKE_JWT"\nprivate_key_file = ${JSON.stringify(s.keyFiles.encrypted)}\nrole = "ANALYST"\n`,
      ),
      text,
    );
    assert.ok(!text.includes(s.passphrase));
    assert.equal(await rawSecret.typed('keyPassphrase', 'guided'), s.passphrase);
  });

  it('Add Connection refuses a duplicate name and leaves the file alone', async () => {
    const before = await fsp.readFile(connectionsFile());
    await assert.rejects(
      (await testDoors()).addConnection({
        name: 'KEYPAIR',
        account: 'sandbox-demo',
        authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
        pat: 'x',
      }),
      /already exists/,
    );
    assert.ok((await fsp.readFile(connectionsFile())).equals(before));
  });

  it('Add Connection keeps a PAT in SecretStorage, not in the file, and the PAT logs in', async () => {
    const s = sandbox();
    const emulator = new URL(s.snowflake);
    secretKeys.push('positSnowflake/pat/pat_by_test');
    await (
      await testDoors()
    ).addConnection({
      name: 'pat_by_test',
      account: 'sandbox-demo',
      user: s.user,
      authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
      pat: s.pat,
      host: emulator.hostname,
      port: Number(emulator.port),
      protocol: emulator.protocol.replace(':', '') as 'http' | 'https',
    });
    const text = await fsp.readFile(connectionsFile(), 'utf8');
    assert.match(text, /^\[pat_by_test\]$/m);
    assert.equal(text.split(s.pat).length, 2, 'the PAT appears once: in the sandbox [pat] table, not in the new one');
    assert.equal(await rawSecret.typed('pat', 'pat_by_test'), s.pat);
    await waitForConnections((l) => l.some((c) => c.name === 'pat_by_test'), 'the PAT connection is listed');
    const tested = await vscode.commands.executeCommand<TestResult>('positSnowflake.testConnection', 'pat_by_test');
    assert.equal(tested?.user, 'DEMO_USER');
  });

  it('Set PAT replaces the stored token and the next login uses the new one', async () => {
    const s = sandbox();
    const typed = await typingIntoPrompts(['not-a-valid-pat'], () =>
      vscode.commands.executeCommand('positSnowflake.setPat', 'pat_by_test'),
    );
    assert.deepEqual(typed.result, { connection: 'pat_by_test' });
    assert.deepEqual(typed.asked, ['Snowflake: programmatic access token for "pat_by_test"']);
    assert.equal(await rawSecret.typed('pat', 'pat_by_test'), 'not-a-valid-pat');
    assert.equal(
      await runDismissingErrors('positSnowflake.testConnection', 'pat_by_test'),
      undefined,
      'the refused PAT fails the test',
    );
    await typingIntoPrompts([` ${s.pat}\n`], () =>
      vscode.commands.executeCommand('positSnowflake.setPat', 'pat_by_test'),
    );
    const tested = await vscode.commands.executeCommand<TestResult>('positSnowflake.testConnection', 'pat_by_test');
    assert.equal(tested?.user, 'DEMO_USER');
  });

  it('Set as Default Connection writes default_connection_name at the top of config.toml', async () => {
    const res = await vscode.commands.executeCommand<{ connection: string; file: string }>(
      'positSnowflake.setDefaultConnection',
      'pat',
    );
    assert.deepEqual(res, { connection: 'pat', file: configFile() });
    assert.equal(await fsp.readFile(configFile(), 'utf8'), 'default_connection_name = "pat"\n');
    await waitForConnections((l) => l.find((c) => c.isDefault)?.name === 'pat', '"pat" becomes the default');
  });

  it("Open Connections File opens the file at the connection's table", async () => {
    const opened = await vscode.commands.executeCommand<string>('positSnowflake.openConnectionsFile', 'pat');
    assert.equal(opened, connectionsFile());
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, connectionsFile());
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^\[pat\]/);
  });

  it('Show Diagnostics opens a read-only report naming the key fingerprint', async () => {
    const text = await vscode.commands.executeCommand<string>('positSnowflake.showDiagnostics', 'keypair');
    assert.ok(
      text?.includes(sandbox().fingerprints.keypair),
      'the report shows the key fingerprint to compare with DESCRIBE USER',
    );
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'posit-snowflake-doctor');
    assert.equal(doc.getText(), text);
    // Markdown, so long lines wrap (the editor's default for Markdown) instead of running off the screen.
    assert.equal(doc.languageId, 'markdown');
    assert.equal(vscode.workspace.getConfiguration('editor', doc).get('wordWrap'), 'on');
  });

  describe('the "Snowflake" authentication provider', () => {
    it('is registered and answers a silent request with no session before sign-in (no prompt)', async () => {
      const session = await vscode.authentication.getSession('positSnowflake', ['connection:oauth_code'], {
        silent: true,
      });
      assert.equal(session, undefined);
    });

    it('Sign In (browser, auto-approved by the emulator) adds a session to the Accounts menu with a working token; Sign Out removes it', async () => {
      await control('/__emulator/oauth/auto-approve', { on: true });
      const events: vscode.AuthenticationSessionsChangeEvent[] = [];
      const sub = vscode.authentication.onDidChangeSessions(
        (e) => e.provider.id === 'positSnowflake' && events.push(e),
      );
      try {
        const res = await vscode.commands.executeCommand<{ connection: string }>('positSnowflake.signIn', 'oauth_code');
        assert.equal(res?.connection, 'oauth_code');
        secretKeys.push('positSnowflake/oauthRefreshToken/oauth_code');
        const accounts = await vscode.authentication.getAccounts('positSnowflake');
        assert.deepEqual(
          accounts.map((a) => a.label),
          ['DEMO_USER (oauth_code)'],
          'the Accounts menu lists the sign-in',
        );
        assert.ok(events.length >= 1, 'onDidChangeSessions fired for the Snowflake provider');

        const [session, ...others] = await providerSessions(['connection:oauth_code']);
        assert.equal(others.length, 0);
        assert.deepEqual(session?.scopes, ['connection:oauth_code', 'session:role:ANALYST']);
        const models = await fetch(new URL('/api/v2/cortex/models', sandbox().snowflake), {
          headers: { Authorization: `Bearer ${session?.accessToken}`, 'X-Snowflake-Authorization-Token-Type': 'OAUTH' },
        });
        assert.equal(models.status, 200, "the session's access token is accepted by Snowflake");
        assert.deepEqual(
          await providerSessions(['connection:keypair']),
          [],
          'a key-pair connection has no sign-in session',
        );
        const envelope = JSON.parse((await rawSecret.get('positSnowflake/oauthRefreshToken/oauth_code')) ?? 'null') as {
          kind?: string;
        } | null;
        assert.equal(envelope?.kind, 'oauthRefreshToken', 'the refresh token is in SecretStorage');

        const removedBefore = events.filter((e) => e.provider.id === 'positSnowflake').length;
        await vscode.commands.executeCommand('positSnowflake.signOut', 'oauth_code');
        assert.equal(
          await rawSecret.get('positSnowflake/oauthRefreshToken/oauth_code'),
          undefined,
          'sign-out deleted the stored token',
        );
        assert.deepEqual(await vscode.authentication.getAccounts('positSnowflake'), []);
        assert.deepEqual(await providerSessions([]), []);
        assert.ok(events.length > removedBefore, 'sign-out was reported too');
        assert.equal(
          await vscode.authentication.getSession('positSnowflake', ['connection:oauth_code'], { silent: true }),
          undefined,
        );
      } finally {
        sub.dispose();
        await control('/__emulator/oauth/auto-approve', { on: false });
      }
    });
  });
});
