// The Connections tree inside a real VS Code against the emulator: down to columns, "Load more" through 20,000
// tables, a 503 shown as an error node that Retry clears, role switching, preview, and expired tokens mid-browse.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { choosingInQuickPicks, testDoors } from './authSandbox';
import { labelOf, treeWalker, type Node, type Provider } from './treeWalker';

const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

const emulator = (): string => {
  const url = process.env.POSIT_SNOWFLAKE_EMULATOR;
  assert.ok(url, 'the runner passes POSIT_SNOWFLAKE_EMULATOR');
  return url;
};

async function control(method: 'POST' | 'DELETE' | 'GET', pathname: string, body?: unknown): Promise<any> {
  const res = await fetch(new URL(pathname, emulator()), {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${method} ${pathname} answered ${res.status}`);
  return res.json();
}

describe('Connections tree', function () {
  this.timeout(180_000);
  let provider: Provider;

  const { item, children, labels, child, path } = treeWalker(() => provider);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('positSnowflake.connections.focus');
    provider = (await testDoors()).tree as Provider;
    assert.ok(provider, 'the test host hands out the tree provider');
  });

  afterEach(async () => {
    await control('DELETE', '/__emulator/faults');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows one root per connection with its source, auth method, default mark and state', async () => {
    const roots = await children();
    const names = await labels();
    for (const n of ['keypair', 'pat', 'oauth_code']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    const keypair = roots[names.indexOf('keypair')]!;
    const desc = String((await item(keypair)).description);
    assert.match(desc, /^default · connections\.toml · key pair · /);
    assert.equal((await item(roots[names.indexOf('pat')]!)).description, 'connections.toml · PAT · not connected');
    // The context values the menus match on: how each connection logs in, so each offers its own fix.
    assert.equal((await item(keypair)).contextValue, 'connection.keypair.default');
    assert.equal((await item(roots[names.indexOf('pat')]!)).contextValue, 'connection.pat');
    assert.equal((await item(roots[names.indexOf('oauth_code')]!)).contextValue, 'connection.oauth');
    const workbench = roots.findIndex(
      (r) => (r as unknown as { profile: { source: string } }).profile.source === 'workbench',
    );
    assert.ok(workbench <= 0, 'a Workbench-managed connection comes first');
  });

  it('expands a connection down to columns, with types and nullability', async () => {
    const orders = await path('keypair', 'SALES_DB', 'PUBLIC', 'Tables', 'ORDERS');
    assert.equal((await item(orders)).description, '50 rows');
    const cols = await children(orders);
    const first = await item(cols[0]!);
    assert.deepEqual([labelOf(first), first.description], ['ORDER_ID', 'NUMBER(38,0) NOT NULL']);
    const channel = await item(await child(orders, 'CHANNEL'));
    assert.equal(channel.description, 'VARCHAR(16)');
    assert.equal(
      (await item(await path('keypair'))).description,
      'default · connections.toml · key pair · connected as DEMO_USER · ANALYST · DEMO_WH',
    );
    assert.equal((await item(await path('keypair', 'SALES_DB', 'PUBLIC'))).description, '3 tables · 1 view');
  });

  /** Waits for a folder's description to show its total (asked in the background). */
  async function totalShown(folder: Node, text: string): Promise<void> {
    let description = (await item(folder)).description;
    for (let i = 0; i < 100 && description !== text; i++) {
      await new Promise((r) => setTimeout(r, 100));
      description = (await item(folder)).description;
    }
    assert.equal(description, text);
  }

  it('"Load more" pages through the 20,000-table schema until every table was shown once', async () => {
    const tables = await path('keypair', 'BIG_DB', 'MANY_TABLES', 'Tables');
    let kids = await children(tables);
    assert.equal(kids.length, 501);
    // With the session's warehouse running, Snowflake's INFORMATION_SCHEMA gives the real total for the label.
    await totalShown(tables, '500 of 20,000');
    assert.equal((await item(await path('keypair', 'BIG_DB', 'MANY_TABLES'))).description, '20,000 tables');
    let clicks = 0;
    while (kids[kids.length - 1]!.kind === 'loadMore') {
      const more = await item(kids[kids.length - 1]!);
      assert.equal(labelOf(more), 'Load more…');
      await vscode.commands.executeCommand(more.command!.command, ...(more.command!.arguments ?? []));
      kids = await children(tables);
      clicks++;
    }
    const names = new Set<string>();
    for (const k of kids) names.add(labelOf(await item(k)));
    assert.equal(clicks, 39);
    assert.equal(kids.length, 20_000);
    assert.equal(names.size, 20_000);
    assert.ok(names.has('T_00001') && names.has('T_20000'));
    assert.equal((await item(tables)).description, '20000');
  });

  it('shows an injected 503 as an error node, and Retry recovers', async () => {
    const sales = await path('keypair', 'SALES_DB');
    await vscode.commands.executeCommand('positSnowflake.refresh', sales);
    // The driver sends a statement twice with two quick retries each: six 503s in a row make the load fail.
    await control('POST', '/__emulator/faults', { route: 'POST /queries/v1/query-request', status: 503, times: 6 });
    const failed = await children(sales);
    assert.equal(failed.length, 1);
    const err = await item(failed[0]!);
    assert.equal(failed[0]!.kind, 'error');
    assert.match(labelOf(err), /^Listing schemas in SALES_DB: Snowflake answered HTTP 503/);
    assert.equal(err.command?.command, 'positSnowflake.retry');
    await vscode.commands.executeCommand(err.command.command, ...(err.command.arguments ?? []));
    assert.ok((await labels(sales)).includes('PUBLIC'), 'Retry loads the schemas');
  });

  it('switching role changes which databases appear', async () => {
    const root = await path('keypair');
    assert.deepEqual(await labels(root), ['BIG_DB', 'SALES_DB']);
    try {
      const { result, offered } = await choosingInQuickPicks(['FINANCE'], () =>
        vscode.commands.executeCommand('positSnowflake.switchRole', root),
      );
      assert.equal(result, 'FINANCE');
      assert.ok(offered[0]?.includes('ANALYST (current)'), `the roles offered mark the current one: ${offered[0]}`);
      assert.ok(offered[0]?.includes('FINANCE'));
      assert.deepEqual(await labels(await path('keypair')), ['FINANCE_DB']);
      assert.match(
        String((await item(await path('keypair'))).description),
        /connected as DEMO_USER · FINANCE · DEMO_WH$/,
      );
    } finally {
      await choosingInQuickPicks(['ANALYST'], () =>
        vscode.commands.executeCommand('positSnowflake.switchRole', 'keypair'),
      );
    }
    assert.deepEqual(await labels(await path('keypair')), ['BIG_DB', 'SALES_DB']);
  });

  it('Preview shows the demo rows with column types in a read-only view', async () => {
    const orders = await path('keypair', 'SALES_DB', 'PUBLIC', 'Tables', 'ORDERS');
    const shown = await vscode.commands.executeCommand<{ title: string; columns: number; rows: number }>(
      'positSnowflake.previewTable',
      orders,
    );
    assert.deepEqual(shown, { title: 'Preview: SALES_DB.PUBLIC.ORDERS', columns: 8, rows: 50 });
    const previewTab = (): vscode.Tab | undefined =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Preview: SALES_DB.PUBLIC.ORDERS');
    for (let i = 0; i < 50 && !previewTab(); i++) await new Promise((r) => setTimeout(r, 100));
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .map((t) => `${t.label} (${t.input?.constructor?.name})`);
    assert.ok(previewTab(), `a preview tab is open; tabs: ${tabs.join(', ')}`);
    assert.ok(previewTab()!.input instanceof vscode.TabInputWebview, 'the preview is a read-only webview');
  });

  it('copies qualified names and connection code', async () => {
    const orders = await path('keypair', 'SALES_DB', 'PUBLIC', 'Tables', 'ORDERS');
    assert.equal(
      await vscode.commands.executeCommand('positSnowflake.copyQualifiedName', orders),
      'SALES_DB.PUBLIC.ORDERS',
    );
    assert.equal(await vscode.env.clipboard.readText(), 'SALES_DB.PUBLIC.ORDERS');
    const code = await vscode.commands.executeCommand<string>('positSnowflake.copyPythonCode', await path('keypair'));
    assert.match(code ?? '', /snowflake\.connector\.connect\(connection_name="keypair"\)/);
  });

  it('keeps browsing after every session and token expired mid-browse (as when Workbench rotates its token)', async () => {
    const roots = await children();
    const wb = roots.find((r) => (r as unknown as { profile: { source: string } }).profile.source === 'workbench');
    const name = wb ? wb.connectionName : 'keypair';
    await labels(await path(name, 'SALES_DB'));
    const since = Date.now();
    await control('POST', '/__emulator/tokens/expire', { masters: true });
    if (wb) await control('POST', '/__emulator/workbench/rotate');
    const sales = await path(name, 'SALES_DB');
    await vscode.commands.executeCommand('positSnowflake.refresh', sales);
    assert.ok((await labels(sales)).includes('PUBLIC'), 'the schemas load without an error');
    const log = (await control('GET', `/__emulator/requests?since=${since}`)) as { path: string }[];
    assert.ok(
      log.some((e) => e.path === '/session/v1/login-request'),
      'it logged in again with a fresh credential',
    );
    assert.match(String((await item(await path(name))).description), /connected as /);
  });

  it('offers "Sign in" for an OAuth sign-in connection that has none', async () => {
    const kids = await children(await path('oauth_code'));
    assert.equal(kids.length, 1);
    const signIn = await item(kids[0]!);
    assert.equal(kids[0]!.kind, 'signIn');
    assert.deepEqual([signIn.command?.command, signIn.command?.arguments], ['positSnowflake.signIn', ['oauth_code']]);
  });

  it('Filter… lists a folder server-side, the label says so, Clear Filter lists all again; Find Table reveals a row not loaded', async () => {
    const tables = await path('keypair', 'BIG_DB', 'MANY_TABLES', 'Tables');
    await children(tables);
    assert.equal(await vscode.commands.executeCommand('positSnowflake.filterFolder', tables, 't_0001_'), 't_0001_');
    // LIKE is case-insensitive and _ is one character: T_00010 … T_00019.
    assert.deepEqual(
      await labels(tables),
      Array.from({ length: 10 }, (_, i) => `T_0001${i}`),
    );
    const filtered = await item(tables);
    assert.equal(labelOf(filtered), "Tables like 't_0001_'");
    assert.equal(filtered.contextValue, 'folder.filtered');
    assert.equal(filtered.description, '10');
    await vscode.commands.executeCommand('positSnowflake.filterFolder', tables, 'NO_SUCH%');
    assert.deepEqual(await labels(tables), ["Nothing matches 'NO_SUCH%'"]);
    await vscode.commands.executeCommand('positSnowflake.clearFilter', tables);
    assert.equal((await children(tables)).length, 501);
    assert.equal(labelOf(await item(tables)), 'Tables');
    // Unfiltered again, the total comes back (and its queries are done before the next step).
    await totalShown(tables, '500 of 20,000');

    // T_19999 is far past the first page: Find Table filters the folder to it and selects it in the view.
    const id = await vscode.commands.executeCommand<string>('positSnowflake.findTable', tables, 'T_19999');
    assert.ok(id?.endsWith('/obj:T_19999'), String(id));
    assert.deepEqual(await labels(tables), ['T_19999']);
    await vscode.commands.executeCommand('positSnowflake.clearFilter', tables);
    // Revealing opened the view, which now loads what it shows: close it for whatever runs next.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
  });
});
