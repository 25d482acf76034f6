// The schema the @snowflake participant grounds SQL in: the first tables and views (with columns) of the
// connection's default database and schema, read with the catalog loaders, bounded, cached per connection.
import type { ConnectionProfile } from '../../auth/types';
import type { CatalogLoader, ColumnInfo, TableInfo } from '../../snowflake/catalogLoader';
import { SnowflakeExtError } from '../../shared/errors';
import type { SchemaTable, TableRef } from './sqlPrompts';

export type SchemaCatalog = Pick<
  CatalogLoader,
  'listDatabases' | 'listSchemas' | 'listTables' | 'listViews' | 'listColumns'
>;

export interface SchemaContext {
  readonly database: string;
  readonly schema: string;
  readonly tables: readonly SchemaTable[];
  /** Tables and views in the schema beyond those described. */
  readonly omitted: number;
}

export interface SchemaContextOptions {
  /** Tables described with their columns (each costs one DESCRIBE). */
  readonly maxTables?: number;
  /** DESCRIBE statements in flight at once. */
  readonly concurrency?: number;
}

const SYSTEM_DATABASES = new Set(['SNOWFLAKE', 'SNOWFLAKE_SAMPLE_DATA']);

/** Where to look: the connection's database/schema, else the first user database and its PUBLIC (or first) schema. */
export async function defaultLocation(
  catalog: SchemaCatalog,
  profile: ConnectionProfile,
  signal?: AbortSignal,
): Promise<{ database: string; schema: string }> {
  let database = profile.database;
  if (!database) {
    const dbs = (await catalog.listDatabases(undefined, signal)).items;
    database = (dbs.find((d) => !SYSTEM_DATABASES.has(d.name)) ?? dbs[0])?.name;
  }
  if (!database) {
    throw new SnowflakeExtError('notFound', `Connection '${profile.name}' sees no database to take tables from.`, {
      text: 'Set `database` (and `schema`) in the connection, or ask for access to a database.',
    });
  }
  let schema = profile.schema;
  if (!schema) {
    const schemas = (await catalog.listSchemas(database, undefined, signal)).items.filter(
      (s) => s.name !== 'INFORMATION_SCHEMA',
    );
    schema = (schemas.find((s) => s.name === 'PUBLIC') ?? schemas[0])?.name ?? 'PUBLIC';
  }
  return { database, schema };
}

export async function loadSchemaContext(
  catalog: SchemaCatalog,
  profile: ConnectionProfile,
  opts: SchemaContextOptions = {},
  signal?: AbortSignal,
): Promise<SchemaContext> {
  const maxTables = opts.maxTables ?? 30;
  const { database, schema } = await defaultLocation(catalog, profile, signal);
  const [tables, views] = await Promise.all([
    catalog.listTables(database, schema, undefined, signal),
    catalog.listViews(database, schema, undefined, signal),
  ]);
  const all = [...tables.items, ...views.items];
  const chosen = all.slice(0, maxTables);
  const described = await mapLimited(chosen, opts.concurrency ?? 4, (t) =>
    describe(catalog, database, schema, t, signal),
  );
  const more = (tables.next ? 1 : 0) + (views.next ? 1 : 0);
  return { database, schema, tables: described, omitted: all.length - chosen.length + more };
}

/** The table `/schema` names, resolved against the default location; names match case-insensitively if unquoted. */
export async function loadTable(
  catalog: SchemaCatalog,
  profile: ConnectionProfile,
  ref: TableRef,
  signal?: AbortSignal,
): Promise<SchemaTable | undefined> {
  const here =
    ref.database && ref.schema
      ? { database: ref.database, schema: ref.schema }
      : await defaultLocation(catalog, profile, signal);
  const database = ref.database ?? here.database;
  const schema = ref.schema ?? here.schema;
  const [tables, views] = await Promise.all([
    catalog.listTables(database, schema, undefined, signal),
    catalog.listViews(database, schema, undefined, signal),
  ]);
  const all = [...tables.items, ...views.items];
  const found =
    all.find((t) => t.name === ref.name) ?? all.find((t) => t.name.toUpperCase() === ref.name.toUpperCase());
  return found ? describe(catalog, database, schema, found, signal) : undefined;
}

async function describe(
  catalog: SchemaCatalog,
  database: string,
  schema: string,
  t: TableInfo,
  signal?: AbortSignal,
): Promise<SchemaTable> {
  const columns: ColumnInfo[] = await catalog.listColumns(database, schema, t.name, t.kind, signal);
  return {
    database,
    schema,
    name: t.name,
    kind: t.kind === 'view' ? 'VIEW' : 'TABLE',
    ...(t.comment ? { comment: t.comment } : {}),
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      ...(c.comment ? { comment: c.comment } : {}),
    })),
  };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Schema contexts per connection for a few minutes: one /sql after another should not re-read the catalog. */
export class SchemaContextCache {
  private readonly entries = new Map<string, { at: number; value: Promise<SchemaContext> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<SchemaContext>): Promise<SchemaContext> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
