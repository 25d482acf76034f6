// The schema the @snowflake participant grounds SQL in: the tables and views of one database.schema (listed in
// full, page by page, up to a cap), the ones most relevant to the question described with their columns, and an
// exact count of the rest; and the one table `/schema` names, found with SHOW ... LIKE whatever the schema's size.
import type { CatalogLoader, ColumnInfo, TableInfo } from '../../snowflake/catalogLoader';
import type { SchemaTable, TableRef } from './sqlPrompts';

export type SchemaCatalog = Pick<
  CatalogLoader,
  'listDatabases' | 'listSchemas' | 'listTables' | 'listViews' | 'listColumns' | 'findObjects'
>;

export interface SchemaPlace {
  readonly database: string;
  readonly schema: string;
}

export interface SchemaListing {
  readonly objects: readonly TableInfo[];
  /** False when the listing stopped at the cap and the schema holds more. */
  readonly complete: boolean;
}

export interface SchemaContext extends SchemaPlace {
  readonly tables: readonly SchemaTable[];
  /** Tables and views listed but not described (exact when `complete`). */
  readonly omitted: number;
  readonly complete: boolean;
}

export interface SchemaContextOptions {
  /** Tables described with their columns (each costs one DESCRIBE). */
  readonly maxTables?: number;
  /** DESCRIBE statements in flight at once. */
  readonly concurrency?: number;
  /** Objects listed at most (SHOW pages); beyond it the count says "more than". */
  readonly maxListed?: number;
}

const DEFAULT_MAX_LISTED = 10_000;

/** Every table and view of the schema, following SHOW's pages, up to `max` objects. */
export async function listSchemaObjects(
  catalog: SchemaCatalog,
  place: SchemaPlace,
  max = DEFAULT_MAX_LISTED,
  signal?: AbortSignal,
): Promise<SchemaListing> {
  const objects: TableInfo[] = [];
  let complete = true;
  for (const list of [catalog.listTables.bind(catalog), catalog.listViews.bind(catalog)]) {
    let after: string | undefined;
    do {
      const page = await list(place.database, place.schema, after, signal);
      objects.push(...page.items);
      after = page.next;
    } while (after !== undefined && objects.length < max);
    if (after !== undefined) complete = false;
  }
  return { objects, complete };
}

const STOP_WORDS = new Set(
  'the and for with from that this what which who how many much per each all any are was were has have show list give get find top by of in on to a an is me my our'.split(
    ' ',
  ),
);

/** The question's words, lower case, without stop words and plural endings ("customers" → "customer"). */
function questionWords(question: string): string[] {
  const words = question.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return [...new Set(words.filter((w) => w.length > 2 && !STOP_WORDS.has(w)).map(singular))];
}

function singular(w: string): string {
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3) return w.slice(0, -1);
  return w;
}

/** How well an object matches the question: a word in its name counts 3, in its comment 1. */
function relevance(t: TableInfo, words: readonly string[]): number {
  const nameParts = t.name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(singular);
  const comment = (t.comment ?? '').toLowerCase();
  let score = 0;
  for (const w of words) {
    if (nameParts.includes(w)) score += 3;
    else if (nameParts.some((p) => p.length > 3 && (p.startsWith(w) || w.startsWith(p)))) score += 2;
    if (comment.includes(w)) score += 1;
  }
  return score;
}

/** Objects in order of relevance to the question (names, then comments), the rest after in their listed order. */
export function rankByRelevance(objects: readonly TableInfo[], question: string): TableInfo[] {
  const words = questionWords(question);
  return objects
    .map((t, i) => ({ t, i, score: relevance(t, words) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((x) => x.t);
}

export async function loadSchemaContext(
  catalog: SchemaCatalog,
  listing: SchemaListing,
  place: SchemaPlace,
  question: string,
  opts: SchemaContextOptions = {},
  signal?: AbortSignal,
): Promise<SchemaContext> {
  const chosen = rankByRelevance(listing.objects, question).slice(0, opts.maxTables ?? 30);
  const described = await mapLimited(chosen, opts.concurrency ?? 4, (t) => describe(catalog, place, t, signal));
  return {
    ...place,
    tables: described,
    omitted: listing.objects.length - chosen.length,
    complete: listing.complete,
  };
}

/**
 * The table `/schema` names, in `place` unless the reference says where: SHOW TABLES / VIEWS LIKE the name, then
 * the exact name (as typed when quoted; unquoted names were upper-cased by parseTableRef), else a case-insensitive
 * match. Undefined when there is none.
 */
export async function loadTable(
  catalog: SchemaCatalog,
  place: SchemaPlace,
  ref: TableRef,
  signal?: AbortSignal,
): Promise<SchemaTable | undefined> {
  const where = { database: ref.database ?? place.database, schema: ref.schema ?? place.schema };
  const [tables, views] = await Promise.all([
    catalog.findObjects('table', where.database, where.schema, ref.name, signal),
    catalog.findObjects('view', where.database, where.schema, ref.name, signal),
  ]);
  const all = [...tables, ...views];
  const found =
    all.find((t) => t.name === ref.name) ?? all.find((t) => t.name.toUpperCase() === ref.name.toUpperCase());
  return found ? describe(catalog, where, found, signal) : undefined;
}

async function describe(
  catalog: SchemaCatalog,
  place: SchemaPlace,
  t: TableInfo,
  signal?: AbortSignal,
): Promise<SchemaTable> {
  const columns: ColumnInfo[] = await catalog.listColumns(place.database, place.schema, t.name, t.kind, signal);
  return {
    database: place.database,
    schema: place.schema,
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

/** Schema listings per connection and place for a few minutes: one /sql after another should not re-read them. */
export class SchemaContextCache {
  private readonly entries = new Map<string, { at: number; value: Promise<SchemaListing> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<SchemaListing>): Promise<SchemaListing> {
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
