// The emulated catalog: a small believable demo (SALES_DB, FINANCE_DB) with rows, and BIG_DB.MANY_TABLES, 20,000
// tables generated on demand so paging and benchmarks have something big without costing memory up front.

export interface ColumnType {
  /** Snowflake's result type, lower case as in rowtype: fixed, text, real, boolean, date, timestamp_ntz, variant. */
  readonly type: string;
  /** What SHOW COLUMNS / DESCRIBE TABLE print, e.g. NUMBER(38,0), VARCHAR(16777216). */
  readonly sql: string;
  readonly precision?: number;
  readonly scale?: number;
  readonly length?: number;
}

export interface ColumnDef {
  readonly name: string;
  readonly t: ColumnType;
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface TableDef {
  readonly name: string;
  readonly kind: 'TABLE' | 'VIEW';
  readonly columns: readonly ColumnDef[];
  /** Raw values as Snowflake's JSON result format carries them (strings; null for NULL). */
  readonly rows: readonly (readonly (string | null)[])[];
  readonly comment: string;
  readonly createdOn: number;
  readonly viewText?: string;
  /** Rows computed by the engine as they are read (a DuckDB query), for results too large to hold. */
  readonly generated?: { readonly rowCount: number; readonly duckdb: string };
}

export interface SchemaDef {
  readonly name: string;
  readonly comment: string;
  /** Names of the tables (or views), sorted. */
  names(kind: 'TABLE' | 'VIEW'): readonly string[];
  table(name: string): TableDef | undefined;
}

export interface DatabaseDef {
  readonly name: string;
  readonly comment: string;
  readonly createdOn: number;
  readonly schemas: readonly SchemaDef[];
}

export const T = {
  number: (p = 38, s = 0): ColumnType => ({ type: 'fixed', sql: `NUMBER(${p},${s})`, precision: p, scale: s }),
  varchar: (n = 16777216): ColumnType => ({ type: 'text', sql: `VARCHAR(${n})`, length: n }),
  float: (): ColumnType => ({ type: 'real', sql: 'FLOAT' }),
  boolean: (): ColumnType => ({ type: 'boolean', sql: 'BOOLEAN' }),
  date: (): ColumnType => ({ type: 'date', sql: 'DATE' }),
  timestampNtz: (): ColumnType => ({ type: 'timestamp_ntz', sql: 'TIMESTAMP_NTZ(9)', scale: 9, precision: 0 }),
  timestampLtz: (): ColumnType => ({ type: 'timestamp_ltz', sql: 'TIMESTAMP_LTZ(9)', scale: 9, precision: 0 }),
  variant: (): ColumnType => ({ type: 'variant', sql: 'VARIANT' }),
};

const CREATED = Date.UTC(2024, 2, 14, 9, 30);
const col = (name: string, t: ColumnType, nullable = true, comment?: string): ColumnDef => ({
  name,
  t,
  nullable,
  comment,
});

/** Deterministic pseudo-random numbers so the demo data is the same in every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'John',
  'Radia',
  'Tim',
  'Hedy',
  'Guido',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Johnson',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Backus',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'van Rossum',
];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'BR', 'IN', 'AU', 'CA', 'NL'];
const PRODUCTS: readonly [string, string, number, number][] = [
  ['Trail Backpack 30L', 'Outdoor', 89.0, 1.1],
  ['Espresso Grinder', 'Kitchen', 149.5, 2.4],
  ['Noise-Cancelling Headphones', 'Audio', 229.99, 0.3],
  ['Standing Desk', 'Office', 499.0, 28.5],
  ['Merino Base Layer', 'Apparel', 64.0, 0.2],
  ['Cast Iron Skillet', 'Kitchen', 39.95, 2.7],
  ['Bluetooth Speaker', 'Audio', 79.0, 0.6],
  ['Ergonomic Chair', 'Office', 349.0, 17.0],
  ['Rain Jacket', 'Apparel', 129.0, 0.5],
  ['Camping Stove', 'Outdoor', 54.5, 0.9],
  ['Mechanical Keyboard', 'Office', 119.0, 1.0],
  ['Pour-Over Kettle', 'Kitchen', 45.0, 0.8],
];
const STATUSES = ['PENDING', 'SHIPPED', 'DELIVERED', 'RETURNED'];

const days = (ms: number): string => String(Math.floor(ms / 86_400_000));
const tsNtz = (ms: number): string => `${Math.floor(ms / 1000)}.000000000`;

function staticSchema(name: string, comment: string, tables: readonly TableDef[]): SchemaDef {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const names = {
    TABLE: tables
      .filter((t) => t.kind === 'TABLE')
      .map((t) => t.name)
      .sort(),
    VIEW: tables
      .filter((t) => t.kind === 'VIEW')
      .map((t) => t.name)
      .sort(),
  };
  return { name, comment, names: (kind) => names[kind], table: (n) => byName.get(n) };
}

function salesSchema(): SchemaDef {
  const r = rng(42);
  const customers = Array.from({ length: 40 }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const signup = Date.UTC(2022, 0, 1) + Math.floor(r() * 900) * 86_400_000;
    return [
      String(i + 1),
      `${first} ${last}`,
      `${first}.${last}${i + 1}@example.com`.toLowerCase().replace(/ /g, ''),
      COUNTRIES[Math.floor(r() * COUNTRIES.length)]!,
      days(signup),
      r() > 0.2 ? '1' : '0',
      (r() * 5000).toFixed(2),
    ];
  });
  const products = PRODUCTS.map(([n, c, price, kg], i) => [
    String(101 + i),
    n,
    c,
    price.toFixed(2),
    String(kg),
    JSON.stringify({ color: ['black', 'green', 'grey'][i % 3], warranty_years: 1 + (i % 3) }),
  ]);
  const orders = Array.from({ length: 50 }, (_, i) => {
    const qty = 1 + Math.floor(r() * 4);
    const p = PRODUCTS[Math.floor(r() * PRODUCTS.length)]!;
    return [
      String(5001 + i),
      String(1 + Math.floor(r() * 40)),
      String(101 + PRODUCTS.indexOf(p)),
      String(qty),
      tsNtz(Date.UTC(2024, 0, 1) + Math.floor(r() * 200 * 86_400_000)),
      STATUSES[Math.floor(r() * STATUSES.length)]!,
      (qty * p[2]).toFixed(2),
      i % 9 === 0 ? null : ['web', 'store', 'phone'][i % 3]!,
    ];
  });
  const summary = ['PENDING', 'SHIPPED', 'DELIVERED', 'RETURNED'].map((s) => {
    const rows = orders.filter((o) => o[5] === s);
    return [s, String(rows.length), rows.reduce((a, o) => a + Number(o[6]), 0).toFixed(2)];
  });
  return staticSchema('PUBLIC', 'Demo sales data', [
    {
      name: 'CUSTOMERS',
      kind: 'TABLE',
      comment: 'One row per customer',
      createdOn: CREATED,
      rows: customers,
      columns: [
        col('CUSTOMER_ID', T.number(), false, 'Primary key'),
        col('NAME', T.varchar(200)),
        col('EMAIL', T.varchar(320)),
        col('COUNTRY', T.varchar(2)),
        col('SIGNUP_DATE', T.date()),
        col('IS_ACTIVE', T.boolean()),
        col('LIFETIME_VALUE', T.number(12, 2)),
      ],
    },
    {
      name: 'ORDERS',
      kind: 'TABLE',
      comment: 'Orders placed in 2024',
      createdOn: CREATED,
      rows: orders,
      columns: [
        col('ORDER_ID', T.number(), false),
        col('CUSTOMER_ID', T.number(), false),
        col('PRODUCT_ID', T.number(), false),
        col('QUANTITY', T.number()),
        col('ORDERED_AT', T.timestampNtz()),
        col('STATUS', T.varchar(16)),
        col('AMOUNT', T.number(10, 2)),
        col('CHANNEL', T.varchar(16)),
      ],
    },
    {
      name: 'PRODUCTS',
      kind: 'TABLE',
      comment: 'Product catalogue',
      createdOn: CREATED,
      rows: products,
      columns: [
        col('PRODUCT_ID', T.number(), false),
        col('NAME', T.varchar(200)),
        col('CATEGORY', T.varchar(50)),
        col('PRICE', T.number(10, 2)),
        col('WEIGHT_KG', T.float()),
        col('ATTRIBUTES', T.variant()),
      ],
    },
    {
      name: 'ORDER_SUMMARY',
      kind: 'VIEW',
      comment: 'Orders by status',
      createdOn: CREATED,
      rows: summary,
      viewText:
        'CREATE VIEW ORDER_SUMMARY AS SELECT STATUS, COUNT(*) AS ORDER_COUNT, SUM(AMOUNT) AS REVENUE FROM ORDERS GROUP BY STATUS',
      columns: [col('STATUS', T.varchar(16)), col('ORDER_COUNT', T.number(18, 0)), col('REVENUE', T.number(38, 2))],
    },
  ]);
}

function financeSchema(): SchemaDef {
  const ledger = Array.from({ length: 24 }, (_, i) => [
    String(i + 1),
    days(Date.UTC(2024, i % 12, 1 + (i % 27))),
    ['Revenue', 'COGS', 'Payroll', 'Rent'][i % 4]!,
    ((i % 4 === 0 ? 1 : -1) * (1000 + i * 137.25)).toFixed(2),
    tsNtz(Date.UTC(2024, i % 12, 2)),
  ]);
  return staticSchema('REPORTING', 'Finance-only reporting', [
    {
      name: 'LEDGER',
      kind: 'TABLE',
      comment: 'General ledger entries',
      createdOn: CREATED,
      rows: ledger,
      columns: [
        col('ENTRY_ID', T.number(), false),
        col('BOOKED_ON', T.date()),
        col('ACCOUNT', T.varchar(64)),
        col('AMOUNT_USD', T.number(14, 2)),
        col('POSTED_AT', T.timestampNtz()),
      ],
    },
  ]);
}

export const BIG_TABLE_COUNT = 20_000;

/** BIG_DB.MANY_TABLES: names T_00001..T_20000, tables built when asked for. */
function manyTablesSchema(): SchemaDef {
  let names: string[] | undefined;
  const width = String(BIG_TABLE_COUNT).length;
  return {
    name: 'MANY_TABLES',
    comment: `${BIG_TABLE_COUNT} generated tables`,
    names: (kind) =>
      kind === 'VIEW'
        ? []
        : (names ??= Array.from({ length: BIG_TABLE_COUNT }, (_, i) => `T_${String(i + 1).padStart(width, '0')}`)),
    table: (n) => {
      const m = /^T_(\d+)$/.exec(n);
      const i = m ? Number(m[1]) : 0;
      if (!m || m[1]!.length !== width || i < 1 || i > BIG_TABLE_COUNT) return undefined;
      return {
        name: n,
        kind: 'TABLE',
        comment: '',
        createdOn: CREATED,
        columns: [col('ID', T.number(), false), col('LABEL', T.varchar(100)), col('VALUE', T.float())],
        rows: Array.from({ length: 3 }, (_, k) => [
          String(k + 1),
          `${n.toLowerCase()}-${k + 1}`,
          String(((i * (k + 1)) % 97) / 4),
        ]),
      };
    },
  };
}

export const EVENT_COUNT = 1_000_000;

/** BIG_DB.PUBLIC.EVENTS: a million rows computed while they are read, for large results in chunks. */
function eventsTable(): TableDef {
  return {
    name: 'EVENTS',
    kind: 'TABLE',
    comment: `${EVENT_COUNT} generated events`,
    createdOn: CREATED,
    rows: [],
    columns: [
      col('EVENT_ID', T.number(), false),
      col('CUSTOMER_ID', T.number(), false),
      col('KIND', T.varchar(16)),
      col('AMOUNT', T.number(10, 2)),
      col('OCCURRED_AT', T.timestampNtz()),
    ],
    generated: {
      rowCount: EVENT_COUNT,
      duckdb: [
        'SELECT (i + 1)::DECIMAL(38,0) AS EVENT_ID, (i % 40 + 1)::DECIMAL(38,0) AS CUSTOMER_ID,',
        "['view', 'click', 'purchase', 'refund'][i % 4 + 1] AS KIND, ((i * 37) % 100000 / 100)::DECIMAL(10,2) AS AMOUNT,",
        "TIMESTAMP '2024-01-01' + to_seconds(i * 30) AS OCCURRED_AT",
        `FROM range(${EVENT_COUNT}) AS r(i)`,
      ].join(' '),
    },
  };
}

export class Catalog {
  readonly databases: readonly DatabaseDef[] = [
    {
      name: 'BIG_DB',
      comment: 'Generated tables for paging',
      createdOn: CREATED,
      schemas: [manyTablesSchema(), staticSchema('PUBLIC', '', [eventsTable()])],
    },
    { name: 'FINANCE_DB', comment: 'Finance team data', createdOn: CREATED, schemas: [financeSchema()] },
    { name: 'SALES_DB', comment: 'Demo sales data', createdOn: CREATED, schemas: [salesSchema()] },
    {
      name: 'SNOWFLAKE',
      comment: 'Snowflake shared database',
      createdOn: CREATED,
      schemas: [staticSchema('ACCOUNT_USAGE', '', [])],
    },
  ];

  database(name: string): DatabaseDef | undefined {
    return this.databases.find((d) => d.name === name);
  }
  schema(db: string, name: string): SchemaDef | undefined {
    return this.database(db)?.schemas.find((s) => s.name === name);
  }
  table(db: string, schema: string, name: string): TableDef | undefined {
    if (schema === 'INFORMATION_SCHEMA' && name === 'TABLES') return this.informationSchemaTables(db);
    return this.schema(db, schema)?.table(name);
  }

  private readonly infoTables = new Map<string, TableDef>();

  /**
   * <db>.INFORMATION_SCHEMA.TABLES: one row per table and view of the database's schemas, TABLE_TYPE 'BASE TABLE' or
   * 'VIEW', ROW_COUNT NULL for views (docs.snowflake.com/en/sql-reference/info-schema/tables). Reading it, like any
   * SELECT, needs a warehouse. The INFORMATION_SCHEMA's own views are left out.
   */
  private informationSchemaTables(db: string): TableDef | undefined {
    const d = this.database(db);
    if (!d) return undefined;
    let t = this.infoTables.get(db);
    if (!t) {
      const rows: (string | null)[][] = [];
      for (const s of d.schemas)
        for (const kind of ['TABLE', 'VIEW'] as const)
          for (const n of s.names(kind)) {
            const def = kind === 'TABLE' ? s.table(n) : undefined;
            const count = def ? String(def.generated?.rowCount ?? def.rows.length) : null;
            rows.push([db, s.name, n, kind === 'TABLE' ? 'BASE TABLE' : 'VIEW', count]);
          }
      t = {
        name: 'TABLES',
        kind: 'VIEW',
        comment: 'The tables and views of this database',
        createdOn: d.createdOn,
        columns: [
          col('TABLE_CATALOG', T.varchar()),
          col('TABLE_SCHEMA', T.varchar()),
          col('TABLE_NAME', T.varchar()),
          col('TABLE_TYPE', T.varchar()),
          col('ROW_COUNT', T.number()),
        ],
        rows,
      };
      this.infoTables.set(db, t);
    }
    return t;
  }
}
