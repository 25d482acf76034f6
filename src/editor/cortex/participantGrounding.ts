// What @snowflake /sql and /schema read before asking Cortex: the database.schema to ground in (the Snowflake view's
// selection or last expansion, the connection's, or the user's pick in a quick pick), its tables ranked by relevance
// to the question, or the one table /schema names. Progress and answers say where they looked and as which role;
// failures are said in chat's words (the tree's "Refresh the parent" fixes do not apply here).
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/auth/types';
import {
  describeSource,
  resolveGroundingLocation,
  type GroundingLocation,
  type ViewFocus,
} from '../../core/cortex/grounding/groundingLocation';
import {
  listSchemaObjects,
  loadSchemaContext,
  loadTable,
  type SchemaCatalog,
  type SchemaContextCache,
} from '../../core/cortex/grounding/schemaContext';
import {
  parseTableRef,
  renderSchema,
  schemaSystemPrompt,
  sqlSystemPrompt,
} from '../../core/cortex/grounding/sqlPrompts';
import { qualifiedName } from '../../core/snowflake/identifiers';
import { SnowflakeExtError, isCancelled } from '../../core/shared/errors';

export interface GroundingEnv {
  readonly schemas: SchemaContextCache;
  catalogFor(profile: ConnectionProfile): SchemaCatalog;
  /** Where the user is looking in the Snowflake view under this connection. */
  focus?(connectionName: string): ViewFocus | undefined;
  /** The role the connection's SQL session uses (switched in the view, or the connection's). */
  roleOf?(profile: ConnectionProfile): string | undefined;
}

export interface Grounded {
  /** The system prompt; undefined when there is nothing to ask Cortex (the answer already says why). */
  readonly system?: string;
  /** The first line of the answer: where the tables came from. */
  readonly note: string;
  readonly table?: string;
}

const place = (l: { database: string; schema: string }): string => qualifiedName(l.database, l.schema);
const asRole = (role: string | undefined): string => (role ? ` as role ${role}` : '');

async function pickName(what: 'database' | 'schema', names: readonly string[], database?: string) {
  return vscode.window.showQuickPick([...names], {
    title: what === 'database' ? '@snowflake: which database?' : `@snowflake: which schema of ${database}?`,
    placeHolder:
      what === 'database'
        ? 'The connection names no database: pick the one to read tables from'
        : 'Pick the schema to read tables from (or select one in the Snowflake view next time)',
    ignoreFocusOut: true,
  });
}

async function locate(env: GroundingEnv, profile: ConnectionProfile, signal?: AbortSignal): Promise<GroundingLocation> {
  const focus = env.focus?.(profile.name);
  return resolveGroundingLocation({
    ...(focus ? { focus } : {}),
    profile,
    catalog: env.catalogFor(profile),
    pick: pickName,
    ...(signal ? { signal } : {}),
  });
}

/** A catalog failure in chat's words: what could not be read, as which role, and what to do from here. */
export function chatCatalogError(err: unknown, where: string, profile: ConnectionProfile, role?: string): Error {
  if (isCancelled(err)) return err as Error;
  const e = err instanceof SnowflakeExtError ? err : undefined;
  const said = e ? ` (${e.message})` : '';
  if (e?.kind === 'notFound' || e?.kind === 'permission') {
    return new SnowflakeExtError(
      e.kind,
      `${where} is not visible with connection '${profile.name}'${asRole(role)}${said}.`,
      {
        text: 'Select a database and schema you can see in the Snowflake view (or switch role there), then ask again.',
      },
      e.code,
      { cause: err },
    );
  }
  if (e)
    return new SnowflakeExtError(
      e.kind,
      `Could not read ${where} with connection '${profile.name}'${said}.`,
      e.fix,
      e.code,
      { cause: err },
    );
  return err instanceof Error ? err : new Error(String(err));
}

/** /sql: the tables of the chosen schema most relevant to the question, described, with an exact count of the rest. */
export async function groundSql(
  env: GroundingEnv,
  profile: ConnectionProfile,
  question: string,
  stream: vscode.ChatResponseStream,
  signal?: AbortSignal,
): Promise<Grounded> {
  const role = env.roleOf?.(profile);
  const loc = await locate(env, profile, signal);
  const where = place(loc);
  stream.progress(
    `Reading tables of ${where} (${describeSource(loc.source)}) with connection '${profile.name}'${asRole(role)}…`,
  );
  const catalog = env.catalogFor(profile);
  try {
    const listing = await env.schemas.get(`${profile.name}\u0000${loc.database}\u0000${loc.schema}`, () =>
      listSchemaObjects(catalog, loc, undefined, signal),
    );
    if (listing.objects.length === 0) {
      return {
        note: `${where} (${describeSource(loc.source)}) holds no tables or views visible to connection '${profile.name}'${asRole(role)}. Select a schema with tables in the Snowflake view, or set \`database\` and \`schema\` in the connection, then ask again.`,
      };
    }
    const ctx = await loadSchemaContext(catalog, listing, loc, question, {}, signal);
    const schemaText = renderSchema(ctx.tables, undefined, { count: ctx.omitted, exact: ctx.complete, place: where });
    const total = `${ctx.complete ? '' : 'more than '}${listing.objects.length}`;
    return {
      system: sqlSystemPrompt(schemaText, {
        connection: profile.name,
        database: loc.database,
        schema: loc.schema,
        ...(role ? { role } : {}),
      }),
      note: `*Tables from ${where} (${describeSource(loc.source)}), read${asRole(role)}: ${ctx.tables.length} of ${total} described, the most relevant to the question first.*\n\n`,
    };
  } catch (err) {
    throw chatCatalogError(err, where, profile, role);
  }
}

/** /schema: the named table, found in the chosen schema (or where the name says) with SHOW ... LIKE. */
export async function groundTable(
  env: GroundingEnv,
  profile: ConnectionProfile,
  prompt: string,
  stream: vscode.ChatResponseStream,
  signal?: AbortSignal,
): Promise<Grounded> {
  const ref = parseTableRef(prompt);
  if (!ref) return { note: 'Name a table, for example `/schema ORDERS` or `/schema SALES_DB.PUBLIC.ORDERS`.' };
  const role = env.roleOf?.(profile);
  const loc = ref.database && ref.schema ? undefined : await locate(env, profile, signal);
  const database = ref.database ?? loc!.database;
  const schema = ref.schema ?? loc!.schema;
  const where = place({ database, schema });
  const how = loc && !ref.schema ? ` (${describeSource(loc.source)})` : '';
  stream.progress(`Looking for ${ref.name} in ${where}${how} with connection '${profile.name}'${asRole(role)}…`);
  try {
    const table = await loadTable(env.catalogFor(profile), { database, schema }, ref, signal);
    if (!table) {
      return {
        note: `There is no table or view \`${qualifiedName(ref.name)}\` in ${where}${how} visible to connection '${profile.name}'${asRole(role)}. Check the name, give it as DATABASE.SCHEMA.TABLE, or select its schema in the Snowflake view.`,
      };
    }
    const name = qualifiedName(table.database, table.schema, table.name);
    return { system: schemaSystemPrompt(table), note: `*${name}, read${asRole(role)}.*\n\n`, table: name };
  } catch (err) {
    throw chatCatalogError(err, where, profile, role);
  }
}
