import assert from 'node:assert/strict';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import { FakeAuth, FakeDriver, driverError, profile } from './fakeSql';

function setup(handler?: ConstructorParameters<typeof FakeDriver>[0]) {
  const auth = new FakeAuth();
  const driver = new FakeDriver(handler);
  const logger = new MemoryLogger();
  const sessions = new SqlSessionManager({ auth, driver, logger });
  return { auth, driver, logger, sessions };
}

describe('SqlSessionManager', () => {
  it('logs in on first use and reuses the session afterwards', async () => {
    const { auth, driver, sessions } = setup();
    const p = profile({ role: 'ANALYST', warehouse: 'DEMO_WH' });
    assert.equal(sessions.state('dev').status, 'notConnected');
    await sessions.query(p, 'SHOW DATABASES');
    await sessions.query(p, 'SHOW ROLES');
    assert.equal(driver.connections.length, 1);
    assert.equal(auth.minted, 1);
    assert.deepEqual(driver.connections[0]!.executed, ['SHOW DATABASES', 'SHOW ROLES']);
    const o = driver.connections[0]!.options;
    assert.equal(o.account, 'myorg-acct');
    assert.equal(o.accessUrl, 'http://127.0.0.1:1');
    assert.equal(o.role, 'ANALYST');
    assert.equal(auth.requests[0]!.silent, true, 'tree loads never prompt');
    assert.deepEqual(sessions.state('dev'), {
      status: 'connected',
      user: 'ALICE',
      role: 'ANALYST',
      warehouse: 'DEMO_WH',
    });
  });

  it('concurrent first queries share one login', async () => {
    const { driver, sessions } = setup();
    driver.loginDelayMs = 20;
    await Promise.all([sessions.query(profile(), 'A'), sessions.query(profile(), 'B'), sessions.query(profile(), 'C')]);
    assert.equal(driver.connections.length, 1);
  });

  for (const [code, what] of [
    ['390318', 'OAuth token expired (Workbench rotated it)'],
    ['390114', 'master token expired'],
    ['407002', 'driver disconnected'],
  ] as const) {
    it(`logs in again once with a fresh credential when the ${what}`, async () => {
      const { auth, driver, sessions } = setup();
      const p = profile();
      await sessions.query(p, 'SHOW DATABASES');
      driver.connections[0]!.expired = driverError(code);
      const r = await sessions.query(p, 'SHOW SCHEMAS');
      assert.ok(r);
      assert.equal(driver.connections.length, 2);
      assert.equal(driver.connections[0]!.closed, true, 'the dead session is closed');
      assert.deepEqual(auth.invalidated, ['dev']);
      assert.equal(auth.requests[1]!.forceRefresh, true);
      assert.equal((driver.connections[1]!.options.credential as { token: string }).token, 'token-2');
      assert.equal(sessions.state('dev').status, 'connected');
    });
  }

  it('a login refused with an expired token is retried once with a fresh token', async () => {
    const { auth, driver, sessions } = setup();
    driver.loginFailures.push(driverError('390318', 'OAuth access token expired.'));
    await sessions.query(profile(), 'SHOW DATABASES');
    assert.equal(auth.minted, 2);
    assert.equal(auth.requests[1]!.forceRefresh, true);
    assert.equal(driver.connections.length, 1);
  });

  it('gives up after one fresh login and reports an auth error with a fix', async () => {
    const { driver, sessions } = setup();
    driver.loginFailures.push(driverError('390318'), driverError('390318'));
    await assert.rejects(
      sessions.query(profile(), 'SHOW DATABASES', { what: 'Listing databases' }),
      (e: SnowflakeExtError) => {
        assert.equal(e.kind, 'auth');
        assert.match(e.message, /^Listing databases: /);
        assert.ok(e.fix?.text);
        return true;
      },
    );
    const state = sessions.state('dev');
    assert.equal(state.status, 'error');
    // The next query tries again (errors are not cached).
    await sessions.query(profile(), 'SHOW DATABASES');
    assert.equal(sessions.state('dev').status, 'connected');
  });

  it('does not log in again for ordinary SQL errors', async () => {
    const { auth, sessions } = setup(() => {
      throw driverError('002003', "Schema 'X.Y' does not exist or not authorized.", '02000');
    });
    await assert.rejects(
      sessions.query(profile(), 'SHOW TABLES IN SCHEMA "X"."Y"'),
      (e: SnowflakeExtError) => e.kind === 'notFound',
    );
    assert.equal(auth.minted, 1);
    assert.equal(sessions.state('dev').status, 'connected', 'the session itself is fine');
  });

  it('asks Snowflake who the user is when the token names none (a Workbench-managed connection)', async () => {
    const { driver, sessions } = setup((sql) =>
      sql === 'SELECT CURRENT_USER()' ? { columns: [], rows: [['WB_USER']] } : { columns: [], rows: [] },
    );
    await sessions.query(profile({ user: undefined, role: 'ANALYST', warehouse: 'DEMO_WH' }), 'SHOW DATABASES');
    assert.deepEqual(driver.connections[0]!.executed, ['SELECT CURRENT_USER()', 'SHOW DATABASES']);
    assert.deepEqual(sessions.state('dev'), {
      status: 'connected',
      user: 'WB_USER',
      role: 'ANALYST',
      warehouse: 'DEMO_WH',
    });
  });

  it('still connects when CURRENT_USER() cannot be read, naming no user', async () => {
    const { sessions } = setup((sql) => {
      if (sql === 'SELECT CURRENT_USER()') throw new Error('no');
      return { columns: [], rows: [] };
    });
    await sessions.query(profile({ user: undefined }), 'SHOW DATABASES');
    const state = sessions.state('dev');
    assert.equal(state.status, 'connected');
    assert.equal(state.status === 'connected' ? state.user : 'n/a', undefined);
  });

  it('cancel() aborts loads in flight with CancelledError and cancels the statement; the session stays', async () => {
    const { driver, sessions } = setup(() => new Promise(() => undefined));
    const pending = sessions.query(profile(), 'SHOW TABLES');
    await new Promise((r) => setTimeout(r, 5));
    sessions.cancel('dev');
    await assert.rejects(pending, CancelledError);
    assert.equal(driver.connections[0]!.cancelled, 1);
    assert.equal(driver.connections[0]!.closed, false);
  });

  it("a caller's own AbortSignal cancels just its query", async () => {
    const { sessions } = setup(() => new Promise(() => undefined));
    const controller = new AbortController();
    const pending = sessions.query(profile(), 'SHOW TABLES', { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, CancelledError);
  });

  it('switches role and warehouse with USE and logs in with them next time', async () => {
    const { driver, sessions } = setup((sql, conn) => {
      const m = /^USE (ROLE|WAREHOUSE) "(.*)"$/.exec(sql);
      if (m?.[1] === 'ROLE') conn.role = m[2];
      if (m?.[1] === 'WAREHOUSE') conn.warehouse = m[2];
      return { columns: [], rows: [] };
    });
    const p = profile({ role: 'ANALYST' });
    const states: string[] = [];
    sessions.onDidChangeState(() => states.push(sessions.state('dev').status));
    await sessions.useRole(p, 'FINANCE');
    await sessions.useWarehouse(p, 'BIG_WH');
    assert.deepEqual(driver.connections[0]!.executed, ['USE ROLE "FINANCE"', 'USE WAREHOUSE "BIG_WH"']);
    assert.deepEqual(sessions.state('dev'), {
      status: 'connected',
      user: 'ALICE',
      role: 'FINANCE',
      warehouse: 'BIG_WH',
    });
    assert.ok(states.includes('connecting'));
    await sessions.reset('dev');
    await sessions.query(p, 'SHOW DATABASES');
    assert.equal(driver.connections[1]!.options.role, 'FINANCE');
    assert.equal(driver.connections[1]!.options.warehouse, 'BIG_WH');
  });

  it('restored preferences apply at the first login', async () => {
    const { driver, sessions } = setup();
    sessions.setPreferences('dev', { role: 'FINANCE' });
    await sessions.query(profile({ role: 'ANALYST' }), 'SHOW DATABASES');
    assert.equal(driver.connections[0]!.options.role, 'FINANCE');
  });

  it('a changed connection definition gets a new session', async () => {
    const { driver, sessions } = setup();
    await sessions.query(profile(), 'A');
    await sessions.query(profile({ user: 'BOB' }), 'B');
    assert.equal(driver.connections.length, 2);
    assert.equal(driver.connections[0]!.closed, true);
  });

  it('dispose closes every session', async () => {
    const { driver, sessions } = setup();
    await sessions.query(profile(), 'A');
    await sessions.query(profile({ name: 'other' }), 'A');
    sessions.dispose();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      driver.connections.map((c) => c.closed),
      [true, true],
    );
  });

  it('never logs the credential', async () => {
    const { logger, sessions } = setup();
    await sessions.query(profile(), 'SHOW DATABASES');
    assert.ok(!logger.lines.some((l) => l.includes('token-1')));
  });
});
