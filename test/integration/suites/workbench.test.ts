// A Posit Workbench session in the real editor (the runner's second pass): SNOWFLAKE_HOME is Workbench's directory
// whose token the emulator rotates, and the user's own connections sit in ~/.snowflake. Tagged @workbench.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PositSnowflakeApi } from '../../../src/api';
import { choosingInQuickPicks, control, sandbox, testDoors, typingIntoPrompts } from './authSandbox';
import { labelOf, treeWalker, type Provider } from './treeWalker';

const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

describe('Posit Workbench session @workbench', function () {
  this.timeout(120_000);
  let api: PositSnowflakeApi;
  let provider: Provider;
  const workbenchFile = path.join(process.env.SNOWFLAKE_HOME ?? '', 'connections.toml');

  const { children, labels, path: treePath, item } = treeWalker(() => provider);
  const columnsOfOrders = async (): Promise<string[]> =>
    labels(await treePath('workbench', 'SALES_DB', 'PUBLIC', 'Tables', 'ORDERS'));

  before(async () => {
    api = await vscode.extensions.getExtension<PositSnowflakeApi>(EXTENSION_ID)!.activate();
    provider = (await testDoors()).tree as Provider;
  });

  it("lists the Workbench-managed connection first, as the default, followed by the user's own", async () => {
    assert.match(process.env.SNOWFLAKE_HOME ?? '', /posit-workbench/);
    const conns = await api.listConnections();
    assert.equal(conns[0]?.name, 'workbench');
    assert.equal(conns[0]?.source, 'workbench');
    assert.equal(conns[0]?.isDefault, true);
    const own = conns.filter((c) => c.source === 'connections.toml').map((c) => c.name);
    assert.deepEqual(own.sort(), ['encrypted_key', 'keypair', 'oauth_code', 'pat']);
    const roots = await children();
    const first = await provider.getTreeItem(roots[0]!);
    assert.equal(labelOf(first), 'workbench');
    assert.match(String(first.description), /Posit Workbench/);
  });

  it("REST headers carry the token in Workbench's file, and the rotated one right after Workbench rewrites it", async () => {
    const tokenInFile = (): string => /token\s*=\s*"([^"]+)"/.exec(fs.readFileSync(workbenchFile, 'utf8'))![1]!;
    const before = await api.getRestHeaders('workbench');
    assert.equal(before.Authorization, `Bearer ${tokenInFile()}`);
    assert.equal(before['X-Snowflake-Authorization-Token-Type'], 'OAUTH');
    await control('/__emulator/workbench/rotate');
    const after = await api.getRestHeaders('workbench');
    assert.equal(after.Authorization, `Bearer ${tokenInFile()}`);
    assert.notEqual(after.Authorization, before.Authorization);
  });

  it('keeps browsing after Workbench rotates its token and the old token and sessions die', async () => {
    assert.ok((await columnsOfOrders()).includes('ORDER_ID'));
    await control('/__emulator/tokens/expire', { masters: true });
    await control('/__emulator/workbench/rotate');
    await vscode.commands.executeCommand('positSnowflake.refresh');
    const cols = await columnsOfOrders();
    assert.ok(cols.includes('ORDER_ID'), `columns after rotation: ${cols.join(', ')}`);
    // Workbench's file names no user: the tree asked Snowflake who is connected.
    const root = await provider.getTreeItem((await children())[0]!);
    assert.match(String(root.description), /connected as DEMO_USER · ANALYST · DEMO_WH$/);
  });

  it("Add Connection's write goes to ~/.snowflake, never into the directory Workbench rewrites", async () => {
    const managedBefore = fs.readFileSync(workbenchFile, 'utf8');
    const own = path.join(os.homedir(), '.snowflake', 'connections.toml');
    const ownBefore = fs.readFileSync(own, 'utf8');
    await (
      await testDoors()
    ).addConnection({
      name: 'wb_added',
      account: 'sandbox-demo',
      user: 'DEMO_USER',
      authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
      pat: 'not-a-real-pat-value',
    });
    assert.equal(fs.readFileSync(workbenchFile, 'utf8').includes('wb_added'), false);
    assert.equal(managedBefore.includes('wb_added'), false);
    const ownAfter = fs.readFileSync(own, 'utf8');
    assert.ok(ownAfter.startsWith(ownBefore), "the user's text is kept as it was");
    assert.match(ownAfter, /\[wb_added\]/);
    fs.writeFileSync(own, ownBefore);
  });

  it('tooltips show names and paths as written: code spans, no stray backslashes', async () => {
    const root = await item(await treePath('workbench'));
    const tip = (root.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /Account: `sandbox-demo`/);
    assert.ok(tip.includes(`\`${workbenchFile}\``), `the file is shown as written:\n${tip}`);
    assert.doesNotMatch(tip, /`[^`]*\\[^`]*`/, `no backslash inside a code span:\n${tip}`);
  });

  it('an encrypted key without its passphrase: the row says so, its click asks for it, the menus offer the fix', async () => {
    const root = await treePath('encrypted_key');
    const [row, ...rest] = await children(root);
    assert.equal(rest.length, 0);
    assert.equal(row!.kind, 'error');
    const rowItem = await item(row!);
    assert.match(labelOf(rowItem), /^Set Key Passphrase: /);
    assert.equal(rowItem.contextValue, 'error.setKeyPassphrase');
    assert.deepEqual(
      [rowItem.command?.command, rowItem.command?.arguments?.[0]],
      ['positSnowflake.retry', row],
      'a click retries, running Set Key Passphrase first',
    );
    assert.match(String((await item(root)).description), /key passphrase needed$/);
    // The menus a person sees on the connection and on the row (package.json `when` clauses on these values).
    const menus = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.menus['view/item/context'] as {
      command: string;
      when: string;
    }[];
    const offered = (contextValue: string): string[] =>
      menus
        .filter((m) => {
          const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(m.when);
          return re ? new RegExp(re[1]!).test(contextValue) : m.when.includes(`viewItem == ${contextValue}`);
        })
        .map((m) => m.command);
    const connectionMenu = offered(String((await item(root)).contextValue));
    assert.ok(connectionMenu.includes('positSnowflake.setKeyPassphrase'), connectionMenu.join(', '));
    assert.ok(!connectionMenu.includes('positSnowflake.setPat'), connectionMenu.join(', '));
    assert.ok(offered('error.setKeyPassphrase').includes('positSnowflake.setKeyPassphrase'));
    // With the passphrase set, the same connection browses.
    await typingIntoPrompts([sandbox().passphrase], () =>
      vscode.commands.executeCommand('positSnowflake.setKeyPassphrase', 'encrypted_key'),
    );
    await vscode.commands.executeCommand('positSnowflake.refresh', root);
    assert.deepEqual(await labels(await treePath('encrypted_key')), ['BIG_DB', 'SALES_DB']);
  });

  it('Set as Default explains that Workbench chooses the default, and writes nothing', async () => {
    const res = await vscode.commands.executeCommand<{ connection: string; file?: string; explained?: string }>(
      'positSnowflake.setDefaultConnection',
      'keypair',
    );
    assert.equal(res?.file, undefined);
    assert.match(res?.explained ?? '', /SNOWFLAKE_DEFAULT_CONNECTION_NAME/);
    assert.equal(fs.existsSync(path.join(path.dirname(workbenchFile), 'config.toml')), false);
  });

  it('Open Connections File on the Workbench connection: read-only, the token masked', async () => {
    const token = /token\s*=\s*"([^"]+)"/.exec(fs.readFileSync(workbenchFile, 'utf8'))![1]!;
    assert.equal(
      await vscode.commands.executeCommand('positSnowflake.openConnectionsFile', 'workbench'),
      workbenchFile,
    );
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'posit-snowflake-managed');
    assert.match(doc.getText(), /^token = "\*\*\*"$/m);
    assert.ok(!doc.getText().includes(token), 'the live token is not on screen');
    // A content provider's document: the editor shows it read-only, and nothing of it is on disk to save over.
    assert.notEqual(doc.uri.fsPath, workbenchFile);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("Copy Python Connection Code for the user's own connection: SNOWFLAKE_HOME, the passphrase, the switched role", async () => {
    await choosingInQuickPicks(['FINANCE'], () =>
      vscode.commands.executeCommand('positSnowflake.switchRole', 'encrypted_key'),
    );
    try {
      const code = await vscode.commands.executeCommand<string>('positSnowflake.copyPythonCode', 'encrypted_key');
      assert.equal(await vscode.env.clipboard.readText(), code);
      assert.match(code ?? '', /^os\.environ\["SNOWFLAKE_HOME"\] = os\.path\.expanduser\("~\/\.snowflake"\)$/m);
      assert.match(code ?? '', /^passphrase = os\.environ\.get\("PRIVATE_KEY_PASSPHRASE"\) or getpass\(/m);
      assert.match(code ?? '', /role="FINANCE"/);
      const own = await vscode.commands.executeCommand<string>('positSnowflake.copyPythonCode', 'workbench');
      assert.equal(
        own,
        'import snowflake.connector\n\nconn = snowflake.connector.connect(connection_name="workbench")\n',
      );
    } finally {
      await choosingInQuickPicks(['ANALYST'], () =>
        vscode.commands.executeCommand('positSnowflake.switchRole', 'encrypted_key'),
      );
    }
  });

  it("an expired token Workbench did not replace: the row shows it, with Test Connection's explanation", async () => {
    await columnsOfOrders();
    await control('/__emulator/tokens/expire', { masters: true });
    try {
      const root = await treePath('workbench');
      await vscode.commands.executeCommand('positSnowflake.refresh', root);
      const [row] = await children(await treePath('workbench'));
      const text = labelOf(await item(row!));
      assert.match(
        text,
        /Posit Workbench token of connection 'workbench' has expired and Workbench has not written a new one/,
      );
      assert.doesNotMatch(text, /terminated connection/i);
      assert.match(String((await item(await treePath('workbench'))).description), /token expired \(390318\)$/);
    } finally {
      await control('/__emulator/workbench/rotate');
      await vscode.commands.executeCommand('positSnowflake.refresh');
    }
    assert.ok((await columnsOfOrders()).includes('ORDER_ID'), 'browsing again once Workbench wrote a new token');
  });
});
