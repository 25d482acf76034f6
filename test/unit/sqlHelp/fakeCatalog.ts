// A little catalog server for SQL-help tests: answers the SHOW / DESCRIBE statements the catalog loader sends
// (LIMIT n FROM 'x' paging; LIKE case-insensitive with % and _ as wildcards) and records what was sent.
import { CatalogLoader, type QueryRunner } from '../../../src/core/snowflake/catalogLoader';
import type { QueryResult } from '../../../src/core/snowflake/sqlDriver';
import { showResult } from '../snowflake/fakeSql';
import { likeToRegExp } from '../../emulator/show';

export interface FakeTable {
  readonly kind?: 'table' | 'view';
  readonly columns: Record<string, string>;
}
export type FakeCatalog = Record<string, Record<string, Record<string, FakeTable>>>;

const unq = (s: string): string => s.replace(/""/g, '"');
const parts = (quoted: string): string[] => [...quoted.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => unq(m[1]!));

export function fakeCatalog(catalog: FakeCatalog, pageSize = 500): { loader: CatalogLoader; sent: string[] } {
  const sent: string[] = [];
  const page = (names: string[], sql: string): string[] => {
    const m = /LIMIT (\d+)(?: FROM '((?:[^']|'')*)')?$/.exec(sql);
    const sorted = names.sort();
    const from = m?.[2]?.replace(/''/g, "'");
    const start = from === undefined ? 0 : sorted.findIndex((n) => n > from);
    return start < 0 ? [] : sorted.slice(start, start + (m ? Number(m[1]) : Infinity));
  };
  const run: QueryRunner = async (sql): Promise<QueryResult> => {
    sent.push(sql);
    if (sql.startsWith('SHOW DATABASES')) return showResult(page(Object.keys(catalog), sql));
    let m = /^SHOW SCHEMAS IN DATABASE ("(?:[^"]|"")*")/.exec(sql);
    if (m) {
      const db = catalog[parts(m[1]!)[0]!];
      if (!db) throw Object.assign(new Error('Database does not exist or not authorized.'), { code: '002043' });
      return showResult(page(Object.keys(db), sql));
    }
    m = /^SHOW (TABLES|VIEWS)(?: LIKE '((?:[^']|'')*)')? IN SCHEMA (.*?)(?: LIMIT|$)/.exec(sql);
    if (m) {
      const [db, schema] = parts(m[3]!);
      const objects = catalog[db!]?.[schema!];
      if (!objects) throw Object.assign(new Error('Schema does not exist or not authorized.'), { code: '002003' });
      const kind = m[1] === 'VIEWS' ? 'view' : 'table';
      const re = m[2] !== undefined ? likeToRegExp(m[2].replace(/''/g, "'")) : undefined;
      const names = Object.keys(objects).filter((n) => (objects[n]!.kind ?? 'table') === kind && (!re || re.test(n)));
      return showResult(re ? names.sort() : page(names, sql));
    }
    m = /^DESCRIBE (TABLE|VIEW) (.*)$/.exec(sql);
    if (m) {
      const [db, schema, name] = parts(m[2]!);
      const t = catalog[db!]?.[schema!]?.[name!];
      if (!t || (t.kind ?? 'table') !== (m[1] === 'VIEW' ? 'view' : 'table'))
        throw Object.assign(new Error(`Object '${name}' does not exist or not authorized.`), { code: '002003' });
      const cols = Object.entries(t.columns);
      return {
        columns: ['name', 'type', 'kind', 'null?', 'primary key'].map((n) => ({
          name: n,
          type: 'text',
          nullable: true,
        })),
        rows: cols.map(([n, type]) => [n, type, 'COLUMN', 'Y', 'N']),
      };
    }
    throw new Error(`the fake catalog does not answer: ${sql}`);
  };
  return { loader: new CatalogLoader(run, pageSize), sent };
}
