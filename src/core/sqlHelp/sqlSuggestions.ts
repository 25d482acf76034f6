// What to offer at the cursor: database, schema, table, view and column names from the connection's catalog, chosen
// by the dotted name being typed (`DB.` → its schemas, `DB.SCHEMA.` → its tables and views, `alias.` → the
// table's columns) and inserted the way Snowflake reads them back: unquoted when the name is plain upper case, else
// in double quotes (docs.snowflake.com/en/sql-reference/identifiers-syntax).
import type { ColumnInfo, ObjectKind } from '../snowflake/catalogLoader';
import { quoteIdentifier } from '../snowflake/identifiers';
import type { CompletionContext, TableReference } from './completionContext';
import type { Listing, SqlCatalog } from './sqlCatalog';

export type SuggestionKind = 'database' | 'schema' | ObjectKind | 'column';

export interface Suggestion {
  readonly label: string;
  readonly kind: SuggestionKind;
  /** The text that replaces what was typed of the name (from `replaceStart` to the cursor). */
  readonly insertText: string;
  /** What the editor matches the typed text against. */
  readonly filterText: string;
  readonly detail?: string;
  /** Orders columns first, then tables, schemas, databases. */
  readonly sortText: string;
}

export interface Suggestions {
  readonly items: readonly Suggestion[];
  readonly replaceStart: number;
  /** More names exist than were listed: ask again as more is typed. */
  readonly incomplete: boolean;
}

/** Where unqualified names resolve: the session's (or the file's USE) database and schema. */
export interface NameDefaults {
  readonly database?: string;
  readonly schema?: string;
}

const RANK: Record<SuggestionKind, string> = { column: '1', table: '2', view: '2', schema: '3', database: '4' };

/** The three-part name of a reference, filled in from the defaults; undefined when a default is missing. */
export function resolveReference(parts: readonly string[], d: NameDefaults): [string, string, string] | undefined {
  const [a, b, c] = parts;
  if (parts.length === 3) return [a!, b!, c!];
  if (parts.length === 2) return d.database ? [d.database, a!, b!] : undefined;
  if (parts.length === 1) return d.database && d.schema ? [d.database, d.schema, a!] : undefined;
  return undefined;
}

/** The statement's table whose alias, or whose own name, is `name`. */
export function referenceNamed(refs: readonly TableReference[], name: string): TableReference | undefined {
  return refs.find((r) => r.alias === name) ?? refs.find((r) => !r.alias && r.parts[r.parts.length - 1] === name);
}

function item(name: string, kind: SuggestionKind, quoted: boolean, detail?: string): Suggestion {
  // Inside an opened quote the name goes in as written, closed; else quoted only when Snowflake needs it.
  const insertText = quoted ? `"${name.replace(/"/g, '""')}"` : quoteIdentifier(name);
  return {
    label: name,
    kind,
    insertText,
    filterText: quoted ? `"${name}` : name,
    sortText: `${RANK[kind]}${name}`,
    ...(detail ? { detail } : {}),
  };
}

const columnDetail = (c: ColumnInfo): string => `${c.type}${c.nullable ? '' : ' NOT NULL'}`;

interface Found {
  readonly items: Suggestion[];
  incomplete: boolean;
}

export async function suggest(
  ctx: CompletionContext,
  catalog: SqlCatalog,
  session: NameDefaults,
): Promise<Suggestions> {
  const d: NameDefaults = {
    database: ctx.use.database ?? session.database,
    schema: ctx.use.database && !ctx.use.schema ? undefined : (ctx.use.schema ?? session.schema),
  };
  const found: Found = { items: [], incomplete: false };
  const q = ctx.quoted;
  const names = (l: Listing | undefined, kind: 'database' | 'schema', detail?: string): void => {
    if (!l) return;
    if (!l.complete) found.incomplete = true;
    for (const n of l.names) found.items.push(item(n.name, kind, q, detail ?? n.comment));
  };
  const objects = (l: Listing | undefined, where: string): void => {
    if (!l) return;
    if (!l.complete) found.incomplete = true;
    for (const n of l.names) found.items.push(item(n.name, n.kind ?? 'table', q, `${n.kind ?? 'table'} in ${where}`));
  };
  const columns = (cols: readonly ColumnInfo[] | undefined): void => {
    for (const c of cols ?? []) found.items.push(item(c.name, 'column', q, columnDetail(c)));
  };
  const quietly = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
  const columnsOf = async (parts: readonly string[]): Promise<readonly ColumnInfo[] | undefined> => {
    const full = resolveReference(parts, d);
    return full ? catalog.columns(...full) : undefined;
  };
  const prefix = ctx.partial;
  const [a, b, c] = ctx.qualifiers;
  const loads: Promise<void>[] = [];
  switch (ctx.qualifiers.length) {
    case 0: {
      if (!ctx.wantsTable) for (const r of ctx.references) loads.push(columnsOf(r.parts).then(columns));
      if (d.database && d.schema)
        loads.push(
          quietly(catalog.objects(d.database, d.schema, prefix)).then((l) => objects(l, `${d.database}.${d.schema}`)),
        );
      if (d.database)
        loads.push(quietly(catalog.schemas(d.database)).then((l) => names(l, 'schema', `schema in ${d.database}`)));
      loads.push(quietly(catalog.databases()).then((l) => names(l, 'database')));
      break;
    }
    case 1: {
      const ref = ctx.wantsTable ? undefined : referenceNamed(ctx.references, a!);
      if (ref) {
        // An alias or a table of the statement: only its columns.
        loads.push(columnsOf(ref.parts).then(columns));
        break;
      }
      loads.push(
        quietly(catalog.databases()).then(async (dbs) => {
          if (dbs?.names.some((n) => n.name === a) || (dbs && !dbs.complete))
            names(await quietly(catalog.schemas(a!)), 'schema', `schema in ${a}`);
        }),
      );
      if (d.database) {
        const db = d.database;
        loads.push(
          quietly(catalog.schemas(db)).then(async (schemas) => {
            if (schemas?.names.some((n) => n.name === a))
              objects(await quietly(catalog.objects(db, a!, prefix)), `${db}.${a}`);
          }),
        );
      }
      if (!ctx.wantsTable && d.database && d.schema) loads.push(columnsOf([a!]).then(columns));
      break;
    }
    case 2: {
      loads.push(quietly(catalog.objects(a!, b!, prefix)).then((l) => objects(l, `${a}.${b}`)));
      if (!ctx.wantsTable && d.database) loads.push(columnsOf([a!, b!]).then(columns));
      break;
    }
    case 3:
      if (!ctx.wantsTable) loads.push(columnsOf([a!, b!, c!]).then(columns));
      break;
  }
  await Promise.all(loads);
  return { items: dedupe(found.items), replaceStart: ctx.partialStart, incomplete: found.incomplete };
}

/** One suggestion per name and kind (a column in two joined tables is offered once). */
function dedupe(items: readonly Suggestion[]): Suggestion[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.kind}:${i.label}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
