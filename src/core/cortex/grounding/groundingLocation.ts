// Where @snowflake looks for tables: the database and schema the user selected or last expanded in the Snowflake
// view, else the connection's own `database` / `schema` (unquoted identifiers, as the drivers read them), else the
// ones the user picks when asked. Never a guess: the answer says which one it used and why.
import type { ConnectionProfile } from '../../auth/types';
import type { CatalogLoader } from '../../snowflake/catalogLoader';
import { connectionIdentifier } from '../../snowflake/identifiers';
import { CancelledError, SnowflakeExtError } from '../../shared/errors';

/** A database (and schema) the user pointed at in the Snowflake view. */
export interface ViewFocus {
  readonly database: string;
  readonly schema?: string;
}

export type LocationSource = 'view' | 'connection' | 'picked';

export interface GroundingLocation {
  readonly database: string;
  readonly schema: string;
  readonly source: LocationSource;
}

export interface LocationChoices {
  readonly focus?: ViewFocus;
  readonly profile: ConnectionProfile;
  readonly catalog: Pick<CatalogLoader, 'listDatabases' | 'listSchemas'>;
  /** Asks the user to choose one of `names`; undefined when they dismiss the question. */
  readonly pick: (
    what: 'database' | 'schema',
    names: readonly string[],
    database?: string,
  ) => Promise<string | undefined>;
  readonly signal?: AbortSignal;
}

const HIDDEN_SCHEMAS = new Set(['INFORMATION_SCHEMA']);

/** The location to ground in; throws CancelledError when the user dismissed the question. */
export async function resolveGroundingLocation(c: LocationChoices): Promise<GroundingLocation> {
  if (c.focus?.schema) return { database: c.focus.database, schema: c.focus.schema, source: 'view' };
  const ownDb = c.profile.database ? connectionIdentifier(c.profile.database) : undefined;
  const ownSchema = c.profile.schema ? connectionIdentifier(c.profile.schema) : undefined;
  if (c.focus) {
    // A database chosen in the view: its schema is the connection's when the connection names this database.
    const schema = ownDb === c.focus.database && ownSchema ? ownSchema : await chooseSchema(c, c.focus.database);
    return { database: c.focus.database, schema, source: 'view' };
  }
  if (ownDb && ownSchema) return { database: ownDb, schema: ownSchema, source: 'connection' };
  if (ownDb) return { database: ownDb, schema: await chooseSchema(c, ownDb), source: 'connection' };
  const databases = (await c.catalog.listDatabases(undefined, c.signal)).items.map((d) => d.name);
  if (databases.length === 0)
    throw new SnowflakeExtError('notFound', `Connection '${c.profile.name}' sees no database to take tables from.`, {
      text: 'Set `database` and `schema` in the connection, or ask for access to a database.',
    });
  const database = databases.length === 1 ? databases[0] : await c.pick('database', databases);
  if (!database) throw new CancelledError();
  return { database, schema: await chooseSchema(c, database), source: 'picked' };
}

async function chooseSchema(c: LocationChoices, database: string): Promise<string> {
  const schemas = (await c.catalog.listSchemas(database, undefined, c.signal)).items
    .map((s) => s.name)
    .filter((n) => !HIDDEN_SCHEMAS.has(n));
  if (schemas.length === 0)
    throw new SnowflakeExtError('notFound', `Database ${database} has no schema this role can see.`, {
      text: 'Select another database in the Snowflake view, or switch role there.',
    });
  const schema = schemas.length === 1 ? schemas[0] : await c.pick('schema', schemas, database);
  if (!schema) throw new CancelledError();
  return schema;
}

/** "selected in the Snowflake view" / "the connection's database and schema" / "picked by you". */
export function describeSource(source: LocationSource): string {
  if (source === 'view') return 'selected in the Snowflake view';
  if (source === 'connection') return "the connection's database and schema";
  return 'chosen by you';
}
