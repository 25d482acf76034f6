// The Connections tree without the editor: real sessions over a fake driver that runs the emulator's SQL in-process.
import assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import type { QueryResult } from '../../../src/core/snowflake/sqlDriver';
import type { ConnectionsNode, ErrorNode, LoadMoreNode } from '../../../src/core/tree/connectionNodes';
import { ConnectionsTreeModel } from '../../../src/core/tree/connectionsTreeModel';
import { loadedCatalog } from '../../../src/core/tree/loadedCatalog';
import { executeSql } from '../../emulator/sql';
import { EmulatorState } from '../../emulator/state';
import { FakeAuth, FakeDriver, driverError, profile } from './fakeSql';

interface Harness {
  model: ConnectionsTreeModel;
  driver: FakeDriver;
  sessions: SqlSessionManager;
  sql: string[];
  changes: (ConnectionsNode | undefined)[];
  /** Makes the next statements matching the pattern fail (once each) or hang. */
  failNext: { pattern: RegExp; times: number }[];
  hang: RegExp[];
  profiles: ConnectionProfile[];
  signedIn: boolean;
  /** What signInStatus answers when set (else only isSignedIn is given, as before). */
  status?: 'signedIn' | 'expired' | 'signedOut';
  auth: FakeAuth;
}

function harness(profiles: ConnectionProfile[] = [profile({ name: 'dev', warehouse: 'DEMO_WH' })]): Harness {
  const state = new EmulatorState();
  const h = {
    sql: [] as string[],
    changes: [] as (ConnectionsNode | undefined)[],
    failNext: [],
    hang: [],
    profiles,
    signedIn: false,
  } as unknown as Harness;
  const sessions = new WeakMap<object, ReturnType<EmulatorState['openSession']>>();
  h.driver = new FakeDriver((sql, conn) => {
    h.sql.push(sql);
    const f = h.failNext.find((x) => x.pattern.test(sql) && x.times > 0);
    if (f) {
      f.times--;
      throw Object.assign(driverError('401002', 'Request to Snowflake failed.'), { response: { status: 503 } });
    }
    if (h.hang.some((re) => re.test(sql))) return new Promise<QueryResult>(() => undefined);
    let s = sessions.get(conn);
    if (!s) {
      s = state.openSession('DEMO_USER', conn.options.role ?? 'ANALYST', 'test', { warehouse: conn.options.warehouse });
      sessions.set(conn, s);
    }
    const r = executeSql(state, s, sql);
    conn.role = s.role;
    return {
      columns: r.columns.map((c) => ({ name: c.name, type: c.t.type, nullable: c.nullable ?? true })),
      rows: r.rows,
    };
  });
  h.auth = new FakeAuth();
  h.sessions = new SqlSessionManager({ auth: h.auth, driver: h.driver, logger: new MemoryLogger() });
  h.model = new ConnectionsTreeModel({
    connections: async () => h.profiles,
    sessions: h.sessions,
    isSignedIn: async () => h.signedIn,
    signInStatus: async () => h.status ?? (h.signedIn ? 'signedIn' : 'signedOut'),
    logger: new MemoryLogger(),
  });
  h.model.onDidChange((n) => h.changes.push(n));
  return h;
}

async function child(h: Harness, parent: ConnectionsNode | undefined, label: string): Promise<ConnectionsNode> {
  const kids = await h.model.children(parent);
  const found = kids.find(
    (k) =>
      ('database' in k && k.kind === 'database'
        ? k.database
        : 'schema' in k && k.kind === 'schema'
          ? k.schema
          : 'name' in k
            ? k.name
            : k.kind === 'folder'
              ? `${k.objectKind}s`
              : k.connectionName) === label,
  );
  assert.ok(found, `${label} among ${kids.map((k) => k.id).join(', ')}`);
  return found;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('ConnectionsTreeModel', () => {
  it('puts a Workbench-managed connection first', async () => {
    const h = harness([profile({ name: 'b' }), profile({ name: 'wb', source: 'workbench' }), profile({ name: 'a' })]);
    assert.deepEqual(
      (await h.model.children()).map((n) => n.connectionName),
      ['wb', 'b', 'a'],
    );
    assert.equal(h.driver.connections.length, 0, 'listing connections needs no SQL session');
  });

  it('expands a connection down to columns with counts', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    const dbs = await h.model.children(conn);
    assert.deepEqual(
      dbs.map((d) => d.kind === 'database' && d.database),
      ['BIG_DB', 'SALES_DB'],
    );
    const sales = await child(h, conn, 'SALES_DB');
    const publicSchema = await child(h, sales, 'PUBLIC');
    assert.equal(h.model.countText(sales), '2 schemas');
    const folders = await h.model.children(publicSchema);
    assert.deepEqual(
      folders.map((f) => f.kind === 'folder' && f.objectKind),
      ['table', 'view'],
    );
    assert.equal(h.model.countText(publicSchema), '3 tables · 1 view');
    assert.equal(h.model.countText(folders[0]!), '3');
    const orders = await child(h, folders[0], 'ORDERS');
    const cols = await h.model.children(orders);
    const first = cols[0]!;
    assert.ok(first.kind === 'column');
    assert.deepEqual([first.name, first.info.type, first.info.nullable], ['ORDER_ID', 'NUMBER(38,0)', false]);
    assert.ok(cols.some((c) => c.kind === 'column' && c.name === 'CHANNEL' && c.info.nullable));
  });

  it('remembers the database and schema last selected or expanded, per connection, for the chat', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    const sales = await child(h, conn, 'SALES_DB');
    assert.equal(h.model.focus('dev'), undefined, 'listing is not looking');
    h.model.noteFocus(sales);
    assert.deepEqual(h.model.focus('dev'), { database: 'SALES_DB' });
    const publicSchema = await child(h, sales, 'PUBLIC');
    const [tables] = await h.model.children(publicSchema);
    h.model.noteFocus(tables!);
    assert.deepEqual(h.model.focus('dev'), { database: 'SALES_DB', schema: 'PUBLIC' });
    h.model.noteFocus(conn);
    assert.deepEqual(h.model.focus('dev'), { database: 'SALES_DB', schema: 'PUBLIC' }, 'a connection row says nothing');
    assert.equal(h.model.focus('other'), undefined);
  });

  it('caches children per node: expanding again runs no SQL', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    await h.model.children(conn);
    const before = h.sql.length;
    await h.model.children(conn);
    await h.model.children(conn);
    assert.equal(h.sql.length, before);
  });

  it('"Load more" pages through 20,000 tables until each was shown once', async () => {
    const h = harness();
    const big = await child(h, await child(h, undefined, 'dev'), 'BIG_DB');
    const tables = await child(h, await child(h, big, 'MANY_TABLES'), 'tables');
    let kids = await h.model.children(tables);
    assert.equal(kids.length, 501);
    assert.equal(kids[500]!.kind, 'loadMore');
    assert.equal(h.model.countText(tables), '500+');
    let clicks = 0;
    while (kids[kids.length - 1]!.kind === 'loadMore') {
      await h.model.loadMore(kids[kids.length - 1] as LoadMoreNode);
      kids = await h.model.children(tables);
      clicks++;
    }
    assert.equal(clicks, 39);
    assert.equal(kids.length, 20_000);
    assert.equal(new Set(kids.map((k) => k.id)).size, 20_000);
    assert.equal(h.model.countText(tables), '20000');
    assert.ok(h.changes.includes(tables), 'each page redraws the folder');
  });

  it('shows a failed load as an error node, never caches it, and Retry recovers', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    const sales = await child(h, conn, 'SALES_DB');
    h.failNext.push({ pattern: /^SHOW SCHEMAS/, times: 1 });
    const kids = await h.model.children(sales);
    assert.equal(kids.length, 1);
    const err = kids[0] as ErrorNode;
    assert.equal(err.kind, 'error');
    assert.equal(err.errorKind, 'server');
    assert.match(err.message, /Listing schemas in SALES_DB: Snowflake answered HTTP 503/);
    await h.model.retry(err);
    assert.ok(h.changes.includes(sales));
    assert.ok((await h.model.children(sales)).some((k) => k.kind === 'schema'));
  });

  it('a failed "Load more" keeps what was shown and retries that page', async () => {
    const h = harness();
    const big = await child(h, await child(h, undefined, 'dev'), 'BIG_DB');
    const tables = await child(h, await child(h, big, 'MANY_TABLES'), 'tables');
    const first = await h.model.children(tables);
    h.failNext.push({ pattern: /FROM 'T_00500'$/, times: 1 });
    await h.model.loadMore(first[500] as LoadMoreNode);
    const after = await h.model.children(tables);
    assert.equal(after.length, 501);
    const err = after[500] as ErrorNode;
    assert.equal(err.kind, 'error');
    assert.equal(err.duringLoadMore, true);
    await h.model.retry(err);
    const recovered = await h.model.children(tables);
    assert.equal(recovered.length, 1001);
    assert.equal(recovered[500]!.kind === 'table' && recovered[500]!.name, 'T_00501');
  });

  it('never throws: a failure to list connections becomes an error node', async () => {
    const h = harness();
    h.model = new ConnectionsTreeModel({
      connections: async () => {
        throw new Error('connections.toml: invalid TOML at line 3');
      },
      sessions: h.sessions,
      logger: new MemoryLogger(),
    });
    const roots = await h.model.children();
    assert.equal(roots[0]!.kind, 'error');
  });

  it('refresh cancels loads in flight and forgets the subtree', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    const sales = await child(h, conn, 'SALES_DB');
    h.hang.push(/^SHOW SCHEMAS/);
    const pending = h.model.children(sales);
    await settle();
    h.model.refresh(conn);
    assert.deepEqual(await pending, [], 'the cancelled load shows nothing; the view asks again');
    assert.equal(h.driver.connections[0]!.cancelled, 1, 'the statement was cancelled');
    h.hang.length = 0;
    const before = h.sql.length;
    await h.model.children(conn);
    assert.equal(h.sql.length, before + 1, 'databases are listed again after the refresh');
  });

  it('offers "Sign in" for an OAuth sign-in connection without a sign-in, and runs no SQL', async () => {
    const h = harness([profile({ name: 'oauth', authenticator: 'OAUTH_AUTHORIZATION_CODE' })]);
    const conn = await child(h, undefined, 'oauth');
    const kids = await h.model.children(conn);
    assert.deepEqual(
      kids.map((k) => k.kind),
      ['signIn'],
    );
    assert.equal(kids[0]!.connectionName, 'oauth');
    assert.equal(h.driver.connections.length, 0);
    h.signedIn = true;
    assert.equal((await h.model.children(conn))[0]!.kind, 'database');
  });

  it('decides "Sign in" from why the login was refused, not from the fix button it carries', async () => {
    const h = harness([profile({ name: 'oauth', authenticator: 'OAUTH_AUTHORIZATION_CODE' })]);
    h.signedIn = true;
    const signInButton = { text: "Run 'Snowflake: Sign In'.", command: 'positSnowflake.signIn' };
    h.auth.failWith = new SnowflakeExtError('auth', 'The saved sign-in was revoked.', signInButton, 'invalid_grant', {
      refusal: 'sign-in-needed',
    });
    const conn = await child(h, undefined, 'oauth');
    assert.deepEqual(
      (await h.model.children(conn)).map((k) => k.kind),
      ['signIn'],
    );
    h.auth.failWith = new SnowflakeExtError('server', 'The token endpoint failed.', signInButton);
    h.model.refresh(conn);
    assert.deepEqual(
      (await h.model.children(conn)).map((k) => k.kind),
      ['error'],
      'a server failure is shown as an error with its retry, whatever button it offers',
    );
  });

  it('an expired sign-in (Snowflake refused it) is "Sign in again", on the row before it is expanded and on its child', async () => {
    const h = harness([profile({ name: 'oauth', authenticator: 'OAUTH_AUTHORIZATION_CODE' })]);
    h.status = 'expired';
    const conn = await child(h, undefined, 'oauth');
    assert.equal(h.model.signInExpired('oauth'), true, 'known from the roots alone');
    const kids = await h.model.children(conn);
    assert.deepEqual(
      kids.map((k) => [k.kind, (k as { expired?: boolean }).expired]),
      [['signIn', true]],
    );
    assert.equal(h.driver.connections.length, 0, 'no login is tried with a sign-in known to be refused');

    // Refused while browsing: the login's error says so, and the row learns it then.
    h.status = 'signedIn';
    await h.model.children(undefined);
    assert.equal(h.model.signInExpired('oauth'), false);
    h.auth.failWith = new SnowflakeExtError('auth', 'The sign-in has expired.', undefined, 'signInExpired', {
      refusal: 'sign-in-needed',
    });
    h.model.refresh(conn);
    const changesBefore = h.changes.length;
    assert.deepEqual(
      (await h.model.children(conn)).map((k) => [k.kind, (k as { expired?: boolean }).expired]),
      [['signIn', true]],
    );
    assert.equal(h.model.signInExpired('oauth'), true);
    assert.ok(h.changes.length > changesBefore, 'the row is redrawn to say so');
  });

  it('a rotated Workbench token reloads nothing; a changed connection reloads its subtree', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    await h.model.children(conn);
    const before = h.sql.length;
    await h.model.onAuthChange({ reason: 'workbenchToken', connections: ['dev'] });
    await h.model.children(conn);
    assert.equal(h.sql.length, before);
    h.profiles = [profile({ name: 'dev', warehouse: 'DEMO_WH', role: 'FINANCE' })];
    await h.model.onAuthChange({ reason: 'files' });
    assert.equal(h.changes[h.changes.length - 1], undefined, 'the whole tree redraws');
    const conn2 = await child(h, undefined, 'dev');
    const dbs = await h.model.children(conn2);
    assert.deepEqual(
      dbs.map((d) => d.kind === 'database' && d.database),
      ['FINANCE_DB'],
    );
  });

  it('switching role (USE ROLE + refresh) changes which databases appear', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    assert.deepEqual(
      (await h.model.children(conn)).map((d) => d.kind === 'database' && d.database),
      ['BIG_DB', 'SALES_DB'],
    );
    await h.sessions.useRole(h.model.profile('dev')!, 'FINANCE');
    h.model.refresh(conn);
    assert.deepEqual(
      (await h.model.children(conn)).map((d) => d.kind === 'database' && d.database),
      ['FINANCE_DB'],
    );
  });

  it('redraws a connection when its session state changes', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    await h.model.children(conn);
    assert.ok(h.changes.includes(conn));
    assert.equal(h.sessions.state('dev').status, 'connected');
  });

  it('filters a folder server-side with SHOW ... LIKE, keeps the filter across a refresh, and clears it', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    const schema = await child(h, await child(h, conn, 'SALES_DB'), 'PUBLIC');
    const tables = await child(h, schema, 'tables');
    assert.ok(tables.kind === 'folder');
    h.model.setFilter(tables, 'ord%');
    const kids = await h.model.children(tables);
    assert.deepEqual(
      kids.map((k) => k.kind === 'table' && k.name),
      ['ORDERS'],
    );
    assert.ok(h.sql.includes('SHOW TABLES LIKE \'ord%\' IN SCHEMA "SALES_DB"."PUBLIC" LIMIT 501'), h.sql.join('\n'));
    assert.equal(h.model.filterOf(tables), 'ord%');
    assert.ok(h.changes.includes(tables), 'the view is told the folder changed');
    // Refreshing the schema lists its folders again, the filtered one with its filter.
    h.model.refresh(schema);
    await h.model.children(schema);
    assert.deepEqual(
      (await h.model.children(tables)).map((k) => k.kind === 'table' && k.name),
      ['ORDERS'],
    );
    h.model.setFilter(tables, 'nothing_like_it');
    assert.deepEqual(
      (await h.model.children(tables)).map((k) => k.kind === 'empty' && k.message),
      ["Nothing matches 'nothing_like_it'"],
    );
    h.model.setFilter(tables, undefined);
    assert.equal((await h.model.children(tables)).length, 3);
    assert.equal(h.model.filterOf(tables), undefined);
  });

  it('tells SQL help what it has loaded: names per path, whether a list is complete, and columns', async () => {
    const h = harness();
    const conn = await child(h, undefined, 'dev');
    const cat = loadedCatalog((id) => h.model.loadedChildren(id), 'dev');
    assert.equal(cat.names([]), undefined, 'nothing before the connection was expanded');
    await h.model.children(conn);
    assert.deepEqual(
      cat.names([])?.names.map((n) => n.name),
      ['BIG_DB', 'SALES_DB'],
    );
    const schema = await child(h, await child(h, conn, 'SALES_DB'), 'PUBLIC');
    await h.model.children(schema);
    const objects = cat.names(['SALES_DB', 'PUBLIC'])!;
    assert.equal(objects.complete, true);
    assert.ok(objects.names.some((n) => n.name === 'ORDERS' && n.kind === 'table'));
    assert.equal(cat.columns(['SALES_DB', 'PUBLIC', 'ORDERS']), undefined, 'columns only once the table was expanded');
    await h.model.children(await child(h, await child(h, schema, 'tables'), 'ORDERS'));
    assert.ok(cat.columns(['SALES_DB', 'PUBLIC', 'ORDERS'])?.some((c) => c.name === 'ORDER_ID'));
    const many = await child(h, await child(h, conn, 'BIG_DB'), 'MANY_TABLES');
    await h.model.children(many);
    assert.equal(cat.names(['BIG_DB', 'MANY_TABLES'])?.complete, false, 'a first page of 20,000 is not the whole list');
  });
});
