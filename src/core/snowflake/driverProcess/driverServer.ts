// The SQL driver process's side: serves the requests of protocol.ts with a real SqlDriver (snowflake-sdk), keeping
// its connections, cursors and readers by number. It runs in its own Node process so that the driver's memory (a
// result's chunks while they are read: V8 keeps the heap's high-water mark as resident memory) is the process's,
// given back to the system when the extension host retires the process.
import { isCancelled } from '../../shared/errors';
import type { ResultCursor, RowReader, SqlConnection, SqlDriver } from '../sqlDriver';
import { toWireError, type FromDriver, type ToDriver, type WireResult } from './protocol';

/** Rows read at a time while passing over rows. */
const SKIP_BATCH = 4096;

export interface DriverChannel {
  send(message: FromDriver): void;
  onMessage(listener: (message: ToDriver) => void): void;
}

export interface ServedDriver {
  /** Closes every connection (logging its session out). */
  closeAll(): Promise<void>;
}

export function serveDriver(driver: SqlDriver, channel: DriverChannel): ServedDriver {
  const connections = new Map<number, SqlConnection>();
  const cursors = new Map<number, { readonly conn: number; readonly cursor: ResultCursor }>();
  const readers = new Map<number, { readonly cursor: number; readonly reader: RowReader }>();
  const running = new Map<number, AbortController>();
  let next = 1;

  const reportMemory = (): void => channel.send({ rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
  const closeReader = (id: number): void => {
    readers.get(id)?.reader.close();
    readers.delete(id);
  };
  const release = (id: number): void => {
    if (!cursors.delete(id)) return;
    for (const [r, entry] of readers) if (entry.cursor === id) closeReader(r);
    reportMemory();
  };

  const handle = async (
    m: ToDriver & { id: number },
  ): Promise<number | WireResult | readonly (string | null)[][] | null> => {
    switch (m.op) {
      case 'connect': {
        const id = next++;
        connections.set(id, await driver.connect(m.options));
        return id;
      }
      case 'execute': {
        const conn = connections.get(m.conn);
        // The driver's own code for a connection that is gone: the session manager logs in again once.
        if (!conn) throw Object.assign(new Error('The SQL session is disconnected.'), { code: 405503 });
        const controller = new AbortController();
        running.set(m.id, controller);
        try {
          const { cursor, ...result } = await conn.execute(m.sql, controller.signal, m.options);
          if (!cursor) return result;
          const id = next++;
          cursors.set(id, { conn: m.conn, cursor });
          return {
            ...result,
            cursor: { id, columns: cursor.columns, totalRows: cursor.totalRows, queryId: cursor.queryId },
          };
        } finally {
          running.delete(m.id);
        }
      }
      case 'close': {
        const conn = connections.get(m.conn);
        connections.delete(m.conn);
        for (const [id, c] of cursors) if (c.conn === m.conn) release(id);
        await conn?.close();
        return null;
      }
      case 'rows': {
        const c = cursors.get(m.cursor);
        if (!c) throw new Error('The result was closed.');
        const id = next++;
        readers.set(id, { cursor: m.cursor, reader: c.cursor.rows(m.start, m.end) });
        return id;
      }
      case 'read': {
        const r = readers.get(m.reader);
        if (!r) return [];
        return (await r.reader.read(m.max)) as (string | null)[][];
      }
      case 'skip': {
        const r = readers.get(m.reader);
        if (!r) return 0;
        if (r.reader.skip) return r.reader.skip(m.count);
        let passed = 0;
        while (passed < m.count) {
          const batch = await r.reader.read(Math.min(m.count - passed, SKIP_BATCH));
          if (batch.length === 0) break;
          passed += batch.length;
        }
        return passed;
      }
      default:
        return null;
    }
  };

  channel.onMessage((m) => {
    if (!('id' in m)) {
      if (m.op === 'abort') running.get(m.target)?.abort();
      else if (m.op === 'closeReader') closeReader(m.reader);
      else release(m.cursor);
      return;
    }
    handle(m).then(
      (value) => channel.send({ id: m.id, ok: true, value }),
      (err: unknown) =>
        channel.send({
          id: m.id,
          ok: false,
          error: isCancelled(err)
            ? { name: 'CancelledError', message: 'Cancelled.', cancelled: true }
            : toWireError(err),
        }),
    );
  });
  return {
    async closeAll() {
      const all = [...connections.values()];
      connections.clear();
      cursors.clear();
      await Promise.all(all.map((c) => c.close().catch(() => undefined)));
    },
  };
}
