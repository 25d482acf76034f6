// "Create Programmatic Access Token" without the prompts: over a connection's working sign-in (any kind), ALTER USER …
// ADD PROGRAMMATIC ACCESS TOKEN, the secret and its record kept only by the auth service, then a connection that
// signs in with it written (a new one, or an existing one switched to it) and its login tested. Every check runs
// before Snowflake creates anything; a failure after that removes the token at Snowflake and what was stored.
import type { AuthService, ConnectionProfile } from '../types';
import type { QueryResult } from '../../snowflake/sqlDriver';
import { connectionIdentifier } from '../../snowflake/identifiers';
import { SnowflakeExtError } from '../../shared/errors';
import { isPrivilegeRefusal } from '../keys/userKeys';
import type { PatRecord } from './patRecord';
import { writeNewTokenFile } from './patTokenFile';
import { plan, writeConnection, type Plan, type Written } from './patPlan';
import { addPatStatement, listedPats, removePatStatement, secretOf, showPatsStatement } from './patStatements';

export { defaultPatConnection, defaultPatName } from './patPlan';

export interface PatCreateDeps {
  readonly auth: Pick<AuthService, 'connections' | 'reload' | 'getConnection' | 'savePat'>;
  /** Runs a statement on a connection's SQL session (a SqlSessionManager's query). */
  readonly query: (profile: ConnectionProfile, sqlText: string, what: string) => Promise<QueryResult>;
  readonly testLogin: (profile: ConnectionProfile) => Promise<{ readonly user: string; readonly role: string }>;
  readonly now: () => number;
}

export interface PatCreateOptions {
  /** The connection whose sign-in creates the token (for its own user). */
  readonly connection: string;
  /** Token name (default POSIT_<CONNECTION>_<YYYYMMDD>). */
  readonly name?: string;
  /** Role restriction (default: the connection's role, else the session's current role). */
  readonly role?: string;
  readonly days?: number;
  /** Where the PAT goes: a new connection of that name (default "<connection>_pat"), or an existing one switched. */
  readonly target?:
    { readonly kind: 'new'; readonly name: string } | { readonly kind: 'update'; readonly name: string };
  /**
   * The CLI, which keeps no secrets: the secret goes into a new token file (0600) the connection names with
   * token_file_path, instead of the secret storage.
   */
  readonly tokenFile?: boolean;
}

export interface PatCreateResult {
  readonly connection: string;
  readonly connectionsFile: string;
  readonly record: PatRecord;
  /** Where the secret was written (with `tokenFile`). */
  readonly tokenFile?: string;
  readonly login?: { readonly user: string; readonly role: string };
  readonly loginError?: string;
}

const DAY_MS = 86400_000;

async function whoAmI(deps: PatCreateDeps, source: ConnectionProfile): Promise<{ user: string; role?: string }> {
  const r = await deps.query(source, 'SELECT CURRENT_USER(), CURRENT_ROLE()', `Signing in with "${source.name}"`);
  const [user, role] = r.rows[0] ?? [];
  if (!user) throw new SnowflakeExtError('server', `Snowflake did not say which user "${source.name}" signs in as.`);
  return { user, ...(role ? { role } : {}) };
}

function refused(err: unknown, user: string, source: string): SnowflakeExtError {
  const reason = err instanceof Error ? err.message : String(err);
  return new SnowflakeExtError(
    'permission',
    `Snowflake refused to create a programmatic access token for ${user} over "${source}": ${reason}`,
    {
      text: 'Ask an administrator for the MODIFY PROGRAMMATIC AUTHENTICATION METHODS privilege on the user, or to create the token for you.',
    },
    'patPrivilege',
    { cause: err },
  );
}

async function createdTimes(
  deps: PatCreateDeps,
  p: Plan,
  user: string,
  before: number,
): Promise<{ createdAt: number; expiresAt: number }> {
  const fallback = { createdAt: before, expiresAt: before + p.days * DAY_MS };
  try {
    const listed = listedPats(await deps.query(p.source, showPatsStatement(user), 'Reading the new token’s expiry'));
    const mine = listed.find((t) => t.name === p.name);
    if (mine?.expiresAt === undefined) return fallback;
    return { createdAt: mine.createdOn ?? before, expiresAt: mine.expiresAt };
  } catch {
    return fallback;
  }
}

export async function createPat(deps: PatCreateDeps, o: PatCreateOptions): Promise<PatCreateResult> {
  const p = await plan(deps, o);
  const who = await whoAmI(deps, p.source);
  const role =
    o.role?.trim() || (p.source.role ? connectionIdentifier(p.source.role) : undefined) || who.role || undefined;
  const run = (sql: string, what: string) => deps.query(p.source, sql, what);
  const tokens = listedPats(await run(showPatsStatement(who.user), `Listing the tokens of ${who.user}`));
  if (tokens.some((t) => t.name === p.name))
    throw new SnowflakeExtError(
      'config',
      `User ${who.user} already has a programmatic access token named ${p.name}.`,
      { text: 'Choose another name, or remove the old token first (ALTER USER … REMOVE PROGRAMMATIC ACCESS TOKEN).' },
      'patExists',
    );
  const before = deps.now();
  let created: { name: string; secret: string };
  try {
    created = secretOf(
      await run(
        addPatStatement(who.user, { name: p.name, days: p.days, ...(role ? { role } : {}) }),
        `Creating ${p.name}`,
      ),
    );
  } catch (err) {
    if (isPrivilegeRefusal(err)) throw refused(err, who.user, p.source.name);
    throw err;
  }
  const undo = async (): Promise<void> => {
    await run(removePatStatement(who.user, p.name), `Removing ${p.name}`).catch(() => undefined);
  };
  const times = await createdTimes(deps, p, who.user, before);
  const record: PatRecord = {
    name: p.name,
    user: who.user,
    ...(role ? { role } : {}),
    ...times,
    createdVia: p.source.name,
  };
  // The file first: until the secret is saved, a connection switched to the PAT keeps its old secret (if any).
  let written: Written;
  try {
    written = await writeConnection(p, who.user, role);
  } catch (err) {
    await undo();
    throw err;
  }
  try {
    if (p.tokenFile) await writeNewTokenFile(p.tokenFile, created.secret);
    else await deps.auth.savePat(p.target.name, created.secret, record);
  } catch (err) {
    await written.restore().catch(() => undefined);
    await undo();
    throw err;
  }
  const connectionsFile = written.file;
  await deps.auth.reload();
  const base = {
    connection: p.target.name,
    connectionsFile,
    record,
    ...(p.tokenFile ? { tokenFile: p.tokenFile } : {}),
  };
  try {
    return { ...base, login: await deps.testLogin(await deps.auth.getConnection(p.target.name)) };
  } catch (err) {
    return { ...base, loginError: err instanceof Error ? err.message : String(err) };
  }
}
