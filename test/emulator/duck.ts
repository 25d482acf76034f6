// The emulator's query engine: DuckDB (@duckdb/node-api) holds the emulated catalog's data and runs SELECT/WITH
// with Snowflake's name resolution, grants, warehouse rule and error codes in front of it. Results stream: a caller
// reads rows in batches, so a million-row result is never in the emulator's memory at once.
import { DuckDBInstance, type DuckDBConnection, type DuckDBResult } from '@duckdb/node-api';
import type { Catalog, ColumnType, TableDef } from './catalog';
import { resultColumn, rowsAsJson, tableRefs, toDuckSql, type TableRef } from './duckSql';
import { SqlError, type ResultColumn } from './show';
import { syntaxError } from './sqlLexer';

/** What a statement may see: the session's context and the databases its role is granted. */
export interface EngineContext {
  readonly database?: string;
  readonly schema?: string;
  readonly warehouse?: string;
  visible(db: string): boolean;
}

/** Rows of one statement as JSON array texts, read in order; `close()` frees the DuckDB connection behind it. */
export class RowStream {
  private buffered: string[] = [];
  private ended = false;

  constructor(
    readonly columns: readonly ResultColumn[],
    private readonly result: DuckDBResult,
    private readonly conn: DuckDBConnection,
  ) {}

  /** Up to `n` more rows (fewer only at the end). */
  async next(n: number): Promise<string[]> {
    while (this.buffered.length < n && !this.ended) {
      const chunk = await this.result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) {
        this.ended = true;
        break;
      }
      const v = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++) this.buffered.push(v.getItem(i) as string);
    }
    return this.buffered.splice(0, n);
  }

  interrupt(): void {
    this.conn.interrupt();
  }

  close(): void {
    this.ended = true;
    this.buffered = [];
    this.conn.closeSync();
  }
}

const duckType = (t: ColumnType): string =>
  ({
    fixed: `DECIMAL(${t.precision ?? 38},${t.scale ?? 0})`,
    real: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp_ntz: 'TIMESTAMP',
    timestamp_ltz: 'TIMESTAMPTZ',
  })[t.type] ?? 'VARCHAR';

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A catalog value (Snowflake's JSON encoding) as a DuckDB literal of the column's type. */
function literal(v: string | null, t: ColumnType): string {
  if (v === null) return 'NULL';
  switch (t.type) {
    case 'fixed':
    case 'real':
      return `${lit(v)}::${duckType(t)}`;
    case 'boolean':
      return v === '1' || v.toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
    case 'date':
      return `(DATE '1970-01-01' + ${Number(v)})`;
    case 'timestamp_ntz':
    case 'timestamp_ltz':
      return `make_timestamp(${Math.round(Number(v) * 1e6)})::${duckType(t)}`;
    default:
      return lit(v);
  }
}

/**
 * Snowflake functions DuckDB lacks, as macros with Snowflake's meaning (docs.snowflake.com/en/sql-reference/functions/
 * iff, nvl, nvl2, zeroifnull, div0, to_char, to_date, to_number, to_double, to_timestamp, dateadd).
 */
const SNOWFLAKE_MACROS = [
  'IFF(c, a, b) AS CASE WHEN c THEN a ELSE b END',
  'NVL(a, b) AS COALESCE(a, b)',
  'NVL2(a, b, c) AS CASE WHEN a IS NOT NULL THEN b ELSE c END',
  'ZEROIFNULL(a) AS COALESCE(a, 0)',
  'DIV0(a, b) AS CASE WHEN b = 0 THEN 0 ELSE a / b END',
  'TO_VARCHAR(a) AS CAST(a AS VARCHAR)',
  'TO_CHAR(a) AS CAST(a AS VARCHAR)',
  'TO_DATE(a) AS CAST(a AS DATE)',
  'TO_NUMBER(a) AS CAST(a AS DECIMAL(38,0))',
  'TO_DOUBLE(a) AS CAST(a AS DOUBLE)',
  'TO_TIMESTAMP(a) AS CAST(a AS TIMESTAMP)',
  "DATEADD(part, n, d) AS d + CAST(CAST(n AS VARCHAR) || ' ' || part AS INTERVAL)",
];

/** Schemas with more tables than this get their tables created in DuckDB when a query first reads one. */
const LAZY_SCHEMA = 100;

/**
 * Where <db>.INFORMATION_SCHEMA.TABLES lives in DuckDB: every DuckDB catalog has an information_schema of its own
 * (names are case-insensitive there), which knows nothing of the lazily built tables, so queries are pointed here.
 */
const DUCK_INFO_SCHEMA = 'SF_INFORMATION_SCHEMA';
const INFO_TABLES = /"?INFORMATION_SCHEMA"?(\s*\.\s*)"?TABLES"?/g;

export class DuckEngine {
  private readonly created = new Map<string, Promise<void>>();

  private constructor(
    private readonly db: DuckDBInstance,
    private readonly catalog: Catalog,
  ) {}

  static async create(catalog: Catalog): Promise<DuckEngine> {
    const db = await DuckDBInstance.create(':memory:', { threads: '2' });
    const engine = new DuckEngine(db, catalog);
    await engine.load();
    return engine;
  }

  private async load(): Promise<void> {
    const conn = await this.db.connect();
    try {
      for (const d of this.catalog.databases) {
        await conn.run(`ATTACH ':memory:' AS ${q(d.name)}`);
        for (const s of d.schemas) {
          await conn.run(`CREATE SCHEMA ${q(d.name)}.${q(s.name)}`);
          const names = [...s.names('TABLE'), ...s.names('VIEW')];
          if (names.length > LAZY_SCHEMA) continue;
          for (const n of names) await this.createTable(conn, d.name, s.name, s.table(n)!);
        }
      }
      for (const m of SNOWFLAKE_MACROS) await conn.run(`CREATE MACRO memory.main.${m}`);
      // Queries read only the emulated catalog: no files, no network, no extensions (and it cannot be turned back on).
      await conn.run('SET enable_external_access = false');
    } finally {
      conn.closeSync();
    }
  }

  private async createTable(conn: DuckDBConnection, db: string, schema: string, t: TableDef): Promise<void> {
    const name = `${q(db)}.${q(schema)}.${q(t.name)}`;
    if (t.generated) {
      await conn.run(`CREATE VIEW ${name} AS ${t.generated.duckdb}`);
      return;
    }
    if (schema === DUCK_INFO_SCHEMA) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${q(db)}.${q(schema)}`);
    const cols = t.columns.map((c) => `${q(c.name)} ${duckType(c.t)}${c.nullable ? '' : ' NOT NULL'}`);
    await conn.run(`CREATE TABLE ${name} (${cols.join(', ')})`);
    if (t.rows.length === 0) return;
    const rows = t.rows.map((r) => `(${r.map((v, i) => literal(v, t.columns[i]!.t)).join(', ')})`);
    await conn.run(`INSERT INTO ${name} VALUES ${rows.join(', ')}`);
  }

  /** Creates a generated table (BIG_DB.MANY_TABLES.T_n) the first time a query reads it. */
  private ensure(db: string, schema: string, t: TableDef): Promise<void> {
    const key = `${db}.${schema}.${t.name}`;
    let p = this.created.get(key);
    if (!p) {
      p = (async () => {
        const conn = await this.db.connect();
        try {
          const exists = await conn.runAndReadAll(
            'SELECT 1 FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 UNION ALL SELECT 1 FROM duckdb_views() WHERE database_name = $1 AND schema_name = $2 AND view_name = $3',
            [db, schema, t.name],
          );
          if (exists.currentRowCount === 0) await this.createTable(conn, db, schema, t);
        } finally {
          conn.closeSync();
        }
      })();
      this.created.set(key, p);
    }
    return p;
  }

  /** Runs one SELECT/WITH statement; the caller reads the rows and closes the stream. */
  async query(ctx: EngineContext, sql: string, onStart?: (interrupt: () => void) => void): Promise<RowStream> {
    const translated = toDuckSql(sql);
    const quoted = translated.quoted;
    const duckSql = translated.sql.replace(INFO_TABLES, `${q(DUCK_INFO_SCHEMA)}$1"TABLES"`);
    const conn = await this.db.connect();
    onStart?.(() => conn.interrupt());
    try {
      const refs = await this.parse(conn, sql, duckSql);
      const variants = new Set<string>();
      for (const ref of refs) {
        const { db, schema, t } = this.resolve(ctx, ref);
        await this.ensure(db, schema, t);
        for (const c of t.columns) if (c.t.type === 'variant') variants.add(c.name);
      }
      if (refs.length > 0 && !ctx.warehouse)
        throw new SqlError(
          '000606',
          '57P03',
          "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.\n",
        );
      await useContext(conn, ctx);
      const prepared = await conn.prepare(duckSql).catch((e: Error) => {
        throw duckError(e);
      });
      const columns = Array.from({ length: prepared.columnCount }, (_, i) =>
        resultColumn(prepared.columnType(i), prepared.columnName(i), quoted, variants),
      );
      prepared.destroySync();
      const result = await conn
        .stream(
          rowsAsJson(
            duckSql,
            columns.map((c) => c.t),
          ),
        )
        .catch((e: Error) => {
          throw duckError(e);
        });
      return new RowStream(columns, result, conn);
    } catch (e) {
      conn.closeSync();
      throw e;
    }
  }

  /** Counts the rows a statement returns (run again, for the chunk plan of a large result). */
  async count(ctx: EngineContext, sql: string): Promise<number> {
    const conn = await this.db.connect();
    try {
      await useContext(conn, ctx);
      const r = await conn.runAndReadAll(`SELECT COUNT(*) FROM (${toDuckSql(sql).sql.replace(/;\s*$/, '')})`);
      return Number(r.getRows()[0]![0]);
    } finally {
      conn.closeSync();
    }
  }

  private async parse(conn: DuckDBConnection, sql: string, duckSql: string): Promise<TableRef[]> {
    const r = await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [duckSql]);
    const ast = JSON.parse(String(r.getRows()[0]![0])) as {
      error?: boolean;
      error_message?: string;
      position?: string;
      statements?: unknown[];
    };
    if (ast.error) {
      const pos = Number(ast.position ?? 0);
      const near = /at or near "([^"]*)"/.exec(ast.error_message ?? '')?.[1];
      throw syntaxError(sql, pos, near ?? sql.slice(pos).split(/\s+/)[0] ?? '');
    }
    if ((ast.statements?.length ?? 0) > 1)
      throw new SqlError(
        '000008',
        '0A000',
        `Actual statement count ${ast.statements!.length} did not match the desired statement count 1.`,
      );
    const refs = tableRefs(ast.statements);
    if (refs.refused)
      throw new SqlError('002140', '42601', `SQL compilation error:\nUnknown function ${refs.refused.toUpperCase()}`);
    return refs;
  }

  private resolve(ctx: EngineContext, ref: TableRef): { db: string; schema: string; t: TableDef } {
    const db = ref.catalog || ctx.database;
    const schema = ref.schema || ctx.schema;
    if (!db || !schema) {
      const what = db ? 'schema' : 'database';
      throw new SqlError(
        '090105',
        '22000',
        `Cannot perform SELECT. This session does not have a current ${what}. Call 'USE ${what.toUpperCase()}', or use a qualified name.`,
      );
    }
    const named = schema === DUCK_INFO_SCHEMA ? 'INFORMATION_SCHEMA' : schema;
    const t = ctx.visible(db) ? this.catalog.table(db, named, ref.table) : undefined;
    if (!t)
      throw new SqlError(
        '002003',
        '42S02',
        `SQL compilation error:\nObject '${db}.${schema}.${ref.table}' does not exist or not authorized.`,
      );
    return { db, schema, t };
  }

  close(): void {
    this.db.closeSync();
  }
}

/** The session's database and schema as DuckDB's current schema; the Snowflake macros stay reachable. */
async function useContext(conn: DuckDBConnection, ctx: EngineContext): Promise<void> {
  if (!ctx.database) return;
  const current = `${q(ctx.database)}.${q(ctx.schema ?? 'main')}`;
  await conn.run(`USE ${current}`);
  await conn.run(`SET search_path = ${lit(`${current},memory.main`)}`);
}

/** DuckDB's error as the Snowflake error a user would see for the same mistake. */
function duckError(e: Error): SqlError {
  const msg = e.message.replace(/^[A-Za-z ]+ Error: /, '');
  const column = /Referenced column "([^"]+)" not found/.exec(e.message);
  if (column)
    return new SqlError(
      '000904',
      '42000',
      `SQL compilation error: error line 1 at position 0\ninvalid identifier '${column[1]}'`,
    );
  const fn = /Scalar Function with name ([^\s]+) does not exist/i.exec(e.message);
  if (fn) return new SqlError('002140', '42601', `SQL compilation error:\nUnknown function ${fn[1]!.toUpperCase()}`);
  if (/^INTERRUPT Error/i.test(e.message)) return new SqlError('000604', '57014', 'SQL execution canceled');
  if (/^(Conversion|Invalid Input|Out of Range) Error/i.test(e.message)) return new SqlError('100038', '22018', msg);
  return new SqlError('002000', '42000', `SQL compilation error:\n${msg}`);
}
