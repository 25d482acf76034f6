// The messages between the results panel (extension host) and its grid (the webview script), and the grid logic
// both sides share: sorting and filtering loaded rows, tab-separated copies, Snowflake type names.
import type { ResultColumn, ResultRow } from '../snowflake/sqlDriver';

export interface GridColumn {
  readonly name: string;
  /** As Snowflake users write it: NUMBER(38,0), VARCHAR, TIMESTAMP_NTZ. */
  readonly type: string;
  /** The protocol's type (fixed, real, text, ...), which decides how values sort. */
  readonly kind: string;
  readonly nullable: boolean;
}

export interface GridMeta {
  readonly id: number;
  readonly columns: readonly GridColumn[];
  readonly totalRows: number;
  readonly queryId?: string;
}

export interface StatementView {
  /** "Statement 1 · line 1 · succeeded · 40 rows · query id … · 12 ms" */
  readonly status: string;
  readonly failed: boolean;
  readonly sql: string;
  readonly error?: string;
  readonly grid?: GridMeta;
}

export interface PanelView {
  readonly title: string;
  readonly connection: string;
  /** "Running statement 2 of 3…" while a run goes on (the Cancel button shows then). */
  readonly running?: string;
  readonly summary?: string;
  readonly statements: readonly StatementView[];
}

export type SortDirection = 'asc' | 'desc';

/** What a grid shows now, reported by the webview after each render (tests and journeys read it). */
export interface GridState {
  readonly id: number;
  readonly totalRows: number;
  /** Rows the webview holds now. */
  readonly loadedRows: number;
  /** Index (in the result, or in the sorted/filtered rows) of the first row on screen. */
  readonly firstRow: number;
  /** The rows on screen, their row numbers (1-based, in the result) and values. */
  readonly visible: readonly { readonly n: number; readonly values: ResultRow }[];
  readonly sort?: { readonly column: number; readonly direction: SortDirection };
  readonly filter: string;
  /** Rows shown while a sort or filter applies (they apply to loaded rows only). */
  readonly shownRows?: number;
  readonly selected?: { readonly row: number; readonly column: number };
}

export type GridAction =
  | { readonly kind: 'scrollTo'; readonly row: number }
  | { readonly kind: 'sort'; readonly column: number; readonly direction?: SortDirection }
  | { readonly kind: 'filter'; readonly text: string }
  | { readonly kind: 'select'; readonly row: number; readonly column: number }
  | { readonly kind: 'copy'; readonly what: 'cell' | 'row' | 'column' };

export type HostMessage =
  | { readonly type: 'view'; readonly view: PanelView }
  | { readonly type: 'rows'; readonly grid: number; readonly start: number; readonly rows: readonly ResultRow[] }
  | { readonly type: 'act'; readonly grid: number; readonly action: GridAction }
  /** Rows the grid asked for could not be read (the message says why, in the user's terms). */
  | { readonly type: 'failed'; readonly grid: number; readonly message: string };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'range'; readonly grid: number; readonly start: number; readonly end: number }
  | { readonly type: 'copy'; readonly text: string; readonly what: string }
  | { readonly type: 'export'; readonly grid: number; readonly format: 'csv' | 'json' }
  | { readonly type: 'cancel' }
  | { readonly type: 'state'; readonly state: GridState };

/** The type as Snowflake users write it (the protocol says "fixed" for NUMBER, "text" for VARCHAR, ...). */
export function displayType(c: ResultColumn): string {
  switch (c.type) {
    case 'fixed':
      return c.precision !== undefined ? `NUMBER(${c.precision},${c.scale ?? 0})` : 'NUMBER';
    case 'text':
      return c.length !== undefined ? `VARCHAR(${c.length})` : 'VARCHAR';
    case 'real':
      return 'FLOAT';
    default:
      return c.type.toUpperCase();
  }
}

export function gridColumns(columns: readonly ResultColumn[]): GridColumn[] {
  return columns.map((c) => ({ name: c.name, type: displayType(c), kind: c.type, nullable: c.nullable }));
}

/** Orders two values of a column: NULLs last (as Snowflake's default ORDER BY ... ASC NULLS LAST), numbers by value. */
export function compareValues(kind: string, a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (kind === 'fixed' || kind === 'real') {
    const x = Number(a);
    const y = Number(b);
    if (x !== y && !Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Indexes of `rows` that match the filter (any cell containing the text, case-insensitive), sorted if asked. */
export function arrange(
  rows: readonly ResultRow[],
  columns: readonly GridColumn[],
  filter: string,
  sort?: { readonly column: number; readonly direction: SortDirection },
): number[] {
  const needle = filter.trim().toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (!needle || rows[i]!.some((v) => v !== null && v.toLowerCase().includes(needle))) out.push(i);
  }
  if (sort) {
    const kind = columns[sort.column]?.kind ?? 'text';
    const sign = sort.direction === 'asc' ? 1 : -1;
    // NULLs stay last either way; ties keep the result's order.
    out.sort((i, j) => {
      const a = rows[i]![sort.column] ?? null;
      const b = rows[j]![sort.column] ?? null;
      if (a === null || b === null) return a === b ? i - j : a === null ? 1 : -1;
      return sign * compareValues(kind, a, b) || i - j;
    });
  }
  return out;
}

/** A value for a tab-separated copy: NULL as an empty field; tabs and line breaks would split it, so they are spaces. */
function tsvField(v: string | null): string {
  return v === null ? '' : v.replace(/[\t\r\n]+/g, ' ');
}

export function tsvLine(values: readonly (string | null)[]): string {
  return values.map(tsvField).join('\t');
}

/** A column as TSV: its name, then one value a line. */
export function tsvColumn(name: string, values: readonly (string | null)[]): string {
  return [name, ...values.map(tsvField)].join('\n');
}
