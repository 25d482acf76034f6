import assert from 'node:assert/strict';
import { completionContextAt } from '../../../src/core/sqlHelp/completionContext';
import { SqlCatalog } from '../../../src/core/sqlHelp/sqlCatalog';
import { hoverTargetAt, tableHoverMarkdown } from '../../../src/core/sqlHelp/sqlHover';
import { suggest, type NameDefaults } from '../../../src/core/sqlHelp/sqlSuggestions';
import { fakeCatalog, type FakeCatalog } from './fakeCatalog';

const CATALOG: FakeCatalog = {
  SALES_DB: {
    PUBLIC: {
      CUSTOMERS: { columns: { CUSTOMER_ID: 'NUMBER(38,0)', NAME: 'VARCHAR(200)', 'e-mail': 'VARCHAR' } },
      ORDERS: { columns: { ORDER_ID: 'NUMBER(38,0)', CUSTOMER_ID: 'NUMBER(38,0)', AMOUNT: 'NUMBER(12,2)' } },
      'Mixed Case': { columns: { X: 'BOOLEAN' } },
      TOP_CUSTOMERS: { kind: 'view', columns: { CUSTOMER_ID: 'NUMBER(38,0)', TOTAL: 'NUMBER(38,2)' } },
    },
    STAGING: { RAW_EVENTS: { columns: { PAYLOAD: 'VARIANT' } } },
  },
  finance: { REPORTING: { LEDGER: { columns: { ENTRY: 'NUMBER(38,0)' } } } },
};

/** Completion at the `|` in `sql`: the labels offered, and the SQL sent to Snowflake for them. */
async function at(sql: string, defaults: NameDefaults = {}, catalog = CATALOG, pageSize = 500) {
  const offset = sql.indexOf('|');
  const text = sql.replace('|', '');
  const { loader, sent } = fakeCatalog(catalog, pageSize);
  const cat = new SqlCatalog(loader);
  const ctx = completionContextAt(text, offset);
  if (!ctx) return { labels: [] as string[], sent, result: undefined };
  const result = await suggest(ctx, cat, defaults);
  return { labels: result.items.map((i) => i.label).sort(), result, sent, cat };
}

describe('SQL completion: names from the catalog', () => {
  it('after FROM offers databases, and the default schema’s tables, views and schemas', async () => {
    const { labels } = await at('SELECT * FROM |', { database: 'SALES_DB', schema: 'PUBLIC' });
    assert.deepEqual(labels, [
      'CUSTOMERS',
      'Mixed Case',
      'ORDERS',
      'PUBLIC',
      'SALES_DB',
      'STAGING',
      'TOP_CUSTOMERS',
      'finance',
    ]);
  });

  it('after `DB.` loads that database’s schemas (and nothing before it is asked for)', async () => {
    const { labels, sent } = await at('select * from sales_db.|');
    assert.deepEqual(labels, ['PUBLIC', 'STAGING']);
    assert.ok(sent.includes('SHOW SCHEMAS IN DATABASE "SALES_DB" LIMIT 501'), sent.join('\n'));
    assert.ok(!sent.some((s) => s.startsWith('SHOW TABLES')), 'no tables are listed before a schema is named');
  });

  it('after `DB.SCHEMA.` offers its tables and views, each with its kind', async () => {
    const { result } = await at('SELECT * FROM SALES_DB.PUBLIC.|');
    const byLabel = new Map(result!.items.map((i) => [i.label, i]));
    assert.deepEqual([...byLabel.keys()].sort(), ['CUSTOMERS', 'Mixed Case', 'ORDERS', 'TOP_CUSTOMERS']);
    assert.equal(byLabel.get('TOP_CUSTOMERS')!.kind, 'view');
    assert.equal(byLabel.get('ORDERS')!.kind, 'table');
  });

  it('quotes names that unquoted would not resolve to themselves, and only those', async () => {
    const { result } = await at('SELECT * FROM SALES_DB.PUBLIC.|');
    const insert = new Map(result!.items.map((i) => [i.label, i.insertText]));
    assert.equal(insert.get('CUSTOMERS'), 'CUSTOMERS');
    assert.equal(insert.get('Mixed Case'), '"Mixed Case"');
    const dbs = await at('SELECT * FROM |');
    assert.equal(dbs.result!.items.find((i) => i.label === 'finance')!.insertText, '"finance"');
  });

  it('a quoted database name keeps its case: "finance". lists its schemas', async () => {
    assert.deepEqual((await at('SELECT * FROM "finance".|')).labels, ['REPORTING']);
    // Unquoted, finance means FINANCE, which does not exist: nothing is offered.
    assert.deepEqual((await at('SELECT * FROM finance.|')).labels, []);
  });

  it('inside an opened quote the name is inserted whole and closed', async () => {
    const { result } = await at('SELECT * FROM SALES_DB.PUBLIC."Mi|');
    const mixed = result!.items.find((i) => i.label === 'Mixed Case')!;
    assert.equal(mixed.insertText, '"Mixed Case"');
    assert.equal(mixed.filterText, '"Mixed Case');
    assert.equal(result!.replaceStart, 'SELECT * FROM SALES_DB.PUBLIC.'.length);
  });

  it('after an alias and a dot offers that table’s columns only', async () => {
    const { labels } = await at('SELECT o.| FROM SALES_DB.PUBLIC.ORDERS o JOIN SALES_DB.PUBLIC.CUSTOMERS AS c ON 1=1');
    assert.deepEqual(labels, ['AMOUNT', 'CUSTOMER_ID', 'ORDER_ID']);
    const c = await at('SELECT o.ORDER_ID, c.| FROM SALES_DB.PUBLIC.ORDERS o JOIN SALES_DB.PUBLIC.CUSTOMERS AS c');
    assert.deepEqual(c.labels, ['CUSTOMER_ID', 'NAME', 'e-mail']);
    assert.equal(c.result!.items.find((i) => i.label === 'e-mail')!.insertText, '"e-mail"');
    assert.equal(c.result!.items.find((i) => i.label === 'NAME')!.detail, 'VARCHAR(200)');
  });

  it('after a table name and a dot offers its columns, resolved through the default schema', async () => {
    const { labels } = await at('SELECT ORDERS.| FROM ORDERS', { database: 'SALES_DB', schema: 'PUBLIC' });
    assert.deepEqual(labels, ['AMOUNT', 'CUSTOMER_ID', 'ORDER_ID']);
  });

  it('columns of a view come from DESCRIBE VIEW once the listing says it is one', async () => {
    const { labels, sent } = await at('SELECT v.| FROM SALES_DB.PUBLIC.TOP_CUSTOMERS v');
    assert.deepEqual(labels, ['CUSTOMER_ID', 'TOTAL']);
    assert.ok(
      sent.some((s) => s.startsWith('DESCRIBE VIEW')),
      sent.join('\n'),
    );
  });

  it('in a SELECT list offers the columns of the statement’s tables first, then tables and schemas', async () => {
    const { result } = await at('SELECT | FROM ORDERS', { database: 'SALES_DB', schema: 'PUBLIC' });
    const sorted = [...result!.items].sort((a, b) => a.sortText.localeCompare(b.sortText));
    assert.deepEqual(
      sorted.slice(0, 3).map((i) => [i.label, i.kind]),
      [
        ['AMOUNT', 'column'],
        ['CUSTOMER_ID', 'column'],
        ['ORDER_ID', 'column'],
      ],
    );
    assert.ok(sorted.some((i) => i.label === 'CUSTOMERS' && i.kind === 'table'));
  });

  it('USE statements earlier in the file change where unqualified names resolve', async () => {
    const { labels } = await at('USE SCHEMA SALES_DB.STAGING;\nSELECT * FROM |', { database: 'X', schema: 'Y' });
    assert.ok(labels.includes('RAW_EVENTS'), labels.join(','));
    assert.ok(!labels.includes('ORDERS'));
  });

  it('offers nothing inside a string or a comment', async () => {
    assert.deepEqual((await at("SELECT 'SALES_DB.|' FROM t")).labels, []);
    assert.deepEqual((await at('SELECT 1 -- SALES_DB.|')).labels, []);
  });

  it('a huge schema: past the first page, asks SHOW ... LIKE for the typed start, and says the list is incomplete', async () => {
    const big: FakeCatalog = { BIG_DB: { MANY: {} } };
    for (let i = 1; i <= 30; i++) big.BIG_DB!.MANY![`T_${String(i).padStart(3, '0')}`] = { columns: { A: 'INT' } };
    const first = await at('SELECT * FROM BIG_DB.MANY.|', {}, big, 10);
    assert.equal(first.labels.length, 10);
    assert.equal(first.result!.incomplete, true);
    const typed = await at('SELECT * FROM BIG_DB.MANY.t_02|', {}, big, 10);
    assert.ok(typed.sent.includes('SHOW TABLES LIKE \'t_02%\' IN SCHEMA "BIG_DB"."MANY"'), typed.sent.join('\n'));
    assert.deepEqual(
      typed.labels,
      [20, 21, 22, 23, 24, 25, 26, 27, 28, 29].map((n) => `T_0${n}`),
    );
  });

  it('loads each listing once however often completion asks', async () => {
    const { loader, sent } = fakeCatalog(CATALOG);
    const cat = new SqlCatalog(loader);
    for (const s of ['SALES_DB.', 'SALES_DB.P', 'SALES_DB.PU']) {
      const text = `SELECT * FROM ${s}`;
      await suggest(completionContextAt(text, text.length)!, cat, {});
    }
    assert.equal(sent.filter((s) => s.startsWith('SHOW SCHEMAS')).length, 1, sent.join('\n'));
  });

  it('uses what the tree has loaded before asking Snowflake', async () => {
    const { loader, sent } = fakeCatalog(CATALOG);
    const cat = new SqlCatalog(loader, {
      names: (p) =>
        p.length === 1 && p[0] === 'SALES_DB' ? { names: [{ name: 'FROM_TREE' }], complete: true } : undefined,
      columns: () => undefined,
    });
    const text = 'SELECT * FROM SALES_DB.';
    const r = await suggest(completionContextAt(text, text.length)!, cat, {});
    assert.deepEqual(
      r.items.map((i) => i.label),
      ['FROM_TREE'],
    );
    assert.ok(!sent.some((s) => s.startsWith('SHOW SCHEMAS')), sent.join('\n'));
  });
});

describe('SQL hover: a table’s columns', () => {
  it('finds the table under the cursor, by qualified name, by default schema, or through its alias', () => {
    const sql = 'SELECT o.AMOUNT FROM SALES_DB.PUBLIC.ORDERS o JOIN CUSTOMERS c ON c.CUSTOMER_ID = o.CUSTOMER_ID';
    const d = { database: 'SALES_DB', schema: 'PUBLIC' };
    assert.deepEqual(hoverTargetAt(sql, sql.indexOf('ORDERS') + 2, d)?.table, ['SALES_DB', 'PUBLIC', 'ORDERS']);
    assert.deepEqual(hoverTargetAt(sql, sql.indexOf('CUSTOMERS') + 1, d)?.table, ['SALES_DB', 'PUBLIC', 'CUSTOMERS']);
    assert.equal(hoverTargetAt(sql, sql.indexOf('SELECT') + 1, d), undefined, 'a keyword is no table');
    assert.equal(hoverTargetAt(sql, sql.indexOf('PUBLIC') + 1, d), undefined, 'a schema before a dot is no table');
    assert.equal(hoverTargetAt(sql, sql.indexOf('ORDERS'), {})?.start, sql.indexOf('SALES_DB'));
  });

  it('shows the columns and their types as a Markdown table, names needing quotes quoted', () => {
    const md = tableHoverMarkdown(
      ['SALES_DB', 'PUBLIC', 'Mixed Case'],
      [
        { name: 'ID', type: 'NUMBER(38,0)', nullable: false, primaryKey: true },
        { name: 'a|b', type: 'VARCHAR', nullable: true },
      ],
    );
    assert.match(md, /^\*\*SALES_DB\.PUBLIC\."Mixed Case"\*\* · 2 columns/);
    assert.match(md, /\| ID \(key\) \| NUMBER\(38,0\) NOT NULL \|/);
    assert.match(md, /\| a\\\|b \| VARCHAR \|/);
  });
});
