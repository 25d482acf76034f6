// A Posit Workbench session in the real editor (the runner's second pass): SNOWFLAKE_HOME is Workbench's directory
// whose token the emulator rotates, and the user's own connections sit in ~/.snowflake. Tagged @workbench.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PositSnowflakeApi } from '../../../src/api';
import { control, testDoors } from './authSandbox';
import { labelOf, treeWalker, type Provider } from './treeWalker';

const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

describe('Posit Workbench session @workbench', function () {
  this.timeout(120_000);
  let api: PositSnowflakeApi;
  let provider: Provider;
  const workbenchFile = path.join(process.env.SNOWFLAKE_HOME ?? '', 'connections.toml');

  const { children, labels, path: treePath } = treeWalker(() => provider);
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

  it('Add Connection writes to ~/.snowflake, never into the directory Workbench rewrites', async () => {
    const managedBefore = fs.readFileSync(workbenchFile, 'utf8');
    const own = path.join(os.homedir(), '.snowflake', 'connections.toml');
    const ownBefore = fs.readFileSync(own, 'utf8');
    await vscode.commands.executeCommand('positSnowflake.addConnection', {
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
});
