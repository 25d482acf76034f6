// Snowflake SQL onto DuckDB: identifier case, the tables a query reads, result column names and types, and values
// in Snowflake's JSON result encoding.
//
// Sources of the rules:
// - Identifiers: unquoted names are stored and resolved upper-case, double-quoted names keep their case
//   (docs.snowflake.com/en/sql-reference/identifiers-syntax). DuckDB keeps the case it is given, so upper-casing every
//   unquoted word before DuckDB parses it gives Snowflake's result column names (`select name` -> NAME).
// - rowtype `type` names (fixed, real, text, boolean, date, time, timestamp_ntz/ltz/tz, variant, object, array,
//   binary) and how each JSON value is read: snowflake-connector-nodejs lib/connection/result/data_types.js and
//   column.js (FIXED/REAL as decimal strings, BOOLEAN "1"/"0", DATE as days since the epoch, TIME/TIMESTAMP_NTZ/LTZ
//   as "<seconds>.<9 digit fraction>", VARIANT/OBJECT/ARRAY as JSON text); snowflake-connector-python converter.py
//   reads the same strings (_FIXED_to_python, _DATE_to_python, _TIMESTAMP_NTZ_to_python).
// - Precision/scale/length per type: docs.snowflake.com/en/sql-reference/data-types-numeric (NUMBER(38,0) default,
//   COUNT is NUMBER(18,0)), data-types-text (VARCHAR default length 16,777,216), data-types-datetime (scale 9).
import type { DuckDBType } from '@duckdb/node-api';
import { DuckDBTypeId } from '@duckdb/node-api';
import { T, type ColumnType } from './catalog';
import type { ResultColumn } from './show';

export interface TableRef {
  readonly catalog: string;
  readonly schema: string;
  readonly table: string;
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
const DATE_PART_FUNCTIONS = new Set([
  'DATEADD',
  'DATEDIFF',
  'DATE_TRUNC',
  'DATE_PART',
  'TIMESTAMPADD',
  'TIMESTAMPDIFF',
]);

/**
 * Upper-cases every unquoted word outside strings, quoted identifiers and comments (the text keeps its length, so
 * DuckDB's error positions are positions in the user's SQL, except after a quoted date part). Returns the quoted
 * identifiers too (their case is kept).
 */
export function toDuckSql(sql: string): { sql: string; quoted: Set<string> } {
  let out = '';
  const quoted = new Set<string>();
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    let end = i + 1;
    if (ch === "'") end = closing(sql, i, "'");
    else if (ch === '"') {
      end = closing(sql, i, '"');
      quoted.add(sql.slice(i + 1, end - 1).replace(/""/g, '"'));
    } else if (ch === '-' && next === '-') end = lineEnd(sql, i);
    else if (ch === '/' && next === '*') end = sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2;
    else if (ch === '$' && next === '$') end = sql.indexOf('$$', i + 2) < 0 ? sql.length : sql.indexOf('$$', i + 2) + 2;
    else {
      WORD.lastIndex = i;
      const m = WORD.exec(sql);
      if (m && !/[0-9]/.test(sql[i - 1] ?? '')) {
        const word = m[0].toUpperCase();
        i += m[0].length;
        const [text, used] = snowflakeWord(word, sql.slice(i), out);
        out += text;
        i += used;
        if (SEQUENCES.has(word) && used > 0) quoted.add(`${word}()`);
        continue;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  return { sql: out, quoted };
}

const SEQUENCES = new Set(['SEQ1', 'SEQ2', 'SEQ4', 'SEQ8']);

/**
 * Snowflake words DuckDB spells otherwise; returns the text to write and how many characters after the word it
 * replaces (docs.snowflake.com/en/sql-reference/data-types-numeric, .../functions/dateadd, .../functions/generator,
 * .../functions/seq1):
 * - NUMBER(p,s) / ::NUMBER are DECIMAL (NUMBER alone is NUMBER(38,0));
 * - DATEADD(day, ...) and the other date-part functions take the part as a bare word, DuckDB as a string;
 * - TABLE(GENERATOR(ROWCOUNT => n)) makes n rows, SEQ1()..SEQ8() number them from 0.
 */
function snowflakeWord(word: string, rest: string, before: string): [string, number] {
  if (word === 'NUMBER' || word === 'NUMERIC') {
    if (/^\s*\(/.test(rest)) return ['DECIMAL', 0];
    return [/::\s*$/.test(before) ? 'DECIMAL(38,0)' : word, 0];
  }
  const part = DATE_PART_FUNCTIONS.has(word) ? /^(\s*\(\s*)([A-Za-z_]+)(\s*,)/.exec(rest) : null;
  if (part) return [`${word}${part[1]}'${part[2]!.toLowerCase()}'${part[3]}`, part[0].length];
  const gen = word === 'TABLE' ? /^\s*\(\s*GENERATOR\s*\(\s*ROWCOUNT\s*=>\s*(\d+)\s*\)\s*\)/i.exec(rest) : null;
  if (gen) {
    const seqs = [...SEQUENCES].map((s) => `range AS "${s}()"`).join(', ');
    return [`(SELECT ${seqs} FROM range(${gen[1]}))`, gen[0].length];
  }
  const seq = SEQUENCES.has(word) ? /^\s*\(\s*\)/.exec(rest) : null;
  if (seq) return [`"${word}()"`, seq[0].length];
  return [word, 0];
}

function closing(sql: string, start: number, q: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\' && q === "'") i += 2;
    else if (sql[i] === q && sql[i + 1] === q) i += 2;
    else if (sql[i] === q) return i + 1;
    else i++;
  }
  return sql.length;
}

function lineEnd(sql: string, start: number): number {
  const nl = sql.indexOf('\n', start);
  return nl < 0 ? sql.length : nl;
}

/** Table functions a query may call: they make rows; DuckDB's others would show DuckDB's own catalog or files. */
const TABLE_FUNCTIONS = new Set(['RANGE', 'GENERATE_SERIES', 'UNNEST']);

/**
 * Base tables a parsed statement (DuckDB's json_serialize_sql output) reads, without its CTE names, and the table
 * functions it calls that are not allowed.
 */
export function tableRefs(ast: unknown): TableRef[] & { refused?: string } {
  const refs: TableRef[] & { refused?: string } = [];
  const ctes = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string')
      refs.push({ catalog: String(o.catalog_name ?? ''), schema: String(o.schema_name ?? ''), table: o.table_name });
    const fn = o.type === 'TABLE_FUNCTION' ? (o.function as { function_name?: unknown } | undefined) : undefined;
    if (fn && !TABLE_FUNCTIONS.has(String(fn.function_name).toUpperCase())) refs.refused ??= String(fn.function_name);
    const map = (o.cte_map as { map?: { key?: unknown }[] } | undefined)?.map;
    for (const e of map ?? []) if (typeof e.key === 'string') ctes.add(e.key.toUpperCase());
    Object.values(o).forEach(walk);
  };
  walk(ast);
  return Object.assign(
    refs.filter((r) => r.catalog || r.schema || !ctes.has(r.table.toUpperCase())),
    { refused: refs.refused },
  );
}

/** Snowflake's name for an unaliased expression column: upper-case, no quotes (`sum("AMOUNT")` -> `SUM(AMOUNT)`). */
export function columnName(duckName: string, quoted: ReadonlySet<string>): string {
  if (quoted.has(duckName) || /^[A-Z_][A-Z0-9_$]*$/.test(duckName)) return duckName;
  return duckName
    .replace(/"/g, '')
    .toUpperCase()
    .replace(/\bCOUNT_STAR\(\)/g, 'COUNT(*)');
}

const I = DuckDBTypeId;
const NUMBER = T.number(38, 0);
const TIME: ColumnType = { type: 'time', sql: 'TIME(9)', scale: 9, precision: 0 };
const BINARY: ColumnType = { type: 'binary', sql: 'BINARY(8388608)', length: 8388608 };
const ARRAY: ColumnType = { type: 'array', sql: 'ARRAY' };
const OBJECT: ColumnType = { type: 'object', sql: 'OBJECT' };
/** DuckDB type -> Snowflake result type (DECIMAL keeps its width and scale; other types are text). */
const SNOWFLAKE_TYPES = new Map<DuckDBTypeId, ColumnType>([
  ...[I.TINYINT, I.SMALLINT, I.INTEGER, I.HUGEINT, I.UTINYINT, I.USMALLINT, I.UINTEGER, I.UBIGINT, I.UHUGEINT].map(
    (id) => [id, NUMBER] as const,
  ),
  [I.BIGINT, T.number(18, 0)],
  [I.FLOAT, T.float()],
  [I.DOUBLE, T.float()],
  [I.BOOLEAN, T.boolean()],
  [I.DATE, T.date()],
  [I.TIME, TIME],
  ...[I.TIMESTAMP, I.TIMESTAMP_S, I.TIMESTAMP_MS, I.TIMESTAMP_NS].map((id) => [id, T.timestampNtz()] as const),
  [I.TIMESTAMP_TZ, T.timestampLtz()],
  [I.BLOB, BINARY],
  [I.LIST, ARRAY],
  [I.ARRAY, ARRAY],
  [I.STRUCT, OBJECT],
  [I.MAP, OBJECT],
]);

/** The Snowflake result type of a DuckDB column. `variants` names the VARIANT columns read (text in DuckDB). */
export function snowflakeType(t: DuckDBType, name: string, variants: ReadonlySet<string>): ColumnType {
  if (t.typeId === I.DECIMAL) {
    const d = t as unknown as { width: number; scale: number };
    return T.number(d.width, d.scale);
  }
  return SNOWFLAKE_TYPES.get(t.typeId) ?? (variants.has(name) ? T.variant() : T.varchar());
}

export function resultColumn(
  t: DuckDBType,
  duckName: string,
  quoted: ReadonlySet<string>,
  variants: ReadonlySet<string>,
): ResultColumn {
  const name = columnName(duckName, quoted);
  return { name, t: snowflakeType(t, name, variants) };
}

const US = 1_000_000;

/** "<seconds>.<9-digit fraction>" from microseconds, seconds rounded down (times before 1970 too). */
const epochText = (us: string): string => {
  const frac = `((${us}) % ${US} + ${US}) % ${US}`;
  return `CAST(((${us}) - ${frac}) // ${US} AS VARCHAR) || '.' || lpad(CAST(${frac} * 1000 AS VARCHAR), 9, '0')`;
};

/**
 * A DuckDB expression giving column `c` as Snowflake's JSON result format carries it: a string, or NULL. Done in
 * DuckDB so a million rows never pass through JavaScript values one by one.
 */
export function encodeSql(c: string, t: ColumnType): string {
  switch (t.type) {
    case 'boolean':
      return `CASE WHEN ${c} THEN '1' WHEN NOT ${c} THEN '0' END`;
    case 'date':
      return `CAST(${c} - DATE '1970-01-01' AS VARCHAR)`;
    case 'time':
      return epochText(`date_diff('microsecond', TIME '00:00:00', ${c})`);
    case 'timestamp_ntz':
    case 'timestamp_ltz':
      return epochText(`epoch_us(${c})`);
    case 'binary':
      return `hex(${c})`;
    case 'array':
    case 'object':
      return `CAST(to_json(${c}) AS VARCHAR)`;
    default:
      return `CAST(${c} AS VARCHAR)`;
  }
}

/** The statement wrapped so each row comes out as one JSON array text (`["1","Ada",null]`). */
export function rowsAsJson(duckSql: string, types: readonly ColumnType[]): string {
  const names = types.map((_, i) => `"c${i}"`);
  const values = types.map((t, i) => encodeSql(names[i]!, t));
  return `SELECT CAST(to_json(list_value(${values.join(', ')})) AS VARCHAR) FROM (${duckSql.replace(/;\s*$/, '')}\n) AS q(${names.join(', ')})`;
}
