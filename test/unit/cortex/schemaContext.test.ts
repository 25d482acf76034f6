// Where /sql and /schema look (the view's schema, the connection's, or the user's pick), what they read from the
// catalog (every page, relevance first, exact counts), and what Run Preview agrees to run.
import assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import {
  SchemaContextCache,
  listSchemaObjects,
  loadSchemaContext,
  loadTable,
  rankByRelevance,
  type SchemaCatalog,
} from '../../../src/core/cortex/grounding/schemaContext';
import { resolveGroundingLocation } from '../../../src/core/cortex/grounding/groundingLocation';
import { renderSchema } from '../../../src/core/cortex/grounding/sqlPrompts';
import { connectionIdentifier } from '../../../src/core/snowflake/identifiers';
import { PREVIEW_LIMIT, previewStatement, renderPreviewMarkdown } from '../../../src/core/cortex/grounding/sqlPreview';
import type { TableInfo } from '../../../src/core/snowflake/catalogLoader';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';

const profile = (extra: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
  name: 'c',
  source: 'connections.toml',
  isDefault: true,
  params: {},
  authenticator: 'SNOWFLAKE_JWT',
  account: 'a',
  baseUrl: 'https://a',
  ...extra,
});

/**
 * A catalog with SNOWFLAKE + SALES_DB (PUBLIC: `tables` tables and one view, paged by 500 as SHOW pages them) that
 * records its statements the way CatalogLoader would issue them.
 */
function fakeCatalog(tables = 3, named: TableInfo[] = []): SchemaCatalog & { describes: string[]; shows: string[] } {
  const names: TableInfo[] = [
    ...named,
    ...Array.from({ length: tables }, (_, i) => ({ name: i === 0 ? 'ORDERS' : `T${i}`, kind: 'table' as const })),
  ];
  const describes: string[] = [];
  const shows: string[] = [];
  const views: TableInfo[] = [{ name: 'ORDER_SUMMARY', kind: 'view' }];
  return {
    describes,
    shows,
    listDatabases: async () => ({ items: [{ name: 'SNOWFLAKE' }, { name: 'SALES_DB' }] }),
    listSchemas: async () => ({ items: [{ name: 'INFORMATION_SCHEMA' }, { name: 'PUBLIC' }] }),
    listTables: async (_db, _schema, after) => {
      shows.push(`SHOW TABLES${after ? ` FROM ${after}` : ''}`);
      const start = after ? names.findIndex((n) => n.name === after) + 1 : 0;
      const items = names.slice(start, start + 500);
      return { items, ...(start + 500 < names.length ? { next: items[items.length - 1]!.name } : {}) };
    },
    listViews: async () => ({ items: views }),
    findObjects: async (kind, _db, _schema, like) => {
      shows.push(`SHOW ${kind === 'view' ? 'VIEWS' : 'TABLES'} LIKE '${like}'`);
      const re = new RegExp(`^${like.replace(/_/g, '.').replace(/%/g, '.*')}$`, 'i');
      return (kind === 'view' ? views : names).filter((t) => re.test(t.name));
    },
    listColumns: async (db, schema, table) => {
      describes.push(`${db}.${schema}.${table}`);
      return [
        { name: 'ID', type: 'NUMBER(38,0)', nullable: false },
        { name: 'AMOUNT', type: 'NUMBER(10,2)', nullable: true, comment: 'in USD' },
      ];
    },
  };
}

const SALES = { database: 'SALES_DB', schema: 'PUBLIC' };

describe('where @snowflake grounds', () => {
  const never = async (): Promise<string | undefined> => assert.fail('no question expected');

  it('uses the schema selected or expanded in the Snowflake view first, then the connection', async () => {
    const catalog = fakeCatalog();
    const own = profile({ database: 'SALES_DB', schema: 'PUBLIC' });
    const view = await resolveGroundingLocation({
      focus: { database: 'FINANCE_DB', schema: 'LEDGER' },
      profile: own,
      catalog,
      pick: never,
    });
    assert.deepEqual(view, { database: 'FINANCE_DB', schema: 'LEDGER', source: 'view' });
    assert.deepEqual(await resolveGroundingLocation({ profile: own, catalog, pick: never }), {
      ...SALES,
      source: 'connection',
    });
  });

  it("reads the connection's database and schema as unquoted identifiers (sales_db is SALES_DB)", async () => {
    const loc = await resolveGroundingLocation({
      profile: profile({ database: 'sales_db', schema: 'public' }),
      catalog: fakeCatalog(),
      pick: never,
    });
    assert.deepEqual([loc.database, loc.schema], ['SALES_DB', 'PUBLIC']);
    assert.equal(connectionIdentifier('"Mixed Case"'), 'Mixed Case');
  });

  it('asks which database when the connection names none (a Workbench connection), and cancels when dismissed', async () => {
    const asked: string[] = [];
    const loc = await resolveGroundingLocation({
      profile: profile(),
      catalog: fakeCatalog(),
      pick: async (what, names) => {
        asked.push(`${what}: ${names.join(', ')}`);
        return 'SALES_DB';
      },
    });
    // One schema left once INFORMATION_SCHEMA is set aside: no second question.
    assert.deepEqual(asked, ['database: SNOWFLAKE, SALES_DB']);
    assert.deepEqual(loc, { ...SALES, source: 'picked' });
    await assert.rejects(
      resolveGroundingLocation({ profile: profile(), catalog: fakeCatalog(), pick: async () => undefined }),
      CancelledError,
    );
  });
});

describe('schema context for @snowflake', () => {
  it('describes the tables and views of the schema with their columns', async () => {
    const catalog = fakeCatalog();
    const ctx = await loadSchemaContext(catalog, await listSchemaObjects(catalog, SALES), SALES, 'orders');
    assert.deepEqual(
      ctx.tables.map((t) => t.name),
      ['ORDERS', 'ORDER_SUMMARY', 'T1', 'T2'],
    );
    assert.equal(ctx.tables[1]!.kind, 'VIEW');
    assert.deepEqual(ctx.tables[0]!.columns[1], {
      name: 'AMOUNT',
      type: 'NUMBER(10,2)',
      nullable: true,
      comment: 'in USD',
    });
  });

  it('with 5,000 tables, reads every page and says exactly how many were left out', async () => {
    const catalog = fakeCatalog(5_000);
    const listing = await listSchemaObjects(catalog, SALES);
    const ctx = await loadSchemaContext(catalog, listing, SALES, 'anything', { maxTables: 30 });
    assert.equal(catalog.describes.length, 30);
    assert.equal(ctx.omitted, 5_001 - 30, 'all 5,000 tables and the view, less the 30 described');
    const text = renderSchema(ctx.tables, undefined, {
      count: ctx.omitted,
      exact: ctx.complete,
      place: 'SALES_DB.PUBLIC',
    });
    assert.match(text, /\(4971 more tables and views in SALES_DB\.PUBLIC not listed\)$/);
  });

  it('says "more than" when the listing stopped at its cap', async () => {
    const catalog = fakeCatalog(1_200);
    const listing = await listSchemaObjects(catalog, SALES, 1_000);
    assert.equal(listing.complete, false);
    const ctx = await loadSchemaContext(catalog, listing, SALES, '', { maxTables: 5 });
    assert.match(
      renderSchema(ctx.tables, undefined, { count: ctx.omitted, exact: ctx.complete }),
      /more than \d+ more/,
    );
  });

  it('describes the tables that match the question first (names, then comments), not the alphabetically first', async () => {
    const named: TableInfo[] = [
      { name: 'AAA_LOG', kind: 'table' },
      { name: 'ZZ_FACTS', kind: 'table', comment: 'revenue per customer and day' },
      { name: 'CUSTOMERS', kind: 'table' },
    ];
    const ranked = rankByRelevance(
      [...named, ...Array.from({ length: 50 }, (_, i) => ({ name: `B${i}`, kind: 'table' as const }))],
      'top customers by revenue',
    );
    assert.deepEqual(
      ranked.slice(0, 2).map((t) => t.name),
      ['CUSTOMERS', 'ZZ_FACTS'],
    );
    const catalog = fakeCatalog(600, named);
    const ctx = await loadSchemaContext(
      catalog,
      await listSchemaObjects(catalog, SALES),
      SALES,
      'top customers by revenue',
      {
        maxTables: 2,
      },
    );
    assert.deepEqual(
      ctx.tables.map((t) => t.name),
      ['CUSTOMERS', 'ZZ_FACTS'],
    );
  });

  it('finds the /schema table with SHOW ... LIKE (any schema size), case-insensitively, or says there is none', async () => {
    const catalog = fakeCatalog(5_000);
    const t = await loadTable(catalog, SALES, { name: 'orders' });
    assert.equal(t?.name, 'ORDERS');
    assert.deepEqual(catalog.shows, ["SHOW TABLES LIKE 'orders'", "SHOW VIEWS LIKE 'orders'"]);
    assert.equal(await loadTable(catalog, SALES, { name: 'NOPE' }), undefined);
    // `_` is a LIKE wildcard: a look-alike name is not taken for the one asked.
    const alike = fakeCatalog(1, [{ name: 'ORDERXSUMMARY', kind: 'table' }]);
    assert.equal((await loadTable(alike, SALES, { name: 'ORDER_SUMMARY' }))?.kind, 'VIEW');
  });

  it('caches a listing per key and forgets failures', async () => {
    const cache = new SchemaContextCache();
    let loads = 0;
    const load = async () => ({
      objects: Array.from({ length: ++loads }, () => ({ name: 'T', kind: 'table' as const })),
      complete: true,
    });
    await cache.get('k', load);
    assert.equal((await cache.get('k', load)).objects.length, 1);
    await assert.rejects(
      cache.get('x', async () => {
        throw new Error('down');
      }),
    );
    assert.equal((await cache.get('x', load)).objects.length, 2);
  });
});

describe('Run Preview', () => {
  it('caps SELECT and WITH queries, runs SHOW as it is, and refuses anything that changes data', () => {
    assert.equal(previewStatement('SELECT * FROM T;'), `SELECT * FROM T\nLIMIT ${PREVIEW_LIMIT}`);
    assert.equal(previewStatement('-- top\nSELECT 1 LIMIT 5'), 'SELECT 1 LIMIT 5');
    assert.equal(
      previewStatement("WITH x AS (SELECT ';' AS s) SELECT * FROM x"),
      `WITH x AS (SELECT ';' AS s) SELECT * FROM x\nLIMIT ${PREVIEW_LIMIT}`,
    );
    assert.equal(previewStatement('SHOW TABLES'), 'SHOW TABLES');
    for (const bad of ['DELETE FROM T', 'SELECT 1; DROP TABLE T', 'CREATE TABLE X (A INT)', '']) {
      assert.throws(
        () => previewStatement(bad),
        (e: unknown) => e instanceof SnowflakeExtError && e.kind === 'notSupported',
        bad,
      );
    }
  });

  it('shows the rows as a Markdown table with NULLs and pipes escaped', () => {
    const md = renderPreviewMarkdown('c', 'SELECT 1', {
      columns: [
        { name: 'A', type: 'text', nullable: true },
        { name: 'B', type: 'text', nullable: true },
      ],
      rows: [['x|y', null]],
    });
    assert.match(md, /^# Preview \(c, 1 row\)/);
    assert.match(md, /\| A \| B \|\n\| --- \| --- \|\n\| x\\\|y \| \*NULL\* \|/);
  });
});
