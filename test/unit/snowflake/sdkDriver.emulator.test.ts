// The SQL layer over the real snowflake-sdk against the emulator: login, paging, preview, expiry, faults, cancel.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/index';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { EmulatorAuth, emulatorProfile } from './emulatorAuth';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { MemoryLogger } from '../../support/memoryLogger';
import { CatalogLoader } from '../../../src/core/snowflake/catalogLoader';
import { createSnowflakeSdkDriver } from '../../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';

describe('SQL sessions over snowflake-sdk against the emulator', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let auth: EmulatorAuth;
  let sessions: SqlSessionManager;
  let logger: MemoryLogger;
  let p: ConnectionProfile;
  let loader: CatalogLoader;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    auth = new EmulatorAuth(emu);
    logger = new MemoryLogger();
    sessions = new SqlSessionManager({ auth, driver: createSnowflakeSdkDriver(logger), logger });
    p = emulatorProfile(emu);
    loader = new CatalogLoader((sql, what, signal, options) => sessions.query(p, sql, { what, signal, ...options }));
  });
  afterEach(async () => {
    await sessions.reset('emu');
    sessions.dispose();
    emu.servers.snowflake.faults.splice(0);
  });

  it('listings leave SHOW dates as Snowflake sent them; other statements still convert them', async () => {
    const sql = 'SHOW TABLES IN SCHEMA "SALES_DB"."PUBLIC"';
    const raw = await sessions.query(p, sql, { what: 'Listing', datesAs: 'none' });
    const at = raw.columns.findIndex((c) => c.name === 'created_on');
    const name = raw.columns.findIndex((c) => c.name === 'name');
    assert.ok(at >= 0 && name >= 0);
    assert.match(String(raw.rows[0]![at]), /^\d{10}\.\d{9}$/, 'epoch seconds, unconverted');
    assert.ok(raw.rows.some((r) => r[name] === 'ORDERS'));
    const iso = await sessions.query(p, sql, { what: 'Listing', datesAs: 'iso' });
    assert.match(String(iso.rows[0]![at]), /^\d{4}-\d{2}-\d{2}T/, 'the same column converted when asked');
  });

  it('lists what the role can see, down to columns', async () => {
    const dbs = await loader.listDatabases();
    assert.deepEqual(
      dbs.items.map((d) => d.name),
      ['BIG_DB', 'SALES_DB'],
    );
    const schemas = await loader.listSchemas('SALES_DB');
    assert.ok(schemas.items.some((s) => s.name === 'PUBLIC'));
    const tables = await loader.listTables('SALES_DB', 'PUBLIC');
    assert.deepEqual(
      tables.items.map((t) => t.name),
      ['CUSTOMERS', 'ORDERS', 'PRODUCTS'],
    );
    const views = await loader.listViews('SALES_DB', 'PUBLIC');
    assert.deepEqual(
      views.items.map((t) => t.name),
      ['ORDER_SUMMARY'],
    );
    const cols = await loader.listColumns('SALES_DB', 'PUBLIC', 'ORDERS');
    assert.deepEqual(cols[0], {
      name: 'ORDER_ID',
      type: 'NUMBER(38,0)',
      nullable: false,
      comment: undefined,
      primaryKey: true,
    });
    assert.deepEqual(sessions.state('emu'), {
      status: 'connected',
      user: 'DEMO_USER',
      role: 'ANALYST',
      warehouse: 'DEMO_WH',
    });
    assert.equal(auth.minted, 1, 'one login for all of it');
  });

  it('pages through 20,000 tables, each exactly once', async () => {
    const seen = new Set<string>();
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await loader.listTables('BIG_DB', 'MANY_TABLES', after);
      for (const t of page.items) seen.add(t.name);
      after = page.next;
      pages++;
    } while (after);
    assert.equal(seen.size, 20_000);
    assert.equal(pages, 40);
  });

  it('previews the demo rows with column types', async () => {
    const preview = await loader.previewTable('SALES_DB', 'PUBLIC', 'CUSTOMERS');
    assert.equal(preview.rows.length, 40);
    assert.deepEqual(preview.columns.map((c) => [c.name, c.type]).slice(0, 2), [
      ['CUSTOMER_ID', 'fixed'],
      ['NAME', 'text'],
    ]);
    assert.equal(preview.rows[0]![0], '1');
    assert.match(String(preview.rows[0]![4]), /^\d{4}-\d{2}-\d{2}$/, "dates shown in the session's DATE_OUTPUT_FORMAT");
  });

  it('switching role changes which databases appear', async () => {
    await sessions.useRole(p, 'FINANCE');
    const dbs = await loader.listDatabases();
    assert.deepEqual(
      dbs.items.map((d) => d.name),
      ['FINANCE_DB'],
    );
    const state = sessions.state('emu');
    assert.equal(state.status === 'connected' ? state.role : state.status, 'FINANCE');
  });

  it('keeps working after every token expired, logging in once more with a fresh token', async () => {
    await loader.listDatabases();
    emu.state.expireAllTokens({ masters: true });
    const dbs = await loader.listDatabases();
    assert.equal(dbs.items.length, 2);
    assert.equal(auth.minted, 2);
    assert.equal(auth.invalidations, 1);
  });

  it('a login refused again after the fresh one stops there, explained from the code table', async () => {
    const refusal = { data: null, code: '390318', message: 'OAuth access token expired. [1]', success: false };
    emu.servers.snowflake.addFault({
      route: 'POST /session/v1/login-request',
      status: 200,
      body: JSON.stringify(refusal),
      times: 3,
    });
    await assert.rejects(loader.listDatabases(), (e: SnowflakeExtError) => {
      assert.equal(e.refusal, 'auth-expired', e.message);
      assert.match(e.message, /The OAuth token of connection 'emu' has expired/);
      return true;
    });
    assert.equal(auth.minted, 2, 'exactly one retry with a fresh credential');
    assert.equal(auth.invalidations, 1);
  });

  it('shows a 503 storm as a server error after a few quick retries, and recovers afterwards', async () => {
    await loader.listDatabases();
    // The driver sends a statement twice, each with up to 2 retries: 6 failures in a row make the load fail.
    emu.servers.snowflake.addFault({ route: 'POST /queries/v1/query-request', status: 503, times: 6 });
    await assert.rejects(loader.listSchemas('SALES_DB'), (e: SnowflakeExtError) => {
      assert.equal(e.kind, 'server', e.message);
      assert.match(e.message, /^Listing schemas in SALES_DB: /);
      return true;
    });
    const schemas = await loader.listSchemas('SALES_DB');
    assert.ok(schemas.items.length > 0);
  });

  it('cancels a statement in flight on the server', async () => {
    await loader.listDatabases();
    const controller = new AbortController();
    const pending = sessions.query(p, 'SELECT SYSTEM$WAIT(30)', { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await assert.rejects(pending, CancelledError);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(
      emu.servers.snowflake.log.some((e) => /\/queries\/.*\/abort-request$/.test(e.path)),
      'abort-request sent',
    );
  });

  it('writes no snowflake.log and keeps credentials out of our log', async () => {
    await loader.listDatabases();
    assert.equal(fs.existsSync(path.join(process.cwd(), 'snowflake.log')), false);
    assert.ok(logger.lines.some((l) => /logged in/.test(l)));
    assert.ok(!logger.lines.some((l) => /oat_/.test(l)));
  });
});
