import assert from 'node:assert/strict';
import { CatalogLoader, type QueryRunner } from '../../../src/core/snowflake/catalogLoader';
import type { FolderNode } from '../../../src/core/tree/connectionNodes';
import { FolderTotals } from '../../../src/core/tree/folderTotals';
import { MemoryLogger } from '../../support/memoryLogger';
import { showResult } from '../snowflake/fakeSql';

const folder: FolderNode = {
  kind: 'folder',
  id: 'c/dev/db:BIG_DB/schema:MANY_TABLES/tables',
  parentId: 'c/dev/db:BIG_DB/schema:MANY_TABLES',
  connectionName: 'dev',
  database: 'BIG_DB',
  schema: 'MANY_TABLES',
  objectKind: 'table',
};

function totals(warehouse: string | undefined, state: 'STARTED' | 'SUSPENDED') {
  const sent: string[] = [];
  const run: QueryRunner = async (sql) => {
    sent.push(sql);
    if (sql === 'SHOW WAREHOUSES') return showResult(['DEMO_WH'], { state: () => state });
    if (sql.startsWith('SELECT COUNT(*)'))
      return { columns: [{ name: 'COUNT(*)', type: 'fixed', nullable: false }], rows: [['20000']] };
    throw new Error(`unexpected ${sql}`);
  };
  const told: string[] = [];
  const t = new FolderTotals({
    loaderFor: () => new CatalogLoader(run),
    warehouseOf: () => warehouse,
    onTotal: (f) => told.push(f.id),
    logger: new MemoryLogger(),
  });
  return { t, sent, told };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

describe('FolderTotals: the real count behind "500+"', () => {
  it('counts through INFORMATION_SCHEMA when the session’s warehouse is running, once per folder', async () => {
    const { t, sent, told } = totals('DEMO_WH', 'STARTED');
    t.request(folder);
    t.request(folder);
    await settle();
    assert.equal(t.get(folder.id), 20_000);
    assert.deepEqual(told, [folder.id]);
    assert.equal(sent.filter((s) => s.startsWith('SELECT COUNT(*)')).length, 1);
    assert.ok(
      sent.includes(
        'SELECT COUNT(*) FROM "BIG_DB".INFORMATION_SCHEMA.TABLES ' +
          "WHERE TABLE_SCHEMA = 'MANY_TABLES' AND TABLE_TYPE NOT IN ('VIEW', 'MATERIALIZED VIEW')",
      ),
      sent.join('\n'),
    );
    t.forget('c/dev/db:BIG_DB');
    assert.equal(t.get(folder.id), undefined, 'a refresh above the folder forgets its total');
  });

  it('never resumes a suspended warehouse, and asks nothing without one', async () => {
    const suspended = totals('DEMO_WH', 'SUSPENDED');
    suspended.t.request(folder);
    await settle();
    assert.equal(suspended.t.get(folder.id), undefined);
    assert.ok(!suspended.sent.some((s) => s.startsWith('SELECT')), suspended.sent.join('\n'));
    const none = totals(undefined, 'STARTED');
    none.t.request(folder);
    await settle();
    assert.deepEqual(none.sent, []);
  });
});
