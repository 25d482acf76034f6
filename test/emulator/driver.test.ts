// The official snowflake-sdk is the judge: it must log in to the emulator with a key pair, an OAuth token and a PAT,
// run the catalog queries and a SELECT, renew an expired session, and see Snowflake's error codes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { connect, destroy, failure, query, removeDriverLog } from './driverHarness';
import { startEmulator, type Emulator } from './index';

describe('emulator: the official snowflake-sdk connects and queries', function () {
  let emu: Emulator;
  let privateKey: string;
  const base = (): Record<string, unknown> => ({
    account: emu.state.account,
    accessUrl: emu.snowflakeUrl,
    username: 'DEMO_USER',
  });

  before(async () => {
    emu = await startEmulator();
    const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    emu.state.addPublicKey('DEMO_USER', kp.publicKey);
  });
  after(async () => {
    await emu.close();
    removeDriverLog();
  });

  it('key pair: browses the catalog and selects rows with typed values', async () => {
    const conn = await connect({ ...base(), authenticator: 'SNOWFLAKE_JWT', privateKey, warehouse: 'DEMO_WH' });
    const who = await query(conn, 'SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE()');
    assert.deepEqual(who, [
      { 'CURRENT_USER()': 'DEMO_USER', 'CURRENT_ROLE()': 'ANALYST', 'CURRENT_WAREHOUSE()': 'DEMO_WH' },
    ]);
    const dbs = await query(conn, 'SHOW DATABASES');
    assert.deepEqual(
      dbs.map((r) => r.name),
      ['BIG_DB', 'SALES_DB'],
    );
    const schemas = await query(conn, 'SHOW SCHEMAS IN DATABASE "SALES_DB"');
    assert.deepEqual(
      schemas.map((r) => r.name),
      ['INFORMATION_SCHEMA', 'PUBLIC'],
    );
    const tables = await query(conn, 'SHOW TABLES IN SCHEMA "SALES_DB"."PUBLIC"');
    assert.deepEqual(
      tables.map((r) => r.name),
      ['CUSTOMERS', 'ORDERS', 'PRODUCTS'],
    );
    assert.equal(tables[0]!.rows, 40);
    const views = await query(conn, 'SHOW VIEWS IN SCHEMA sales_db.public');
    assert.deepEqual(
      views.map((r) => r.name),
      ['ORDER_SUMMARY'],
    );
    const cols = await query(conn, 'SHOW COLUMNS IN TABLE "SALES_DB"."PUBLIC"."CUSTOMERS"');
    assert.equal(cols.length, 7);
    assert.deepEqual(JSON.parse(String(cols[0]!.data_type)), {
      type: 'FIXED',
      precision: 38,
      scale: 0,
      nullable: false,
    });
    const desc = await query(conn, 'DESCRIBE TABLE SALES_DB.PUBLIC.ORDERS');
    assert.deepEqual(desc.map((r) => r.type).slice(0, 5), [
      'NUMBER(38,0)',
      'NUMBER(38,0)',
      'NUMBER(38,0)',
      'NUMBER(38,0)',
      'TIMESTAMP_NTZ(9)',
    ]);
    const rows = await query(conn, 'SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS LIMIT 5');
    assert.equal(rows.length, 5);
    assert.equal(rows[0]!.CUSTOMER_ID, 1);
    assert.equal(typeof rows[0]!.LIFETIME_VALUE, 'number');
    assert.equal(typeof rows[0]!.IS_ACTIVE, 'boolean');
    assert.ok(rows[0]!.SIGNUP_DATE instanceof Date);
    await destroy(conn);
  });

  it('OAuth token: the session takes the role in the token', async () => {
    const token = emu.state.issueOAuthAccessToken('DEMO_USER', 'FINANCE', 600);
    const conn = await connect({ ...base(), authenticator: 'OAUTH', token });
    assert.deepEqual(
      (await query(conn, 'SHOW DATABASES')).map((r) => r.name),
      ['FINANCE_DB'],
    );
    const rows = await query(conn, 'USE WAREHOUSE DEMO_WH');
    assert.equal(rows[0]!.status, 'Statement executed successfully.');
    assert.equal((await query(conn, 'SELECT * FROM FINANCE_DB.REPORTING.LEDGER LIMIT 3')).length, 3);
    await destroy(conn);
  });

  it('PAT: connects and runs the catalog queries', async () => {
    const token = emu.state.addPat('DEMO_USER');
    const conn = await connect({ ...base(), authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token });
    const tables = await query(conn, 'SHOW TABLES IN SCHEMA "BIG_DB"."MANY_TABLES" LIMIT 3 FROM \'T_09998\'');
    assert.deepEqual(
      tables.map((r) => r.name),
      ['T_09999', 'T_10000', 'T_10001'],
    );
    await destroy(conn);
  });

  it("OAuth authorization code (LOCAL_APPLICATION, PKCE) through the driver's own loopback flow", async () => {
    emu.state.autoApprove = true;
    // The "browser": follow the authorize redirect to the driver's loopback listener.
    const browser = async (url: string): Promise<void> => {
      const r = await fetch(url, { redirect: 'manual' });
      await fetch(r.headers.get('location')!);
    };
    const conn = await connect({
      ...base(),
      authenticator: 'OAUTH_AUTHORIZATION_CODE',
      oauthClientId: 'LOCAL_APPLICATION',
      oauthClientSecret: 'LOCAL_APPLICATION',
      oauthHttpAllowed: true,
      role: 'FINANCE',
      openExternalBrowserCallback: (url: string) => void browser(url),
    });
    assert.deepEqual(await query(conn, 'SELECT CURRENT_ROLE()'), [{ 'CURRENT_ROLE()': 'FINANCE' }]);
    await destroy(conn);
  });

  it('an encrypted key with its passphrase logs in', async () => {
    const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const user = emu.state.addUser('ENC_USER', { roles: ['ANALYST'] });
    emu.state.addPublicKey(user.name, kp.publicKey);
    const pem = kp.privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' })
      .toString();
    const conn = await connect({
      ...base(),
      username: 'enc_user',
      authenticator: 'SNOWFLAKE_JWT',
      privateKey: pem,
      privateKeyPass: 'correct horse',
    });
    assert.deepEqual(await query(conn, 'SELECT CURRENT_USER()'), [{ 'CURRENT_USER()': 'ENC_USER' }]);
    await destroy(conn);
  });

  it('an expired session token is renewed by the driver with the master token', async () => {
    const conn = await connect({ ...base(), authenticator: 'SNOWFLAKE_JWT', privateKey });
    emu.state.expireAllTokens();
    assert.equal((await query(conn, 'SHOW DATABASES')).length, 2);
    assert.ok(emu.servers.snowflake.log.some((e) => e.path === '/session/token-request' && e.status === 200));
    await destroy(conn);
  });

  it('rejections arrive with the real codes', async () => {
    const other = crypto
      .generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    assert.equal(
      (await failure(connect({ ...base(), authenticator: 'SNOWFLAKE_JWT', privateKey: other }))).code,
      '394304',
    );
    const expired = emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', -10);
    assert.equal((await failure(connect({ ...base(), authenticator: 'OAUTH', token: expired }))).code, '390318');
    assert.equal(
      (await failure(connect({ ...base(), authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: 'pat_nope' }))).code,
      '394400',
    );
    const conn = await connect({ ...base(), authenticator: 'SNOWFLAKE_JWT', privateKey });
    const bad = await failure(query(conn, 'SELEC 1'));
    assert.equal(bad.code, '001003');
    assert.equal(bad.sqlState, '42000');
    assert.match(bad.message, /SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'/);
    const hidden = await failure(query(conn, 'SHOW SCHEMAS IN DATABASE FINANCE_DB'));
    assert.match(hidden.message, /Database 'FINANCE_DB' does not exist or not authorized/);
    await destroy(conn);
  });

  it('a long query can be cancelled through abort-request', async () => {
    const conn = await connect({ ...base(), authenticator: 'SNOWFLAKE_JWT', privateKey });
    const pending = new Promise<Error | undefined>((resolve) => {
      const stmt = conn.execute({ sqlText: 'SELECT SYSTEM$WAIT(30)', complete: (err) => resolve(err ?? undefined) });
      const timer = setInterval(() => {
        if (!stmt.getQueryId()) return;
        clearInterval(timer);
        stmt.cancel(() => undefined);
      }, 20);
    });
    const err = await pending;
    assert.match(String(err?.message), /canceled/);
    await destroy(conn);
  });
});
