// Query history: per connection, newest first, capped, statement text bounded, never any result rows.
import assert from 'node:assert/strict';
import {
  HISTORY_TEXT_LIMIT,
  QueryHistory,
  type HistoryEntry,
  type HistoryStore,
} from '../../../src/core/snowflake/queryHistory';

class MemoryStore implements HistoryStore {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const entry = (connection: string, at: number, statement = `SELECT ${at}`): HistoryEntry => ({
  connection,
  statement,
  at,
  elapsedMs: 5,
  status: 'succeeded',
  rows: 1,
  queryId: `q-${at}`,
});

describe('QueryHistory', () => {
  it('keeps entries per connection, newest first, and merges connections by time', async () => {
    const h = new QueryHistory(new MemoryStore());
    await h.add(entry('a', 1));
    await h.add(entry('b', 2));
    await h.add(entry('a', 3));
    assert.deepEqual(
      h.entries('a').map((e) => e.at),
      [3, 1],
    );
    assert.deepEqual(
      h.entries().map((e) => `${e.connection}${e.at}`),
      ['a3', 'b2', 'a1'],
    );
  });

  it('drops the oldest entries past the cap, per connection', async () => {
    const h = new QueryHistory(new MemoryStore(), 3);
    for (let i = 1; i <= 5; i++) await h.add(entry('a', i));
    await h.add(entry('b', 9));
    assert.deepEqual(
      h.entries('a').map((e) => e.at),
      [5, 4, 3],
    );
    assert.equal(h.entries('b').length, 1);
  });

  it('stores only what the entry names (no rows) and bounds a huge statement', async () => {
    const store = new MemoryStore();
    const h = new QueryHistory(store);
    const withRows = { ...entry('a', 1, 'x'.repeat(HISTORY_TEXT_LIMIT + 10)), rowsData: [['secret']] } as HistoryEntry;
    await h.add(withRows);
    const saved = h.entries('a')[0]!;
    assert.equal(saved.statement.length, HISTORY_TEXT_LIMIT);
    assert.equal(JSON.stringify(store.data.get('positSnowflake.queryHistory')).includes('secret'), false);
    assert.equal(saved.queryId, 'q-1');
  });
});
