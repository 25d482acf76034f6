import assert from 'node:assert/strict';
import { CatalogLoader, PAGE_SIZE, type QueryRunner } from '../../../src/core/snowflake/catalogLoader';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import type { QueryResult } from '../../../src/core/snowflake/sqlDriver';
import { showResult } from './fakeSql';

/** A SHOW server over `names` honouring `LIMIT n FROM 'x'` (exclusive as Snowflake documents, or inclusive). */
function showServer(names: readonly string[], opts: { inclusive?: boolean } = {}) {
  const sent: string[] = [];
  const run: QueryRunner = async (sql) => {
    sent.push(sql);
    const m = /LIMIT (\d+)(?: FROM '((?:[^']|'')*)')?$/.exec(sql);
    const limit = m ? Number(m[1]) : Infinity;
    const from = m?.[2]?.replace(/''/g, "'");
    const sorted = [...names].sort();
    const start = from === undefined ? 0 : sorted.findIndex((n) => (opts.inclusive ? n >= from : n > from));
    return showResult(start < 0 ? [] : sorted.slice(start, start + limit), {
      comment: (n) => `about ${n}`,
      rows: () => '42',
    });
  };
  return { run, sent };
}

async function listAll(loader: CatalogLoader): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await loader.listTables('BIG_DB', 'MANY_TABLES', after);
    names.push(...page.items.map((t) => t.name));
    after = page.next;
    pages++;
  } while (after !== undefined);
  return { names, pages };
}

const tableNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `T_${String(i + 1).padStart(5, '0')}`);

describe('CatalogLoader paging', () => {
  it('pages through a large schema showing every table exactly once', async () => {
    const server = showServer(tableNames(1234));
    const { names, pages } = await listAll(new CatalogLoader(server.run));
    assert.equal(pages, 3);
    assert.equal(names.length, 1234);
    assert.equal(new Set(names).size, 1234);
    assert.equal(server.sent[0], `SHOW TABLES IN SCHEMA "BIG_DB"."MANY_TABLES" LIMIT ${PAGE_SIZE + 1}`);
    assert.equal(server.sent[1], `SHOW TABLES IN SCHEMA "BIG_DB"."MANY_TABLES" LIMIT ${PAGE_SIZE + 1} FROM 'T_00500'`);
  });

  it('needs no empty trailing page when the count is a multiple of the page size', async () => {
    const server = showServer(tableNames(1000));
    const { names, pages } = await listAll(new CatalogLoader(server.run));
    assert.equal(names.length, 1000);
    assert.equal(pages, 2);
  });

  it('shows every table once even when the server includes the cursor row', async () => {
    const server = showServer(tableNames(1100), { inclusive: true });
    const { names } = await listAll(new CatalogLoader(server.run));
    assert.deepEqual(names, tableNames(1100));
  });

  it('small schemas come back in one page with no cursor', async () => {
    const page = await new CatalogLoader(showServer(['B', 'A']).run).listTables('D', 'S');
    assert.deepEqual(
      page.items.map((t) => [t.name, t.kind, t.comment, t.rows]),
      [
        ['A', 'table', 'about A', 42],
        ['B', 'table', 'about B', 42],
      ],
    );
    assert.equal(page.next, undefined);
  });

  it('quotes odd names in the SQL and the cursor', async () => {
    const server = showServer(["it's", 'b', 'c'].concat(tableNames(3)));
    const loader = new CatalogLoader(server.run, 2);
    const first = await loader.listViews('my "db"', 'lower');
    assert.match(server.sent[0]!, /^SHOW VIEWS IN SCHEMA "my ""db"""\."lower" LIMIT 3$/);
    assert.equal(first.items[0]!.kind, 'view');
    await loader.listSchemas('db', "it's");
    assert.match(server.sent[1]!, /FROM 'it''s'$/);
  });
});

describe('CatalogLoader details', () => {
  const describeResult: QueryResult = {
    columns: ['name', 'type', 'kind', 'null?', 'default', 'primary key', 'comment'].map((name) => ({
      name,
      type: 'text',
      nullable: true,
    })),
    rows: [
      ['ID', 'NUMBER(38,0)', 'COLUMN', 'N', null, 'Y', 'key'],
      ['LABEL', 'VARCHAR(100)', 'COLUMN', 'Y', null, 'N', null],
    ],
  };

  it('lists columns with type and nullability from DESCRIBE', async () => {
    const sent: string[] = [];
    const loader = new CatalogLoader(async (sql) => (sent.push(sql), describeResult));
    const cols = await loader.listColumns('SALES_DB', 'PUBLIC', 'ORDERS');
    assert.equal(sent[0], 'DESCRIBE TABLE "SALES_DB"."PUBLIC"."ORDERS"');
    assert.deepEqual(
      cols.map((c) => [c.name, c.type, c.nullable, c.primaryKey]),
      [
        ['ID', 'NUMBER(38,0)', false, true],
        ['LABEL', 'VARCHAR(100)', true, false],
      ],
    );
    await loader.listColumns('D', 'S', 'V', 'view');
    assert.equal(sent[1], 'DESCRIBE VIEW "D"."S"."V"');
  });

  it('marks the current role and warehouse', async () => {
    const loader = new CatalogLoader(async (sql) =>
      showResult(sql === 'SHOW ROLES' ? ['ANALYST', 'PUBLIC'] : ['DEMO_WH'], {
        is_current: (n) => (n === 'ANALYST' || n === 'DEMO_WH' ? 'Y' : 'N'),
        is_default: () => 'N',
      }),
    );
    assert.deepEqual(
      (await loader.listRoles()).map((r) => [r.name, r.isCurrent]),
      [
        ['ANALYST', true],
        ['PUBLIC', false],
      ],
    );
    assert.deepEqual(
      (await loader.listWarehouses()).map((w) => [w.name, w.isCurrent]),
      [['DEMO_WH', true]],
    );
  });

  it('previews the first rows with column types', async () => {
    const sent: string[] = [];
    const loader = new CatalogLoader(async (sql) => {
      sent.push(sql);
      return { columns: [{ name: 'ID', type: 'fixed', nullable: false }], rows: [['1'], ['2']] };
    });
    const preview = await loader.previewTable('SALES_DB', 'PUBLIC', 'ORDERS');
    assert.equal(sent[0], 'SELECT * FROM "SALES_DB"."PUBLIC"."ORDERS" LIMIT 100');
    assert.deepEqual(preview.rows, [['1'], ['2']]);
    assert.equal(preview.columns[0]!.type, 'fixed');
  });

  it('explains a preview without a warehouse and offers to switch', async () => {
    const loader = new CatalogLoader(async () => {
      throw new SnowflakeExtError(
        'server',
        'No active warehouse selected in the current session.',
        undefined,
        '000606',
      );
    });
    await assert.rejects(
      loader.previewTable('D', 'S', 'T'),
      (e: SnowflakeExtError) => e.kind === 'config' && e.fix?.command === 'positSnowflake.switchWarehouse',
    );
  });
});
