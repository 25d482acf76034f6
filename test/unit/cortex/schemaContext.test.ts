// What /sql and /schema read from the catalog (bounded, default location), and what Run Preview agrees to run.
import assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import {
  SchemaContextCache,
  loadSchemaContext,
  loadTable,
  type SchemaCatalog,
} from '../../../src/core/cortex/grounding/schemaContext';
import { PREVIEW_LIMIT, previewStatement, renderPreviewMarkdown } from '../../../src/core/cortex/grounding/sqlPreview';
import type { TableInfo } from '../../../src/core/snowflake/catalogLoader';
import { SnowflakeExtError } from '../../../src/core/shared/errors';

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

/** A catalog with SNOWFLAKE + SALES_DB (PUBLIC: `tables` tables and one view) that counts DESCRIBEs. */
function fakeCatalog(tables = 3): SchemaCatalog & { describes: string[] } {
  const names: TableInfo[] = Array.from({ length: tables }, (_, i) => ({
    name: i === 0 ? 'ORDERS' : `T${i}`,
    kind: 'table',
  }));
  const describes: string[] = [];
  return {
    describes,
    listDatabases: async () => ({ items: [{ name: 'SNOWFLAKE' }, { name: 'SALES_DB' }] }),
    listSchemas: async () => ({ items: [{ name: 'INFORMATION_SCHEMA' }, { name: 'PUBLIC' }] }),
    listTables: async () => ({ items: names.slice(0, 500), ...(names.length > 500 ? { next: names[499]!.name } : {}) }),
    listViews: async () => ({ items: [{ name: 'ORDER_SUMMARY', kind: 'view' as const }] }),
    listColumns: async (db, schema, table) => {
      describes.push(`${db}.${schema}.${table}`);
      return [
        { name: 'ID', type: 'NUMBER(38,0)', nullable: false },
        { name: 'AMOUNT', type: 'NUMBER(10,2)', nullable: true, comment: 'in USD' },
      ];
    },
  };
}

describe('schema context for @snowflake', () => {
  it("reads the first tables of the connection's default location, or the first user database's PUBLIC schema", async () => {
    const fixed = await loadSchemaContext(fakeCatalog(), profile({ database: 'SALES_DB', schema: 'PUBLIC' }));
    assert.deepEqual(
      [fixed.database, fixed.schema, fixed.tables.map((t) => t.name)],
      ['SALES_DB', 'PUBLIC', ['ORDERS', 'T1', 'T2', 'ORDER_SUMMARY']],
    );
    assert.equal(fixed.tables[3]!.kind, 'VIEW');
    assert.deepEqual(fixed.tables[0]!.columns[1], {
      name: 'AMOUNT',
      type: 'NUMBER(10,2)',
      nullable: true,
      comment: 'in USD',
    });
    const found = await loadSchemaContext(fakeCatalog(), profile());
    assert.deepEqual([found.database, found.schema], ['SALES_DB', 'PUBLIC']);
  });

  it('describes at most maxTables tables and counts the rest', async () => {
    const catalog = fakeCatalog(800);
    const ctx = await loadSchemaContext(catalog, profile({ database: 'SALES_DB', schema: 'PUBLIC' }), {
      maxTables: 10,
    });
    assert.equal(ctx.tables.length, 10);
    assert.equal(catalog.describes.length, 10);
    assert.ok(ctx.omitted >= 491, `omitted ${ctx.omitted}`);
  });

  it('finds the /schema table case-insensitively, or says there is none', async () => {
    const t = await loadTable(fakeCatalog(), profile({ database: 'SALES_DB', schema: 'PUBLIC' }), { name: 'orders' });
    assert.equal(t?.name, 'ORDERS');
    assert.equal(await loadTable(fakeCatalog(), profile({ database: 'SALES_DB' }), { name: 'NOPE' }), undefined);
  });

  it('caches a context per key and forgets failures', async () => {
    const cache = new SchemaContextCache();
    let loads = 0;
    const load = async () => ({ database: 'D', schema: 'S', tables: [], omitted: ++loads });
    await cache.get('k', load);
    assert.equal((await cache.get('k', load)).omitted, 1);
    await assert.rejects(
      cache.get('x', async () => {
        throw new Error('down');
      }),
    );
    assert.equal((await cache.get('x', load)).omitted, 2);
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
