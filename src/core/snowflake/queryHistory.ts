// Statements run from the editor, per connection, newest first: what ran, when, how long, rows, query id and
// status. Never result data. Kept in a small key-value store (the workspace state) and capped.

/** Entries kept per connection; older ones fall off. */
export const HISTORY_LIMIT = 200;
/** Statement text kept per entry (a pasted data load must not fill the workspace state). */
export const HISTORY_TEXT_LIMIT = 20_000;

export interface HistoryEntry {
  readonly connection: string;
  readonly statement: string;
  /** Epoch milliseconds when it started. */
  readonly at: number;
  readonly elapsedMs: number;
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly rows?: number;
  readonly queryId?: string;
  /** The error's message, for a failed statement. */
  readonly error?: string;
}

/** The part of a Memento the history needs. */
export interface HistoryStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = 'positSnowflake.queryHistory';

export class QueryHistory {
  constructor(
    private readonly store: HistoryStore,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  private all(): Record<string, HistoryEntry[]> {
    return this.store.get<Record<string, HistoryEntry[]>>(KEY) ?? {};
  }

  /** Newest first; one connection's, or every connection's merged by time. */
  entries(connection?: string): HistoryEntry[] {
    const all = this.all();
    if (connection !== undefined) return [...(all[connection] ?? [])];
    return Object.values(all)
      .flat()
      .sort((a, b) => b.at - a.at);
  }

  async add(entry: HistoryEntry): Promise<void> {
    const all = this.all();
    const statement =
      entry.statement.length > HISTORY_TEXT_LIMIT ? entry.statement.slice(0, HISTORY_TEXT_LIMIT) : entry.statement;
    // Only the named fields: whatever else the caller's object carries (a result) stays out of the store.
    const { connection, at, elapsedMs, status, rows, queryId, error } = entry;
    const kept: HistoryEntry = {
      connection,
      statement,
      at,
      elapsedMs,
      status,
      ...(rows !== undefined ? { rows } : {}),
      ...(queryId !== undefined ? { queryId } : {}),
      ...(error !== undefined ? { error: error.slice(0, 2000) } : {}),
    };
    const list = [kept, ...(all[entry.connection] ?? [])].slice(0, this.limit);
    await this.store.update(KEY, { ...all, [entry.connection]: list });
  }

  async clear(): Promise<void> {
    await this.store.update(KEY, undefined);
  }
}
