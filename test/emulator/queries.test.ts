// Query rules: role grants decide which databases exist, SHOW caps at 10,000 rows and pages with LIMIT n FROM,
// unknown SQL is a compilation error, and the session context (USE ...) behaves like Snowflake's.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from './index';
import { rowsOf, sessionToken, sql } from './testClient';

describe('emulator: queries', function () {
  let emu: Emulator;
  let token: string;
  const run = (text: string) => sql(emu, token, text);
  const names = async (text: string): Promise<string[]> => rowsOf(await run(text)).map((r) => r.name!);

  before(async () => {
    emu = await startEmulator();
    token = (await sessionToken(emu)).token;
  });
  after(() => emu.close());

  it('role grants filter databases, and USE ROLE switches what is visible', async () => {
    assert.deepEqual(await names('SHOW DATABASES'), ['BIG_DB', 'SALES_DB']);
    await run('USE ROLE FINANCE');
    assert.deepEqual(await names('SHOW DATABASES'), ['FINANCE_DB']);
    const denied = await run('SHOW TABLES IN SCHEMA SALES_DB.PUBLIC');
    assert.equal(denied.json.code, '002043');
    assert.match(denied.json.message, /Database 'SALES_DB' does not exist or not authorized/);
    const notGranted = await run('USE ROLE ACCOUNTADMIN');
    assert.equal(notGranted.json.success, false);
    assert.match(notGranted.json.message, /Requested role 'ACCOUNTADMIN' is not assigned to the executing user/);
    await run('USE ROLE ANALYST');
  });

  it('SHOW pages with LIMIT n FROM: every name exactly once across pages, in order', async () => {
    const seen: string[] = [];
    let from: string | undefined;
    for (let page = 0; page < 10; page++) {
      const batch = await names(
        `SHOW TABLES IN SCHEMA "BIG_DB"."MANY_TABLES" LIMIT 3000${from ? ` FROM '${from}'` : ''}`,
      );
      seen.push(...batch);
      if (batch.length < 3000) break;
      from = batch[batch.length - 1];
    }
    assert.equal(seen.length, 20_000);
    assert.equal(new Set(seen).size, 20_000);
    assert.deepEqual(seen.slice(0, 2), ['T_00001', 'T_00002']);
    assert.equal(seen[seen.length - 1], 'T_20000');
  });

  it('SHOW returns at most 10,000 rows; STARTS WITH and LIKE filter', async () => {
    assert.equal((await names('SHOW TERSE TABLES IN BIG_DB.MANY_TABLES')).length, 10_000);
    assert.deepEqual(await names("SHOW TABLES STARTS WITH 'T_1999' IN SCHEMA BIG_DB.MANY_TABLES LIMIT 3"), [
      'T_19990',
      'T_19991',
      'T_19992',
    ]);
    assert.deepEqual(await names("SHOW TABLES LIKE '%cust%' IN SCHEMA SALES_DB.PUBLIC"), ['CUSTOMERS']);
    const tooMany = await run('SHOW TABLES IN SCHEMA BIG_DB.MANY_TABLES LIMIT 10001');
    assert.equal(tooMany.json.success, false);
  });

  it('unknown SQL is a SQL compilation error: HTTP 200, code 001003, sqlState 42000', async () => {
    const r = await run('DROP TABLE SALES_DB.PUBLIC.CUSTOMERS');
    assert.equal(r.status, 200);
    assert.equal(r.json.success, false);
    assert.equal(r.json.code, '001003');
    assert.equal(r.json.data.sqlState, '42000');
    assert.equal(r.json.message, "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'DROP'.");
    const typo = await run('SHOW TABLES IN SCHEMA SALES_DB.PUBLIC LIMT 5');
    assert.match(typo.json.message, /position 38 unexpected 'LIMT'/);
  });

  it('resolves quoted and unquoted names, and reports missing objects', async () => {
    assert.deepEqual(await names('SHOW SCHEMAS IN DATABASE sales_db'), ['INFORMATION_SCHEMA', 'PUBLIC']);
    const lower = await run('SHOW TABLES IN SCHEMA "sales_db"."public"');
    assert.match(lower.json.message, /Database 'sales_db' does not exist/);
    const missing = await run('DESCRIBE TABLE SALES_DB.PUBLIC.NOPE');
    assert.equal(missing.json.code, '002003');
    assert.match(missing.json.message, /Object 'SALES_DB.PUBLIC.NOPE' does not exist or not authorized/);
    const cols = rowsOf(await run('SHOW COLUMNS IN TABLE SALES_DB.PUBLIC.PRODUCTS')).map((r) => r.column_name);
    assert.deepEqual(cols, ['PRODUCT_ID', 'NAME', 'CATEGORY', 'PRICE', 'WEIGHT_KG', 'ATTRIBUTES']);
  });

  it('USE DATABASE/SCHEMA/WAREHOUSE set the context; SELECT from a table needs a warehouse', async () => {
    const noWh = (await sessionToken(emu, 'ADMIN_USER')).token;
    await sql(emu, noWh, 'USE DATABASE SALES_DB');
    const r = await sql(emu, noWh, 'SELECT * FROM CUSTOMERS LIMIT 1');
    // ADMIN_USER has a default warehouse; take it away to see the error.
    assert.equal(r.json.success, true);
    emu.state.user('ADMIN_USER')!.defaultWarehouse = undefined;
    const bare = (await sessionToken(emu, 'ADMIN_USER')).token;
    const err = await sql(emu, bare, 'SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS LIMIT 1');
    assert.equal(err.json.code, '000606');
    await sql(emu, bare, 'USE WAREHOUSE DEMO_WH');
    await sql(emu, bare, 'USE SCHEMA SALES_DB.PUBLIC');
    const rows = rowsOf(await sql(emu, bare, 'SELECT * FROM ORDERS LIMIT 2'));
    assert.equal(rows.length, 2);
    const ctx = rowsOf(await sql(emu, bare, 'select current_database(), current_schema(), current_warehouse()'));
    assert.deepEqual(ctx, [
      { 'CURRENT_DATABASE()': 'SALES_DB', 'CURRENT_SCHEMA()': 'PUBLIC', 'CURRENT_WAREHOUSE()': 'DEMO_WH' },
    ]);
    assert.equal((await sql(emu, bare, 'USE WAREHOUSE NOPE_WH')).json.success, false);
  });

  it('the result carries the session context and typed rowtype', async () => {
    const r = await run('SELECT * FROM SALES_DB.PUBLIC.ORDERS LIMIT 1');
    assert.equal(r.json.data.finalRoleName, 'ANALYST');
    assert.equal(r.json.data.finalWarehouseName, 'DEMO_WH');
    assert.deepEqual(
      r.json.data.rowtype.map((c: any) => c.type),
      ['fixed', 'fixed', 'fixed', 'fixed', 'timestamp_ntz', 'text', 'fixed', 'text'],
    );
    assert.equal(r.json.data.total, 1);
    assert.ok(r.json.data.rowset[0].every((v: unknown) => v === null || typeof v === 'string'));
  });

  it('SHOW ROLES and SHOW WAREHOUSES mark the current ones; DESCRIBE USER shows key fingerprints', async () => {
    const roles = rowsOf(await run('SHOW ROLES'));
    assert.deepEqual(
      roles.filter((r) => r.is_current === 'Y').map((r) => r.name),
      ['ANALYST'],
    );
    const whs = rowsOf(await run('SHOW WAREHOUSES'));
    assert.deepEqual(
      whs.map((w) => [w.name, w.is_current]),
      [
        ['BIG_WH', 'N'],
        ['DEMO_WH', 'Y'],
      ],
    );
    const props = rowsOf(await run('DESCRIBE USER DEMO_USER'));
    assert.ok(props.some((p) => p.property === 'RSA_PUBLIC_KEY_FP'));
  });

  it('records every SQL text it ran', async () => {
    await run('SHOW DATABASES');
    assert.equal(emu.queries.history[emu.queries.history.length - 1]!.sql, 'SHOW DATABASES');
  });
});
