// The SQL engine judged by the official snowflake-sdk: joins, aggregates and CTEs over the demo schema give the rows
// a person would compute from the same data, with Snowflake's names and types; large results arrive in chunks the
// driver downloads; a runaway query stops when the driver cancels it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Connection, RowStatement } from 'snowflake-sdk';
import { previewStatement } from '../../src/core/cortex/grounding/sqlPreview';
import { extractSql, renderSchema, sqlSystemPrompt } from '../../src/core/cortex/grounding/sqlPrompts';
import { EVENT_COUNT } from './catalog';
import { scriptReply } from './cortexScript';
import { connect, destroy, failure, query, removeDriverLog, type Row } from './driverHarness';
import { startEmulator, type Emulator } from './index';
import { DEFAULT_CHUNKING } from './results';
import { http, sessionToken, sql } from './testClient';

/** The statement and its rows (for rowtype checks through the driver's column API). */
function execute(conn: Connection, sqlText: string): Promise<{ stmt: RowStatement; rows: Row[] }> {
  return new Promise((resolve, reject) =>
    conn.execute({
      sqlText,
      complete: (err, stmt, rows) => (err ? reject(err) : resolve({ stmt, rows: rows as Row[] })),
    }),
  );
}

describe('emulator: the SQL engine through the official snowflake-sdk', function () {
  this.timeout(240_000);
  let emu: Emulator;
  let conn: Connection;
  let privateKey: string;
  const catalogRows = (table: string): (string | null)[][] =>
    emu.state.catalog.table('SALES_DB', 'PUBLIC', table)!.rows.map((r) => [...r]);

  before(async () => {
    emu = await startEmulator();
    const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    emu.state.addPublicKey('DEMO_USER', kp.publicKey);
    conn = await connect({
      account: emu.state.account,
      accessUrl: emu.snowflakeUrl,
      username: 'DEMO_USER',
      authenticator: 'SNOWFLAKE_JWT',
      privateKey,
      warehouse: 'DEMO_WH',
      database: 'SALES_DB',
      schema: 'PUBLIC',
    });
  });
  after(async () => {
    await destroy(conn);
    await emu.close();
    removeDriverLog();
  });
  afterEach(() => {
    emu.queries.results.chunking = { ...DEFAULT_CHUNKING };
  });

  it('INFORMATION_SCHEMA.TABLES counts every table of a schema, however many, with TABLE_TYPE', async () => {
    const rows = await query(
      conn,
      `SELECT TABLE_TYPE, COUNT(*) AS N FROM BIG_DB.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'MANY_TABLES' GROUP BY TABLE_TYPE`,
    );
    assert.deepEqual(rows, [{ TABLE_TYPE: 'BASE TABLE', N: 20000 }]);
    const sales = await query(
      conn,
      `SELECT TABLE_NAME, TABLE_TYPE FROM "SALES_DB"."INFORMATION_SCHEMA"."TABLES" WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY 1`,
    );
    assert.ok(sales.some((r) => r.TABLE_NAME === 'ORDERS' && r.TABLE_TYPE === 'BASE TABLE'));
    assert.ok(sales.some((r) => r.TABLE_TYPE === 'VIEW'));
  });

  it('runs, through Run Preview, the SQL the sandbox @snowflake /sql writes for the demo schema', async () => {
    // The chain the participant uses: the schema prompt, the scripted Cortex answer, the SQL read back, the preview.
    const tables = ['CUSTOMERS', 'ORDERS', 'PRODUCTS', 'ORDER_SUMMARY'].map((name) => {
      const t = emu.state.catalog.table('SALES_DB', 'PUBLIC', name)!;
      const columns = t.columns.map((c) => ({ name: c.name, type: c.t.sql }));
      return { database: 'SALES_DB', schema: 'PUBLIC', name, kind: t.kind, columns };
    });
    const system = sqlSystemPrompt(renderSchema(tables), { connection: 'keypair', database: 'SALES_DB' });
    const questions = ['sql: orders with their customers', 'sql for products', 'query the order summary'];
    for (const question of questions) {
      const reply = scriptReply({ system, lastUserText: question, tools: [], allText: `${system}\n${question}` });
      assert.equal(reply.kind, 'text');
      const written = extractSql(reply.kind === 'text' ? reply.text : '');
      assert.ok(written, `the answer to "${question}" holds SQL`);
      const { stmt, rows } = await execute(conn, previewStatement(written));
      assert.ok(rows.length > 0, `"${question}" returned rows:\n${written}`);
      const listed = [...written.matchAll(/^\s+[tu]\.(\w+),?$/gm)].map((m) => m[1]);
      assert.deepEqual(
        stmt.getColumns()!.map((c) => c.getName()),
        listed.length > 0 ? listed : tables.find((t) => written.includes(t.name))!.columns.map((c) => c.name),
      );
    }
  });

  it('aggregates with GROUP BY / ORDER BY match the same sums computed from the catalog rows', async () => {
    const { stmt, rows } = await execute(
      conn,
      `select c.country, count(*) as orders, sum(o.amount) as revenue
         from orders o join customers c on c.customer_id = o.customer_id
        group by c.country order by revenue desc, c.country`,
    );
    const country = new Map(catalogRows('CUSTOMERS').map((c) => [c[0], c[3]!]));
    const expected = new Map<string, { n: number; cents: number }>();
    for (const o of catalogRows('ORDERS')) {
      const e = expected.get(country.get(o[1])!) ?? { n: 0, cents: 0 };
      e.n++;
      e.cents += Math.round(Number(o[6]) * 100);
      expected.set(country.get(o[1])!, e);
    }
    const want = [...expected]
      .sort((a, b) => b[1].cents - a[1].cents || (a[0] < b[0] ? -1 : 1))
      .map(([k, v]) => ({ COUNTRY: k, ORDERS: v.n, REVENUE: v.cents / 100 }));
    assert.deepEqual(rows, want);
    const cols = stmt.getColumns()!.map((c) => [c.getName(), c.getType(), c.getPrecision(), c.getScale()]);
    assert.deepEqual(cols, [
      ['COUNTRY', 'text', null, null],
      ['ORDERS', 'fixed', 18, 0],
      ['REVENUE', 'fixed', 38, 2],
    ]);
  });

  it('a CTE returns dates, timestamps, booleans and VARIANT values typed as Snowflake types them', async () => {
    const rows = await query(
      conn,
      `WITH active AS (SELECT * FROM CUSTOMERS WHERE IS_ACTIVE)
       SELECT a.CUSTOMER_ID, a.SIGNUP_DATE, a.IS_ACTIVE, o.ORDERED_AT, p.ATTRIBUTES, p.WEIGHT_KG
         FROM active a JOIN ORDERS o ON o.CUSTOMER_ID = a.CUSTOMER_ID JOIN PRODUCTS p ON p.PRODUCT_ID = o.PRODUCT_ID
        ORDER BY o.ORDER_ID LIMIT 1`,
    );
    const order = catalogRows('ORDERS').find((o) =>
      catalogRows('CUSTOMERS').some((c) => c[0] === o[1] && c[5] === '1'),
    )!;
    const customer = catalogRows('CUSTOMERS').find((c) => c[0] === order[1])!;
    const product = catalogRows('PRODUCTS').find((p) => p[0] === order[2])!;
    const r = rows[0]!;
    assert.equal(r.CUSTOMER_ID, Number(customer[0]));
    assert.equal((r.SIGNUP_DATE as Date).getTime(), Number(customer[4]) * 86_400_000);
    assert.equal(r.IS_ACTIVE, true);
    assert.equal((r.ORDERED_AT as Date).getTime(), Number(order[4]) * 1000);
    assert.deepEqual(r.ATTRIBUTES, JSON.parse(product[5]!));
    assert.equal(r.WEIGHT_KG, Number(product[4]));
  });

  it("applies Snowflake's name rules: unquoted names upper-case, quoted kept, grants and context checked", async () => {
    const lower = await query(conn, 'select name, lower(country) as cc from customers order by customer_id limit 1');
    assert.deepEqual(Object.keys(lower[0]!), ['NAME', 'CC']);
    const quotedAlias = await query(conn, 'select count(*) as "Total" from customers');
    assert.deepEqual(quotedAlias, [{ Total: 40 }]);
    const wrongCase = await failure(query(conn, 'select * from "sales_db"."public"."customers"'));
    assert.equal(wrongCase.code, '002003');
    assert.match(wrongCase.message, /Object 'sales_db.public.customers' does not exist or not authorized/);
    const notGranted = await failure(query(conn, 'SELECT COUNT(*) FROM FINANCE_DB.REPORTING.LEDGER'));
    assert.equal(notGranted.code, '002003');
    const badColumn = await failure(query(conn, 'SELECT NOPE FROM CUSTOMERS'));
    assert.equal(badColumn.code, '000904');
    assert.match(badColumn.message, /invalid identifier 'NOPE'/);
    const engineCatalog = await failure(query(conn, 'SELECT * FROM duckdb_tables()'));
    assert.equal(engineCatalog.code, '002140');
    const typo = await failure(query(conn, 'SELECT NAME FROMM CUSTOMERS'));
    assert.equal(typo.code, '001003');
    assert.match(typo.message, /syntax error line 1 at position \d+ unexpected/);
  });

  it('Snowflake functions DuckDB lacks work as Snowflake defines them (NVL, IFF, ZEROIFNULL, DATEADD, GENERATOR, SEQ4)', async () => {
    const rows = await query(
      conn,
      `SELECT COUNT_IF(NVL(CHANNEL, 'none') = 'none') AS NO_CHANNEL, SUM(ZEROIFNULL(NULL)) AS Z,
              MIN(IFF(QUANTITY > 2, 'big', 'small')) AS SIZE, MIN(DATEADD(day, 1, ORDERED_AT)) AS NEXT_DAY,
              SUM(AMOUNT)::NUMBER(12,1) AS ROUNDED
         FROM ORDERS`,
    );
    const orders = catalogRows('ORDERS');
    assert.equal(rows[0]!.NO_CHANNEL, orders.filter((o) => o[7] === null).length);
    assert.equal(rows[0]!.Z, 0);
    assert.equal(rows[0]!.SIZE, 'big');
    const cents = orders.reduce((a, o) => a + Math.round(Number(o[6]) * 100), 0);
    assert.equal(rows[0]!.ROUNDED, Math.round(cents / 10) / 10);
    const generated = await query(conn, 'SELECT SEQ4() FROM TABLE(GENERATOR(ROWCOUNT => 3)) ORDER BY 1');
    assert.deepEqual(generated, [{ 'SEQ4()': 0 }, { 'SEQ4()': 1 }, { 'SEQ4()': 2 }]);
    const summed = await query(
      conn,
      'SELECT COUNT(*) AS N, SUM(SEQ8()) AS S FROM TABLE(GENERATOR(ROWCOUNT => 1000)) g',
    );
    assert.deepEqual(summed, [{ N: 1000, S: 499_500 }]);
    const first = Math.min(...orders.map((o) => Number(o[4])));
    assert.equal((rows[0]!.NEXT_DAY as Date).getTime(), (first + 86_400) * 1000);
  });

  it('a result larger than the inline rows comes in chunks; the driver downloads each with the chunk headers', async () => {
    emu.queries.results.chunking = { inlineRows: 100, chunkRows: 300 };
    const before = emu.queries.results.served;
    const rows = await query(
      conn,
      'SELECT c.CUSTOMER_ID, o.ORDER_ID FROM CUSTOMERS c CROSS JOIN ORDERS o ORDER BY c.CUSTOMER_ID, o.ORDER_ID',
    );
    assert.equal(rows.length, 40 * 50);
    const orderIds = catalogRows('ORDERS').map((o) => Number(o[0]));
    rows.forEach((r, i) => {
      assert.equal(r.CUSTOMER_ID, Math.floor(i / 50) + 1);
      assert.equal(r.ORDER_ID, orderIds[i % 50]);
    });
    assert.equal(emu.queries.results.served - before, Math.ceil((2000 - 100) / 300));
  });

  it('a chunk fetched without its encryption-key headers is refused, as storage refuses it', async () => {
    emu.queries.results.chunking = { inlineRows: 10, chunkRows: 100 };
    const t = (await sessionToken(emu)).token;
    await sql(emu, t, 'USE WAREHOUSE DEMO_WH');
    const r = await sql(emu, t, 'SELECT * FROM SALES_DB.PUBLIC.ORDERS');
    assert.equal(r.json.data.rowset.length, 10);
    assert.equal(r.json.data.total, 50);
    const chunk = r.json.data.chunks[0];
    assert.equal(chunk.rowCount, 40);
    const bare = await http(chunk.url);
    assert.equal(bare.status, 400);
    assert.match(bare.text, /<Code>InvalidRequest<\/Code>/);
    const ok = await http(chunk.url, { headers: r.json.data.chunkHeaders });
    assert.equal(ok.status, 200);
    const parsed = JSON.parse(`[${ok.text}]`) as string[][];
    assert.deepEqual(
      parsed.map((row) => row[0]),
      catalogRows('ORDERS')
        .slice(10)
        .map((o) => o[0]),
    );
  });

  it(`streams ${EVENT_COUNT.toLocaleString('en-US')} rows with statement.streamRows(): every row once, in order`, async () => {
    let n = 0;
    let sum = 0;
    let inOrder = true;
    const served = emu.queries.results.served;
    await new Promise<void>((resolve, reject) => {
      const stmt = conn.execute({ sqlText: 'SELECT EVENT_ID, KIND FROM BIG_DB.PUBLIC.EVENTS', streamResult: true });
      stmt
        .streamRows()
        .on('data', (r: Row) => {
          n++;
          sum += r.EVENT_ID as number;
          if (r.EVENT_ID !== n) inOrder = false;
        })
        .on('end', () => resolve())
        .on('error', reject);
    });
    assert.equal(n, EVENT_COUNT);
    assert.equal(sum, (EVENT_COUNT * (EVENT_COUNT + 1)) / 2);
    assert.ok(inOrder, 'rows arrive in EVENT_ID order across chunks');
    const { inlineRows, chunkRows } = DEFAULT_CHUNKING;
    assert.equal(emu.queries.results.served - served, Math.ceil((EVENT_COUNT - inlineRows) / chunkRows));
    // Chunks are made as the driver asks: the emulator never held more than the driver's prefetch window.
    assert.ok(emu.queries.results.maxHeldRows <= 4 * chunkRows, `held ${emu.queries.results.maxHeldRows} rows`);
  });

  it('a runaway query stops when the driver cancels it (abort-request), and the session goes on', async () => {
    const started = Date.now();
    const err = await failure(
      new Promise((resolve, reject) => {
        const stmt = conn.execute({
          sqlText: 'SELECT SUM(a.EVENT_ID * b.EVENT_ID) FROM BIG_DB.PUBLIC.EVENTS a CROSS JOIN BIG_DB.PUBLIC.EVENTS b',
          complete: (e, _s, rows) => (e ? reject(e) : resolve(rows)),
        });
        setTimeout(() => stmt.cancel(() => undefined), 500);
      }),
    );
    assert.equal(err.code, '000604');
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(await query(conn, 'SELECT COUNT(*) AS N FROM ORDERS'), [{ N: 50 }]);
  });

  it("SYSTEM$CANCEL_QUERY stops another session's SYSTEM$WAIT; its poll then answers 000604", async () => {
    const other = (await sessionToken(emu)).token;
    const waiting = await sql(emu, other, 'SELECT SYSTEM$WAIT(60)');
    assert.equal(waiting.json.code, '333333');
    const id = waiting.json.data.queryId as string;
    const rows = await query(conn, `SELECT SYSTEM$CANCEL_QUERY('${id}')`);
    assert.deepEqual(rows, [{ [`SYSTEM$CANCEL_QUERY('${id.toUpperCase()}')`]: `query [${id}] terminated.` }]);
    const poll = await http(`${emu.snowflakeUrl}${waiting.json.data.getResultUrl}`, {
      headers: { Authorization: `Snowflake Token="${other}"`, Accept: 'application/json' },
    });
    assert.equal(poll.json.code, '000604');
    const again = await failure(query(conn, `SELECT SYSTEM$CANCEL_QUERY('${id}')`));
    assert.match(again.message, /not currently executing/);
  });
});
