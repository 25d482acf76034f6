// Answers the session statements (catalog SHOWs, DESCRIBE, USE, ALTER SESSION, ALTER USER's keys and PATs, CURRENT_*()) from
// the catalog, and hands every other SELECT/WITH to the SQL engine (duck.ts); role grants and Snowflake's error codes
// and messages.
import { T, type TableDef } from './catalog';
import {
  SqlError,
  describeTable,
  showColumns,
  showDatabases,
  showObjects,
  showRoles,
  showSchemas,
  showWarehouses,
  type QueryResult,
  type ResultColumn,
  type SchemaRef,
  type ShowFilter,
} from './show';
import { Cursor, tokenize } from './sqlLexer';
import type { EmulatorState, Session } from './state';
import { alterUserKeys } from './userKeys';
import { alterUserPats, isPatStatement, showUserPats } from './userPats';

const text = (name: string): ResultColumn => ({ name, t: T.varchar() });
const STATUS_OK: QueryResult = { columns: [text('status')], rows: [['Statement executed successfully.']] };

/** The statement is a query for the SQL engine (duck.ts), not one the emulator answers itself. */
export const ENGINE = Symbol('engine');

const isQuery = (sql: string): boolean =>
  /^\s*(?:\(|WITH\b|SELECT\b)/i.test(sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ''));

/**
 * SHOW/DESCRIBE/USE/ALTER SESSION/ALTER USER and `SELECT CURRENT_*()` are answered here from the session and the
 * catalog; other SELECT/WITH statements go to the engine.
 */
export function answerSql(state: EmulatorState, session: Session, sql: string): QueryResult | typeof ENGINE {
  let tokens;
  try {
    tokens = tokenize(sql);
  } catch (e) {
    if (isQuery(sql)) return ENGINE;
    throw e;
  }
  const c = new Cursor(sql, tokens);
  if (c.done) throw new SqlError('000900', '42000', 'SQL compilation error:\nEmpty SQL statement.');
  const verb = c.peek()!.value;
  if (verb === 'WITH' || verb === '(') return ENGINE;
  const exec = new SqlExecutor(state, session, c);
  if (verb !== 'SELECT') return exec.run();
  try {
    return exec.run();
  } catch (e) {
    if (e instanceof SqlError && e.code === '001003') return ENGINE;
    throw e;
  }
}

/** The session statements only (fakes that stand in for the driver use it); a query for the engine is refused. */
export function executeSql(state: EmulatorState, session: Session, sql: string): QueryResult {
  const r = answerSql(state, session, sql);
  if (r === ENGINE)
    throw new SqlError('001003', '42000', 'SQL compilation error:\nthis statement needs the SQL engine.');
  return r;
}

class SqlExecutor {
  constructor(
    private readonly state: EmulatorState,
    private readonly s: Session,
    private readonly c: Cursor,
  ) {}

  run(): QueryResult {
    const c = this.c;
    if (c.accept('SHOW')) return this.show();
    if (c.accept('DESCRIBE') || c.accept('DESC')) return this.describe();
    if (c.accept('USE')) return this.use();
    if (c.accept('SELECT')) return this.select();
    if (c.accept('ALTER', 'USER'))
      return isPatStatement(c) ? alterUserPats(this.state, this.s, c) : alterUserKeys(this.state, this.s, c);
    if (c.accept('ALTER', 'SESSION')) {
      while (!c.done) c.next();
      return STATUS_OK;
    }
    throw c.unexpected();
  }

  // ---- name resolution through grants ------------------------------------------------------------------------
  private visible(db: string): boolean {
    return this.state.databasesFor(this.s.role).has(db);
  }

  private db(name: string) {
    const d = this.visible(name) ? this.state.catalog.database(name) : undefined;
    if (!d)
      throw new SqlError(
        '002043',
        '02000',
        `SQL compilation error:\nDatabase '${name}' does not exist or not authorized.`,
      );
    return d;
  }

  private noCurrent(what: string, cmd: string): SqlError {
    return new SqlError(
      '090105',
      '22000',
      `Cannot perform ${cmd}. This session does not have a current ${what}. Call 'USE ${what.toUpperCase()}', or use a qualified name.`,
    );
  }

  private schemaRef(parts: readonly string[], cmd: string): SchemaRef {
    const [dbName, schemaName] = parts.length === 2 ? parts : [this.s.database, parts[0]];
    if (!dbName) throw this.noCurrent('database', cmd);
    const d = this.db(dbName);
    const schema = d.schemas.find((x) => x.name === schemaName);
    if (!schema)
      throw new SqlError(
        '002003',
        '02000',
        `SQL compilation error:\nSchema '${d.name}.${schemaName}' does not exist or not authorized.`,
      );
    return { db: d.name, schema };
  }

  private table(parts: readonly string[], cmd: string): { db: string; schema: string; t: TableDef } {
    const name = parts[parts.length - 1]!;
    const schemaParts = parts.length > 1 ? parts.slice(0, -1) : this.s.schema ? [this.s.schema] : [];
    if (schemaParts.length === 0) throw this.noCurrent('schema', cmd);
    let ref: SchemaRef | undefined;
    try {
      ref = this.schemaRef(schemaParts, cmd);
    } catch (e) {
      if ((e as SqlError).code === '090105') throw e;
    }
    const t = ref?.schema.table(name);
    if (!ref || !t) {
      const full = [...(schemaParts.length === 1 ? [this.s.database ?? ''] : []), ...schemaParts, name]
        .filter(Boolean)
        .join('.');
      throw new SqlError(
        '002003',
        '42S02',
        `SQL compilation error:\nObject '${full}' does not exist or not authorized.`,
      );
    }
    return { db: ref.db, schema: ref.schema.name, t };
  }

  // ---- SHOW ---------------------------------------------------------------------------------------------------
  private show(): QueryResult {
    const c = this.c;
    c.accept('TERSE');
    const what = c.next();
    const kind = what.kind === 'word' ? what.value : '';
    if (kind === 'COLUMNS') return this.showColumns();
    if (kind === 'USER') return showUserPats(this.state, this.s, c);
    const f: ShowFilter & { scope?: { kind: string; parts: string[] } } = {};
    this.showClauses(f, kind);
    const visibleDbs = this.state.catalog.databases.filter((d) => this.visible(d.name));
    switch (kind) {
      case 'DATABASES':
        return showDatabases(visibleDbs, this.s.database, f);
      case 'SCHEMAS': {
        const dbName = f.scope?.parts[0] ?? this.s.database;
        if (!dbName) throw this.noCurrent('database', 'SHOW SCHEMAS');
        return showSchemas(this.db(dbName), this.s.database === dbName ? this.s.schema : undefined, f);
      }
      case 'TABLES':
      case 'VIEWS':
      case 'OBJECTS':
        return showObjects(kind === 'VIEWS' ? 'VIEW' : 'TABLE', this.objectScopes(f.scope), f);
      case 'ROLES':
        return showRoles(
          [...this.state.user(this.s.user)!.roles],
          this.s.role,
          this.state.user(this.s.user)!.defaultRole,
          f,
        );
      case 'WAREHOUSES':
        return showWarehouses([...this.state.warehouses], this.s.warehouse, f);
      default:
        throw c.unexpected();
    }
  }

  private showClauses(f: ShowFilter & { scope?: { kind: string; parts: string[] } }, kind: string): void {
    const c = this.c;
    while (!c.done) {
      if (c.accept('LIKE')) f.like = c.string();
      else if (c.accept('STARTS', 'WITH')) f.startsWith = c.string();
      else if (c.accept('LIMIT')) {
        f.limit = c.integer();
        if (c.accept('FROM')) f.from = c.string();
      } else if (c.accept('IN')) {
        if (c.accept('ACCOUNT')) f.scope = { kind: 'ACCOUNT', parts: [] };
        else if (c.accept('DATABASE'))
          f.scope = {
            kind: 'DATABASE',
            parts: c.done || c.peek()?.value === 'LIMIT' ? [this.s.database ?? ''] : c.qualified(1),
          };
        else if (c.accept('SCHEMA')) f.scope = { kind: 'SCHEMA', parts: c.qualified(2) };
        // `IN <name>` names a database for SHOW SCHEMAS and a schema for SHOW TABLES/VIEWS.
        else
          f.scope =
            kind === 'SCHEMAS'
              ? { kind: 'DATABASE', parts: c.qualified(1) }
              : { kind: 'SCHEMA', parts: c.qualified(2) };
      } else throw c.unexpected();
    }
  }

  private objectScopes(scope: { kind: string; parts: string[] } | undefined): SchemaRef[] {
    const cmd = 'SHOW TABLES';
    const allOf = (dbName: string): SchemaRef[] => this.db(dbName).schemas.map((schema) => ({ db: dbName, schema }));
    if (scope?.kind === 'SCHEMA') return [this.schemaRef(scope.parts, cmd)];
    if (scope?.kind === 'DATABASE') return allOf(scope.parts[0] || (this.s.database ?? ''));
    if (scope?.kind === 'ACCOUNT')
      return this.state.catalog.databases.filter((d) => this.visible(d.name)).flatMap((d) => allOf(d.name));
    if (this.s.database && this.s.schema) return [this.schemaRef([this.s.database, this.s.schema], cmd)];
    if (this.s.database) return allOf(this.s.database);
    throw this.noCurrent('database', cmd);
  }

  private showColumns(): QueryResult {
    const c = this.c;
    const f: ShowFilter = {};
    if (c.accept('LIKE')) f.like = c.string();
    c.expect('IN');
    if (!c.accept('TABLE')) c.accept('VIEW');
    const { db, schema, t } = this.table(c.qualified(), 'SHOW COLUMNS');
    c.end();
    return showColumns(db, schema, t, f);
  }

  private describe(): QueryResult {
    const c = this.c;
    if (c.accept('USER')) return this.describeUser();
    if (!c.accept('TABLE')) c.accept('VIEW');
    const { t } = this.table(c.qualified(), 'DESCRIBE TABLE');
    c.end();
    return describeTable(t);
  }

  private describeUser(): QueryResult {
    const name = this.c.done ? this.s.user : this.c.ident();
    const u = this.state.user(name);
    if (!u)
      throw new SqlError('002003', '02000', `SQL compilation error:\nUser '${name}' does not exist or not authorized.`);
    const fps = u.keySlots;
    const rows = [
      ['NAME', u.name],
      ['DEFAULT_WAREHOUSE', u.defaultWarehouse ?? 'null'],
      ['DEFAULT_ROLE', u.defaultRole],
      ['RSA_PUBLIC_KEY_FP', fps[0] ?? 'null'],
      ['RSA_PUBLIC_KEY_2_FP', fps[1] ?? 'null'],
    ].map(([p, v]) => [p!, v!, 'null', '']);
    return { rows, columns: [text('property'), text('value'), text('default'), text('description')] };
  }

  // ---- USE ----------------------------------------------------------------------------------------------------
  private use(): QueryResult {
    const c = this.c;
    if (c.accept('ROLE')) {
      const role = c.ident();
      c.end();
      if (!this.state.hasRole(this.s.user, role)) {
        throw new SqlError(
          '003013',
          '42501',
          `SQL access control error:\nRequested role '${role}' is not assigned to the executing user. Specify another role to activate.`,
        );
      }
      this.s.role = role;
      if (this.s.database && !this.visible(this.s.database)) {
        this.s.database = undefined;
        this.s.schema = undefined;
      }
    } else if (c.accept('WAREHOUSE')) {
      const wh = c.ident();
      c.end();
      if (!this.state.warehouses.has(wh))
        throw new SqlError(
          '002043',
          '02000',
          `SQL compilation error:\nObject does not exist, or operation cannot be performed.`,
        );
      this.s.warehouse = wh;
    } else if (c.accept('SCHEMA')) {
      const ref = this.schemaRef(c.qualified(2), 'USE SCHEMA');
      c.end();
      this.s.database = ref.db;
      this.s.schema = ref.schema.name;
    } else {
      c.accept('DATABASE');
      const d = this.db(c.ident());
      c.end();
      this.s.database = d.name;
      this.s.schema = d.schemas.some((x) => x.name === 'PUBLIC') ? 'PUBLIC' : undefined;
    }
    return STATUS_OK;
  }

  // ---- SELECT -------------------------------------------------------------------------------------------------
  /** Only a list of literals and CURRENT_*() (anything else is a syntax error here and goes to the engine). */
  private select(): QueryResult {
    const c = this.c;
    const columns: ResultColumn[] = [];
    const row: (string | null)[] = [];
    do {
      const [name, value, t] = this.scalar();
      columns.push({ name: c.accept('AS') ? c.ident() : name, t });
      row.push(value);
    } while (c.accept(','));
    c.end();
    return { columns, rows: [row], statementTypeId: 4096 };
  }

  private scalar(): [string, string | null, ResultColumn['t']] {
    const c = this.c;
    const tok = c.next();
    if (tok.kind === 'number') return [tok.text, tok.value, T.number(1, 0)];
    if (tok.kind === 'string') return [`'${tok.value}'`, tok.value, T.varchar(tok.value.length)];
    if (tok.kind !== 'word' || !tok.value.startsWith('CURRENT_')) {
      throw new Cursor(c.sql, [tok]).unexpected();
    }
    c.expect('(');
    c.expect(')');
    const values: Record<string, string | null> = {
      CURRENT_USER: this.s.user,
      CURRENT_ROLE: this.s.role,
      CURRENT_WAREHOUSE: this.s.warehouse ?? null,
      CURRENT_DATABASE: this.s.database ?? null,
      CURRENT_SCHEMA: this.s.schema ?? null,
      CURRENT_ACCOUNT: this.state.accountLocator.toUpperCase(),
      CURRENT_ACCOUNT_NAME: 'DEMO',
      CURRENT_ORGANIZATION_NAME: 'SANDBOX',
      CURRENT_REGION: 'AWS_US_WEST_2',
      CURRENT_VERSION: '9.20.1',
      CURRENT_SESSION: String(this.s.id),
    };
    if (!(tok.value in values)) throw new Cursor(c.sql, [tok]).unexpected();
    return [`${tok.value}()`, values[tok.value] ?? null, T.varchar()];
  }
}
