// Catalog loaders: the warehouse-free SHOW / DESCRIBE commands behind the tree, paged with `LIMIT n FROM '<last>'`,
// plus a table preview. They return data or throw typed errors; the tree decides how errors look.
import { refusalOf } from '../auth/serverCodes';
import { SnowflakeExtError } from '../shared/errors';
import { sqlIdentifier, sqlString } from './identifiers';
import type { DatesAs, QueryResult, ResultColumn } from './sqlDriver';

/** Children shown per page; more come with "Load more". */
export const PAGE_SIZE = 500;
export const PREVIEW_ROWS = 100;

export interface RunOptions {
  /** Listings leave dates unconverted (they show none); previews get the session's formats (the default). */
  readonly datesAs?: DatesAs;
  /** Fetch no rows; the result comes back as a cursor (Table Preview's grid reads it). */
  readonly cursor?: boolean;
}

/** Catalog listings never show dates (SHOW's created_on), so the driver does not convert them at all. */
const LISTING: RunOptions = { datesAs: 'none' };

/** Runs one statement for the loaders (the session manager bound to a connection, or a fake in tests). */
export type QueryRunner = (
  sqlText: string,
  what: string,
  signal?: AbortSignal,
  options?: RunOptions,
) => Promise<QueryResult>;

export interface Page<T> {
  readonly items: readonly T[];
  /** Cursor for the next page (the last name shown); undefined when this was the last page. */
  readonly next?: string;
}

export interface DatabaseInfo {
  readonly name: string;
  readonly comment?: string;
  readonly owner?: string;
  readonly kind?: string;
  readonly origin?: string;
}
export interface SchemaInfo {
  readonly name: string;
  readonly comment?: string;
  readonly owner?: string;
}
export type ObjectKind = 'table' | 'view';
/** What the tree shows of a table or view, and nothing more: a schema can hold hundreds of thousands of them. */
export interface TableInfo {
  readonly name: string;
  readonly kind: ObjectKind;
  readonly comment?: string;
  readonly rows?: number;
}
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly comment?: string;
  readonly primaryKey?: boolean;
}
export interface RoleInfo {
  readonly name: string;
  readonly isDefault: boolean;
  readonly isCurrent: boolean;
}
export interface WarehouseInfo {
  readonly name: string;
  readonly state?: string;
  readonly size?: string;
  readonly isDefault: boolean;
  readonly isCurrent: boolean;
}
export interface TablePreview {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** The statement that ran and the result left on the server, when asked for a cursor (rows is then empty). */
  readonly sql?: string;
  readonly result?: QueryResult;
}

type Row = readonly (string | null)[];

/** Reads SHOW/DESCRIBE rows by column name (case-insensitive), tolerating columns a server version lacks. */
function reader(result: QueryResult): (row: Row, column: string) => string | undefined {
  const index = new Map(result.columns.map((c, i) => [c.name.toLowerCase(), i]));
  return (row, column) => {
    const i = index.get(column);
    const v = i === undefined ? undefined : row[i];
    return v === null || v === undefined || v === '' ? undefined : v;
  };
}

/** Only the fields a row has: an absent comment or row count takes no slot in each of thousands of objects. */
function tableInfo(name: string, kind: ObjectKind, comment?: string, rows?: number): TableInfo {
  if (comment === undefined) return rows === undefined ? { name, kind } : { name, kind, rows };
  return rows === undefined ? { name, kind, comment } : { name, kind, comment, rows };
}

const yes = (v: string | undefined): boolean => v === 'Y' || v === 'true' || v === 'YES';
const num = (v: string | undefined): number | undefined =>
  v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v);

export class CatalogLoader {
  constructor(
    private readonly run: QueryRunner,
    private readonly pageSize = PAGE_SIZE,
  ) {}

  listDatabases(after?: string, signal?: AbortSignal): Promise<Page<DatabaseInfo>> {
    return this.page('SHOW DATABASES', 'Listing databases', after, signal, (get, r) => ({
      name: get(r, 'name')!,
      comment: get(r, 'comment'),
      owner: get(r, 'owner'),
      kind: get(r, 'kind'),
      origin: get(r, 'origin'),
    }));
  }

  listSchemas(database: string, after?: string, signal?: AbortSignal): Promise<Page<SchemaInfo>> {
    return this.page(
      `SHOW SCHEMAS IN DATABASE ${sqlIdentifier(database)}`,
      `Listing schemas in ${database}`,
      after,
      signal,
      (get, r) => ({
        name: get(r, 'name')!,
        comment: get(r, 'comment'),
        owner: get(r, 'owner'),
      }),
    );
  }

  /** Tables of a schema, a page at a time; `like` filters names server-side (SHOW ... LIKE, see findObjects). */
  listTables(
    database: string,
    schema: string,
    after?: string,
    signal?: AbortSignal,
    like?: string,
  ): Promise<Page<TableInfo>> {
    return this.listObjects('table', database, schema, after, signal, like);
  }

  listViews(
    database: string,
    schema: string,
    after?: string,
    signal?: AbortSignal,
    like?: string,
  ): Promise<Page<TableInfo>> {
    return this.listObjects('view', database, schema, after, signal, like);
  }

  /**
   * Tables or views whose name matches `name` (SHOW ... LIKE, case-insensitive; `_` and `%` are wildcards there, so
   * callers compare names themselves): one statement however large the schema.
   */
  async findObjects(
    kind: ObjectKind,
    database: string,
    schema: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<TableInfo[]> {
    const plural = kind === 'view' ? 'VIEWS' : 'TABLES';
    const sql = `SHOW ${plural} LIKE ${sqlString(name)} IN SCHEMA ${sqlIdentifier(database, schema)}`;
    const result = await this.run(sql, `Looking for ${name} in ${database}.${schema}`, signal, LISTING);
    const get = reader(result);
    return result.rows.map((r) => tableInfo(get(r, 'name')!, kind, get(r, 'comment')));
  }

  /**
   * How many tables (or views) a schema holds, from INFORMATION_SCHEMA.TABLES (docs.snowflake.com/en/sql-reference/
   * info-schema/tables: TABLE_TYPE is 'VIEW' or 'MATERIALIZED VIEW' for views). Unlike SHOW it needs a warehouse.
   */
  async countObjects(kind: ObjectKind, database: string, schema: string, signal?: AbortSignal): Promise<number> {
    const views = "('VIEW', 'MATERIALIZED VIEW')";
    const sql =
      `SELECT COUNT(*) FROM ${sqlIdentifier(database)}.INFORMATION_SCHEMA.TABLES ` +
      `WHERE TABLE_SCHEMA = ${sqlString(schema)} AND TABLE_TYPE ${kind === 'view' ? 'IN' : 'NOT IN'} ${views}`;
    const result = await this.run(sql, `Counting the ${kind}s in ${database}.${schema}`, signal, LISTING);
    const n = Number(result.rows[0]?.[0]);
    if (!Number.isInteger(n)) throw new Error(`Snowflake gave no count of the ${kind}s in ${database}.${schema}.`);
    return n;
  }

  async listColumns(
    database: string,
    schema: string,
    table: string,
    kind: ObjectKind = 'table',
    signal?: AbortSignal,
  ): Promise<ColumnInfo[]> {
    const sql = `DESCRIBE ${kind === 'view' ? 'VIEW' : 'TABLE'} ${sqlIdentifier(database, schema, table)}`;
    const result = await this.run(sql, `Listing columns of ${database}.${schema}.${table}`, signal, LISTING);
    const get = reader(result);
    return result.rows
      .filter((r) => (get(r, 'kind') ?? 'COLUMN') === 'COLUMN')
      .map((r) => ({
        name: get(r, 'name')!,
        type: get(r, 'type') ?? '',
        nullable: yes(get(r, 'null?')),
        comment: get(r, 'comment'),
        primaryKey: yes(get(r, 'primary key')),
      }));
  }

  async listRoles(signal?: AbortSignal): Promise<RoleInfo[]> {
    const result = await this.run('SHOW ROLES', 'Listing roles', signal, LISTING);
    const get = reader(result);
    return result.rows.map((r) => ({
      name: get(r, 'name')!,
      isDefault: yes(get(r, 'is_default')),
      isCurrent: yes(get(r, 'is_current')),
    }));
  }

  async listWarehouses(signal?: AbortSignal): Promise<WarehouseInfo[]> {
    const result = await this.run('SHOW WAREHOUSES', 'Listing warehouses', signal, LISTING);
    const get = reader(result);
    return result.rows.map((r) => ({
      name: get(r, 'name')!,
      state: get(r, 'state'),
      size: get(r, 'size'),
      isDefault: yes(get(r, 'is_default')),
      isCurrent: yes(get(r, 'is_current')),
    }));
  }

  /** The first `limit` rows with the column types; needs a warehouse. */
  async previewTable(
    database: string,
    schema: string,
    table: string,
    limit = PREVIEW_ROWS,
    signal?: AbortSignal,
    options?: { readonly cursor?: boolean },
  ): Promise<TablePreview> {
    const name = `${database}.${schema}.${table}`;
    const sql = `SELECT * FROM ${sqlIdentifier(database, schema, table)} LIMIT ${limit}`;
    try {
      const result = await this.run(sql, `Previewing ${name}`, signal, options?.cursor ? { cursor: true } : undefined);
      return { columns: result.columns, rows: result.rows, sql, result };
    } catch (err) {
      if (err instanceof SnowflakeExtError && refusalOf(err) === 'warehouse-missing') {
        throw new SnowflakeExtError(
          'config',
          `Previewing ${name} needs a warehouse, and this session has none.`,
          {
            text: "Run 'Snowflake: Switch Warehouse' on the connection, or set `warehouse` in the connection.",
            command: 'positSnowflake.switchWarehouse',
            commandTitle: 'Switch Warehouse',
          },
          err.code,
          { cause: err, refusal: 'warehouse-missing' },
        );
      }
      throw err;
    }
  }

  private listObjects(
    kind: ObjectKind,
    database: string,
    schema: string,
    after?: string,
    signal?: AbortSignal,
    like?: string,
  ): Promise<Page<TableInfo>> {
    const plural = kind === 'view' ? 'VIEWS' : 'TABLES';
    // SHOW <objects> [LIKE '<pattern>'] [IN SCHEMA ...] [LIMIT n [FROM '<name>']]: the order the SHOW TABLES page
    // gives (docs.snowflake.com/en/sql-reference/sql/show-tables), so a filtered list pages like an unfiltered one.
    const filter = like !== undefined ? ` LIKE ${sqlString(like)}` : '';
    return this.page(
      `SHOW ${plural}${filter} IN SCHEMA ${sqlIdentifier(database, schema)}`,
      `Listing ${plural.toLowerCase()} in ${database}.${schema}`,
      after,
      signal,
      (get, r) => tableInfo(get(r, 'name')!, kind, get(r, 'comment'), num(get(r, 'rows'))),
    );
  }

  /**
   * One page of a SHOW: asks for one row more than a page so "is there more?" needs no extra round trip, and drops
   * the cursor row itself should a server include it.
   */
  private async page<T extends { name: string }>(
    base: string,
    what: string,
    after: string | undefined,
    signal: AbortSignal | undefined,
    map: (get: ReturnType<typeof reader>, row: Row) => T,
  ): Promise<Page<T>> {
    const limit = this.pageSize + 1;
    const sql = `${base} LIMIT ${limit}${after !== undefined ? ` FROM ${sqlString(after)}` : ''}`;
    const result = await this.run(sql, what, signal, LISTING);
    const get = reader(result);
    const all = result.rows.map((r) => map(get, r)).filter((x) => x.name !== undefined && x.name !== after);
    const items = all.slice(0, this.pageSize);
    const more = result.rows.length >= limit && items.length > 0;
    return { items, next: more ? items[items.length - 1]!.name : undefined };
  }
}
