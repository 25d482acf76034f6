// The names SQL help offers for one connection: what the Connections tree has already loaded first, else loaded on
// demand through the catalog loader (one page of SHOW; past a page, `SHOW ... LIKE '<typed>%'` for the typed start)
// and kept in a small bounded cache until the tree is refreshed.
import type { CatalogLoader, ColumnInfo, ObjectKind } from '../snowflake/catalogLoader';

export interface CatalogName {
  readonly name: string;
  /** For tables and views. */
  readonly kind?: ObjectKind;
  readonly comment?: string;
}

/** A listing and whether it holds every name (false: a first page of a bigger list). */
export interface Listing {
  readonly names: readonly CatalogName[];
  readonly complete: boolean;
}

/**
 * What the tree has loaded at a path: [] → databases, [db] → schemas, [db, schema] → tables and views (undefined
 * unless both folders were listed), [db, schema, table] → columns.
 */
export interface LoadedCatalog {
  names(path: readonly string[]): Listing | undefined;
  columns(path: readonly [string, string, string]): readonly ColumnInfo[] | undefined;
}

/** Entries kept per connection; enough for a session of typing, bounded for a catalog of any size. */
const MAX_ENTRIES = 200;

type Loader = Pick<
  CatalogLoader,
  'listDatabases' | 'listSchemas' | 'listTables' | 'listViews' | 'findObjects' | 'listColumns'
>;

export class SqlCatalog {
  /** Loads are shared by every request that asks for the same names, so none is cancelled by one request's end. */
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly loader: Loader,
    private readonly loaded?: LoadedCatalog,
  ) {}

  databases(): Promise<Listing> {
    return this.loaded?.names([])
      ? Promise.resolve(this.loaded.names([])!)
      : this.remember('db', async () => {
          const page = await this.loader.listDatabases();
          return { names: page.items.map((d) => ({ name: d.name, comment: d.comment })), complete: !page.next };
        });
  }

  schemas(database: string): Promise<Listing> {
    const tree = this.loaded?.names([database]);
    if (tree) return Promise.resolve(tree);
    return this.remember(key('schemas', database), async () => {
      const page = await this.loader.listSchemas(database);
      return { names: page.items.map((s) => ({ name: s.name, comment: s.comment })), complete: !page.next };
    });
  }

  /** Tables and views of a schema; past one page, those whose name starts with `prefix` (case-insensitive). */
  async objects(database: string, schema: string, prefix = ''): Promise<Listing> {
    const first =
      this.loaded?.names([database, schema]) ??
      (await this.remember(key('objects', database, schema), async (): Promise<Listing> => {
        const [tables, views] = await Promise.all([
          this.loader.listTables(database, schema),
          this.loader.listViews(database, schema),
        ]);
        return {
          names: [...tables.items, ...views.items].map((t) => ({ name: t.name, kind: t.kind, comment: t.comment })),
          complete: !tables.next && !views.next,
        };
      }));
    if (first.complete || prefix === '') return first;
    // SHOW ... LIKE is case-insensitive with `_` and `%` as wildcards: a superset, narrowed to the real prefix here.
    const found = await this.remember(
      key('like', database, schema, prefix.toUpperCase()),
      async (): Promise<Listing> => {
        const pattern = `${prefix}%`;
        const [tables, views] = await Promise.all([
          this.loader.findObjects('table', database, schema, pattern),
          this.loader.findObjects('view', database, schema, pattern),
        ]);
        return {
          names: [...tables, ...views].map((t) => ({ name: t.name, kind: t.kind, comment: t.comment })),
          complete: true,
        };
      },
    );
    const p = prefix.toUpperCase();
    return { names: found.names.filter((n) => n.name.toUpperCase().startsWith(p)), complete: false };
  }

  /** Columns of a table or view; undefined when there is no such object. */
  async columns(database: string, schema: string, table: string): Promise<readonly ColumnInfo[] | undefined> {
    const tree = this.loaded?.columns([database, schema, table]);
    if (tree) return tree;
    return this.remember(key('columns', database, schema, table), async () => {
      const kind = await this.kindOf(database, schema, table);
      try {
        return await this.loader.listColumns(database, schema, table, kind);
      } catch (err) {
        if (kind !== undefined) throw err;
        // Not listed yet: it may be a view.
        return this.loader.listColumns(database, schema, table, 'view');
      }
    }).catch(() => undefined);
  }

  /** Forgets what was loaded (the tree was refreshed, the session changed). */
  clear(): void {
    this.cache.clear();
  }

  private async kindOf(database: string, schema: string, table: string): Promise<ObjectKind | undefined> {
    const listed =
      this.loaded?.names([database, schema]) ?? (await this.peek<Listing>(key('objects', database, schema)));
    return listed?.names.find((n) => n.name === table)?.kind;
  }

  private async peek<T>(k: string): Promise<T | undefined> {
    const p = this.cache.get(k) as Promise<T> | undefined;
    return p ? p.catch(() => undefined) : undefined;
  }

  /** One load per key, shared; a failed load is remembered too, so typing does not repeat a failing query. */
  private remember<T>(k: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(k) as Promise<T> | undefined;
    if (hit) {
      // Most recently used last, so the oldest goes first when the cache is full.
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    const p = load();
    p.catch(() => undefined);
    this.cache.set(k, p);
    while (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }
}

const key = (...parts: readonly string[]): string => JSON.stringify(parts);
