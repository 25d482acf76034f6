// Create PAT and the connection status bar inside a real VS Code against the emulator: a PAT made from the key-pair
// sign-in through the prompts, its secret only in SecretStorage, the new connection logging in; the status bar naming
// the connection in use and warning when its PAT is about to expire; bad input and a cancelled prompt changing nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  keepConnectionsFile,
  choosingInQuickPicks,
  control,
  rawSecret,
  runDismissingErrors,
  sandbox,
  testDoors,
  typingIntoPrompts,
  waitForConnections,
} from './authSandbox';

const connectionsFile = (): string => path.join(sandbox().home, 'connections.toml');
const SECRET_KEY = 'positSnowflake/pat/keypair_pat';
const RECORD_KEY = 'positSnowflake/patRecord/keypair_pat';

/** Every file under the sandbox home, as text (to prove the secret is in none of them). */
async function allFilesText(dir: string): Promise<string> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(await fsp.readFile(path.join(e.parentPath, e.name), 'utf8').catch(() => ''));
  }
  return out.join('\n');
}

interface Created {
  readonly connection: string;
  readonly record: { name: string; expiresAt: number; role?: string };
  readonly login?: { user: string; role: string };
}

describe('Create PAT and the connection status bar', function () {
  this.timeout(90_000);
  keepConnectionsFile();
  after(async () => {
    await rawSecret.delete(SECRET_KEY);
    await rawSecret.delete(RECORD_KEY);
    await vscode.workspace
      .getConfiguration()
      .update('positSnowflake.cortex.connection', undefined, vscode.ConfigurationTarget.Global);
    const doors = await testDoors();
    await doors.resetSession('keypair');
    await doors.resetSession('keypair_pat');
  });

  it('cancelled at the first prompt: nothing is written and no secret is stored', async () => {
    const before = await fsp.readFile(connectionsFile(), 'utf8');
    const { result } = await typingIntoPrompts([], () =>
      vscode.commands.executeCommand('positSnowflake.createPat', 'keypair'),
    );
    assert.equal(result, undefined);
    assert.equal(await fsp.readFile(connectionsFile(), 'utf8'), before);
    assert.equal(await rawSecret.get(SECRET_KEY), undefined);
  });

  it('from the key-pair sign-in, through the prompts: secret only in SecretStorage, the new connection logs in', async () => {
    const before = await fsp.readFile(connectionsFile(), 'utf8');
    const { result: picked } = await choosingInQuickPicks(['New connection "keypair_pat"'], () =>
      typingIntoPrompts(['INT_PAT', 'ANALYST', '30'], () =>
        vscode.commands.executeCommand<Created>('positSnowflake.createPat', 'keypair'),
      ),
    );
    const r = picked.result;
    assert.equal(r.connection, 'keypair_pat');
    assert.deepEqual(picked.asked.length, 3);
    assert.equal(r.login?.user, 'DEMO_USER');
    assert.equal(r.login?.role, 'ANALYST');
    assert.equal(Math.round((r.record.expiresAt - Date.now()) / 86400_000), 30);

    const secret = await rawSecret.typed('pat', 'keypair_pat');
    assert.ok(secret && secret.length > 20, 'the secret is in SecretStorage');
    const written = await fsp.readFile(connectionsFile(), 'utf8');
    assert.ok(written.startsWith(before));
    assert.match(written, /\[keypair_pat\][\s\S]*authenticator = "PROGRAMMATIC_ACCESS_TOKEN"/);
    assert.ok(!(await allFilesText(sandbox().home)).includes(secret), 'the secret is in no file');
    await waitForConnections((l) => l.some((c) => c.name === 'keypair_pat'), 'keypair_pat is listed');
    const tested = await vscode.commands.executeCommand<{ user: string; role: string }>(
      'positSnowflake.testConnection',
      'keypair_pat',
    );
    assert.deepEqual([tested.user, tested.role], ['DEMO_USER', 'ANALYST']);
    // The log has what happened (Test Connection's line), never the secret.
    let log = '';
    for (let i = 0; i < 30 && !log.includes('Test Connection "keypair_pat"'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      log = await (await testDoors()).logText();
    }
    assert.match(log, /Test Connection "keypair_pat": Connected/);
    assert.ok(!log.includes(secret), 'the log never holds the secret');
  });

  it('a token name already in use is refused; nothing more is written', async () => {
    const before = await fsp.readFile(connectionsFile(), 'utf8');
    const secret = await rawSecret.get(SECRET_KEY);
    // Every question answered (the new connection under another name), then Snowflake refuses the name.
    const picked = await choosingInQuickPicks(['New connection with another name…'], () =>
      typingIntoPrompts(['INT_PAT', '', '30', 'keypair_pat2'], () =>
        runDismissingErrors<Created>('positSnowflake.createPat', 'keypair'),
      ),
    );
    assert.deepEqual(picked.offered, [['Switch "keypair" to the PAT', 'New connection with another name…']]);
    assert.equal(picked.result.asked.length, 4);
    assert.equal(picked.result.result, undefined);
    assert.equal(await fsp.readFile(connectionsFile(), 'utf8'), before);
    assert.equal(await rawSecret.get(SECRET_KEY), secret);
    assert.equal(await rawSecret.get('positSnowflake/pat/keypair_pat2'), undefined);
  });

  it('the status bar shows the connection in use, and warns when its PAT expires within 10 minutes', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace
      .getConfiguration()
      .update('positSnowflake.cortex.connection', 'keypair_pat', vscode.ConfigurationTarget.Global);
    const doors = await testDoors();
    const calm = await doors.statusBar();
    assert.equal(calm.visible, true);
    assert.match(calm.text, /^\$\(database\) Snowflake: keypair_pat · ANALYST · /);
    assert.equal(calm.warning, false);
    assert.match(calm.tooltip, /used by chat and SQL/);

    // The record says the PAT ends in 5 minutes (as one created 30 days ago would, seen at the end of its life).
    const stored = JSON.parse((await rawSecret.get(RECORD_KEY))!) as { value: string };
    const record = { ...JSON.parse(stored.value), expiresAt: Date.now() + 5 * 60_000 + 30_000 };
    await rawSecret.store(RECORD_KEY, JSON.stringify({ ...stored, value: JSON.stringify(record) }));
    let soon = await doors.statusBar();
    for (let i = 0; i < 20 && !soon.warning; i++) {
      await new Promise((r) => setTimeout(r, 100));
      soon = await doors.statusBar();
    }
    assert.equal(soon.warning, true);
    assert.match(soon.text, /^\$\(warning\) Snowflake: keypair_pat · ANALYST · .* · expires in 5 minutes$/);
    assert.match(soon.tooltip, /programmatic access token of connection "keypair_pat" expires in 5 minutes/);
    assert.match(soon.tooltip, /Create a new PAT/);
    // The daily toast: once today, not twice.
    assert.deepEqual(await doors.checkPatExpiry(), ['keypair_pat']);
    assert.deepEqual(await doors.checkPatExpiry(), []);
    await vscode.commands.executeCommand('notifications.clearAll');

    // A SQL editor shows the connection it runs on instead: one item, never two saying different things.
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT 1;' });
    await vscode.window.showTextDocument(doc);
    const unchosen = await doors.statusBar();
    assert.equal(unchosen.text, '$(database) Snowflake: choose connection');
    await vscode.commands.executeCommand('positSnowflake.chooseEditorConnection', 'keypair');
    await vscode.window.showTextDocument(doc);
    const inSql = await doors.statusBar();
    assert.match(inSql.text, /^\$\(database\) Snowflake: keypair · /);
    assert.equal(inSql.warning, false, 'a key pair never expires');
    // Clicking it: Switch role… then the role; the item follows.
    const clicked = await choosingInQuickPicks(['$(person) Switch role…', 'FINANCE'], () =>
      vscode.commands.executeCommand('positSnowflake.connectionStatusActions'),
    );
    assert.deepEqual(clicked.offered[0], [
      '$(plug) Switch connection…',
      '$(person) Switch role…',
      '$(server) Switch warehouse…',
    ]);
    assert.match((await doors.statusBar()).text, /^\$\(database\) Snowflake: keypair · FINANCE · /);
    await choosingInQuickPicks(['ANALYST'], () =>
      vscode.commands.executeCommand('positSnowflake.switchRole', 'keypair'),
    );
    assert.match((await doors.statusBar()).text, /^\$\(database\) Snowflake: keypair · ANALYST · /);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Posit Workbench session: a PAT from its sign-in @workbench', function () {
  this.timeout(90_000);
  const own = path.join(os.homedir(), '.snowflake', 'connections.toml');
  const managed = path.join(process.env.SNOWFLAKE_HOME ?? '', 'connections.toml');
  let ownBefore = '';
  before(async () => {
    ownBefore = fs.readFileSync(own, 'utf8');
    // The user's pass shares the emulator and may have expired every token: start from a fresh Workbench token.
    await control('/__emulator/workbench/rotate');
  });
  after(async () => {
    fs.writeFileSync(own, ownBefore, { mode: 0o600 });
    // The suites after this one list the user's connections: wait until the restored file is read again.
    await waitForConnections((l) => !l.some((c) => c.name === 'workbench_pat'), 'workbench_pat is no longer listed');
    await rawSecret.delete('positSnowflake/pat/workbench_pat');
    await rawSecret.delete('positSnowflake/patRecord/workbench_pat');
    await (await testDoors()).resetSession('workbench');
  });

  it('writes the PAT connection to ~/.snowflake (never Workbench’s directory); the status bar names the Workbench connection', async () => {
    const managedBefore = fs.readFileSync(managed, 'utf8');
    const { result: picked, offered } = await choosingInQuickPicks(['New connection "workbench_pat"'], () =>
      typingIntoPrompts(['WB_PAT', '', '5'], () =>
        vscode.commands.executeCommand<Created>('positSnowflake.createPat', 'workbench'),
      ),
    );
    // Workbench's own file is not ours to change: no "Switch" to the PAT is offered.
    assert.deepEqual(offered, [['New connection "workbench_pat"', 'New connection with another name…']]);
    const r = picked.result;
    assert.equal(r.connection, 'workbench_pat');
    assert.equal(Math.round((r.record.expiresAt - Date.now()) / 86400_000), 5);
    assert.equal(r.login?.user, 'DEMO_USER');
    assert.ok(!fs.readFileSync(managed, 'utf8').includes('workbench_pat'));
    assert.equal(managedBefore.includes('workbench_pat'), false);
    const ownAfter = fs.readFileSync(own, 'utf8');
    assert.ok(ownAfter.startsWith(ownBefore));
    assert.match(ownAfter, /\[workbench_pat\][\s\S]*authenticator = "PROGRAMMATIC_ACCESS_TOKEN"/);
    const secret = await rawSecret.typed('pat', 'workbench_pat');
    assert.ok(secret && !ownAfter.includes(secret));

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const status = await (await testDoors()).statusBar();
    assert.match(status.text, /^\$\(database\) Snowflake: workbench · /);
    assert.equal(status.warning, false, 'Workbench rewrites its token before it ends');
  });
});
