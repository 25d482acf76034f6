// Result sets of the SHOW/DESCRIBE commands the extension uses, with Snowflake's column names, its 10,000-row cap
// and `LIMIT n FROM '<name>'` paging (names strictly after '<name>', in name order).
import { T, type ColumnType, type DatabaseDef, type SchemaDef, type TableDef } from './catalog';

export interface ResultColumn {
  readonly name: string;
  readonly t: ColumnType;
  readonly nullable?: boolean;
}
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: (string | null)[][];
  readonly statementTypeId?: number;
}

export class SqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

export const SHOW_ROW_CAP = 10_000;

export interface ShowFilter {
  like?: string;
  startsWith?: string;
  limit?: number;
  from?: string;
}

const text = (name: string): ResultColumn => ({ name, t: T.varchar() });
const ltz = (name: string): ResultColumn => ({ name, t: T.timestampLtz() });
const num = (name: string): ResultColumn => ({ name, t: T.number() });
const ts = (ms: number): string => `${Math.floor(ms / 1000)}.000000000`;
const yn = (b: boolean): string => (b ? 'Y' : 'N');

/**
 * SHOW ... LIKE '<pattern>': case-insensitive, `%` any run of characters, `_` any one character
 * (docs.snowflake.com/en/sql-reference/sql/show-tables, "LIKE 'pattern'": "case-insensitive, with support for SQL
 * wildcard characters (% and _)").
 */
export function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

/** Applies LIKE / STARTS WITH / LIMIT n FROM 'x' and the 10,000-row cap to names in Snowflake's order. */
export function pageNames(names: readonly string[], f: ShowFilter): string[] {
  if (f.limit !== undefined && (f.limit < 1 || f.limit > SHOW_ROW_CAP)) {
    throw new SqlError('001007', '22023', `SQL compilation error:\ninvalid value [${f.limit}] for parameter 'LIMIT'`);
  }
  const like = f.like !== undefined ? likeToRegExp(f.like) : undefined;
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  const cap = f.limit ?? SHOW_ROW_CAP;
  for (const n of sorted) {
    if (f.from !== undefined && n <= f.from) continue;
    if (f.startsWith !== undefined && !n.startsWith(f.startsWith)) continue;
    if (like && !like.test(n)) continue;
    out.push(n);
    if (out.length >= cap) break;
  }
  return out;
}

export function showDatabases(dbs: readonly DatabaseDef[], current: string | undefined, f: ShowFilter): QueryResult {
  const byName = new Map(dbs.map((d) => [d.name, d]));
  const rows = pageNames([...byName.keys()], f).map((n) => {
    const d = byName.get(n)!;
    return [
      ts(d.createdOn),
      d.name,
      'N',
      yn(d.name === current),
      '',
      d.name === 'SNOWFLAKE' ? '' : 'SYSADMIN',
      d.comment,
      '',
      '1',
      'STANDARD',
      null,
      'ROLE',
    ];
  });
  return {
    rows,
    columns: [
      ltz('created_on'),
      text('name'),
      text('is_default'),
      text('is_current'),
      text('origin'),
      text('owner'),
      text('comment'),
      text('options'),
      text('retention_time'),
      text('kind'),
      text('budget'),
      text('owner_role_type'),
    ],
  };
}

export function showSchemas(db: DatabaseDef, current: string | undefined, f: ShowFilter): QueryResult {
  const all = new Map<string, SchemaDef | undefined>([
    ...db.schemas.map((s) => [s.name, s] as const),
    ['INFORMATION_SCHEMA', undefined],
  ]);
  const rows = pageNames([...all.keys()], f).map((n) => {
    const s = all.get(n);
    return [
      ts(db.createdOn),
      n,
      'N',
      yn(n === current),
      db.name,
      s ? 'SYSADMIN' : '',
      s?.comment ?? 'Views describing the contents of schemas in this database',
      '',
      '1',
      s ? 'ROLE' : '',
      null,
    ];
  });
  return {
    rows,
    columns: [
      ltz('created_on'),
      text('name'),
      text('is_default'),
      text('is_current'),
      text('database_name'),
      text('owner'),
      text('comment'),
      text('options'),
      text('retention_time'),
      text('owner_role_type'),
      text('budget'),
    ],
  };
}

export interface SchemaRef {
  readonly db: string;
  readonly schema: SchemaDef;
}

/** SHOW TABLES / SHOW VIEWS over one schema or every schema of a database. */
export function showObjects(kind: 'TABLE' | 'VIEW', scopes: readonly SchemaRef[], f: ShowFilter): QueryResult {
  // Across several schemas Snowflake orders by schema then name; FROM pages on the name within that order.
  const rows: (string | null)[][] = [];
  for (const { db, schema } of scopes) {
    for (const n of pageNames(schema.names(kind), { ...f, limit: (f.limit ?? SHOW_ROW_CAP) - rows.length })) {
      const t = schema.table(n)!;
      rows.push(kind === 'TABLE' ? tableRow(db, schema.name, t) : viewRow(db, schema.name, t));
      if (rows.length >= (f.limit ?? SHOW_ROW_CAP)) break;
    }
    if (rows.length >= (f.limit ?? SHOW_ROW_CAP)) break;
  }
  if (kind === 'TABLE') {
    return {
      rows,
      columns: [
        ltz('created_on'),
        text('name'),
        text('database_name'),
        text('schema_name'),
        text('kind'),
        text('comment'),
        text('cluster_by'),
        num('rows'),
        num('bytes'),
        text('owner'),
        text('retention_time'),
        text('automatic_clustering'),
        text('change_tracking'),
        text('is_external'),
        text('enable_schema_evolution'),
        text('owner_role_type'),
        text('is_event'),
        text('budget'),
        text('is_hybrid'),
        text('is_iceberg'),
        text('is_dynamic'),
        text('is_immutable'),
      ],
    };
  }
  return {
    rows,
    columns: [
      ltz('created_on'),
      text('name'),
      text('reserved'),
      text('database_name'),
      text('schema_name'),
      text('owner'),
      text('comment'),
      text('text'),
      text('is_secure'),
      text('is_materialized'),
      text('owner_role_type'),
      text('change_tracking'),
    ],
  };
}

function tableRow(db: string, schema: string, t: TableDef): (string | null)[] {
  return [
    ts(t.createdOn),
    t.name,
    db,
    schema,
    'TABLE',
    t.comment,
    '',
    String(t.generated?.rowCount ?? t.rows.length),
    String((t.generated?.rowCount ?? t.rows.length) * 1024),
    'SYSADMIN',
    '1',
    'OFF',
    'OFF',
    'N',
    'N',
    'ROLE',
    'N',
    null,
    'N',
    'N',
    'N',
    'N',
  ];
}

function viewRow(db: string, schema: string, t: TableDef): (string | null)[] {
  return [
    ts(t.createdOn),
    t.name,
    '',
    db,
    schema,
    'SYSADMIN',
    t.comment,
    t.viewText ?? '',
    'false',
    'false',
    'ROLE',
    'OFF',
  ];
}

function dataTypeJson(c: TableDef['columns'][number]): string {
  const t = c.t;
  const base: Record<string, unknown> = { type: t.type === 'text' ? 'TEXT' : t.type.toUpperCase() };
  if (t.precision !== undefined && t.type === 'fixed') {
    base.precision = t.precision;
    base.scale = t.scale;
  }
  if (t.type === 'timestamp_ntz' || t.type === 'timestamp_ltz') {
    base.precision = 0;
    base.scale = t.scale;
  }
  if (t.length !== undefined) {
    base.length = t.length;
    base.byteLength = Math.min(t.length * 4, 16777216);
    base.fixed = false;
  }
  base.nullable = c.nullable;
  return JSON.stringify(base);
}

export function showColumns(db: string, schema: string, t: TableDef, f: ShowFilter): QueryResult {
  const like = f.like !== undefined ? likeToRegExp(f.like) : undefined;
  const rows = t.columns
    .filter((c) => !like || like.test(c.name))
    .map((c) => [
      t.name,
      schema,
      c.name,
      dataTypeJson(c),
      String(c.nullable),
      '',
      'COLUMN',
      '',
      c.comment ?? '',
      db,
      '',
      null,
    ]);
  return {
    rows,
    columns: [
      text('table_name'),
      text('schema_name'),
      text('column_name'),
      text('data_type'),
      text('null?'),
      text('default'),
      text('kind'),
      text('expression'),
      text('comment'),
      text('database_name'),
      text('autoincrement'),
      text('schema_evolution_record'),
    ],
  };
}

export function describeTable(t: TableDef): QueryResult {
  const rows = t.columns.map((c, i) => [
    c.name,
    c.t.sql,
    'COLUMN',
    yn(c.nullable),
    null,
    yn(i === 0 && !c.nullable && t.kind === 'TABLE'),
    'N',
    null,
    null,
    c.comment ?? null,
    null,
    null,
  ]);
  return {
    rows,
    columns: [
      text('name'),
      text('type'),
      text('kind'),
      text('null?'),
      text('default'),
      text('primary key'),
      text('unique key'),
      text('check'),
      text('expression'),
      text('comment'),
      text('policy name'),
      text('privacy domain'),
    ],
  };
}

export function showRoles(roles: readonly string[], current: string, defaultRole: string, f: ShowFilter): QueryResult {
  const rows = pageNames(roles, f).map((n) => [
    ts(Date.UTC(2023, 5, 1)),
    n,
    yn(n === defaultRole),
    yn(n === current),
    'N',
    '1',
    '0',
    '0',
    n === 'PUBLIC' ? '' : 'SECURITYADMIN',
    '',
  ]);
  return {
    rows,
    columns: [
      ltz('created_on'),
      text('name'),
      text('is_default'),
      text('is_current'),
      text('is_inherited'),
      num('assigned_to_users'),
      num('granted_to_roles'),
      num('granted_roles'),
      text('owner'),
      text('comment'),
    ],
  };
}

export function showWarehouses(whs: readonly string[], current: string | undefined, f: ShowFilter): QueryResult {
  const rows = pageNames(whs, f).map((n) => [
    n,
    n === current ? 'STARTED' : 'SUSPENDED',
    'STANDARD',
    n === 'BIG_WH' ? 'Large' : 'X-Small',
    '1',
    '1',
    n === current ? '1' : '0',
    '0',
    '0',
    'N',
    yn(n === current),
    '600',
    'true',
    '',
    '',
    '',
    '',
    ts(Date.UTC(2023, 5, 1)),
    ts(Date.UTC(2024, 0, 1)),
    ts(Date.UTC(2024, 0, 1)),
    'SYSADMIN',
    '',
  ]);
  return {
    rows,
    columns: [
      text('name'),
      text('state'),
      text('type'),
      text('size'),
      num('min_cluster_count'),
      num('max_cluster_count'),
      num('started_clusters'),
      num('running'),
      num('queued'),
      text('is_default'),
      text('is_current'),
      num('auto_suspend'),
      text('auto_resume'),
      text('available'),
      text('provisioning'),
      text('quiescing'),
      text('other'),
      ltz('created_on'),
      ltz('resumed_on'),
      ltz('updated_on'),
      text('owner'),
      text('comment'),
    ],
  };
}
