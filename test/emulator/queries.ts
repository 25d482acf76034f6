// The driver's query endpoints: query-request (JSON result format the Node/Python drivers parse; large results in
// chunks, results.ts), result polling for long queries (code 333333 + getResultUrl; `SELECT SYSTEM$WAIT(n)` makes one)
// and abort-request (snowflake-connector-nodejs lib/connection/statement.js sendCancelStatement: by query id, or
// `/queries/v1/abort-request` with the requestId while the query id is not known yet).
import crypto from 'node:crypto';
import type http from 'node:http';
import { DuckEngine, type EngineContext } from './duck';
import { SESSION_PARAMETERS, gsFailure, requireSession } from './login';
import { ResultChunks, type ChunkRef } from './results';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';
import { SqlError, type QueryResult } from './show';
import { ENGINE, answerSql } from './sql';
import type { EmulatorState, Session } from './state';

/** A large result's remote part (results.ts). */
interface Remote {
  readonly total: number;
  readonly chunks: readonly ChunkRef[];
  readonly chunkHeaders: Record<string, string>;
}

interface RunningQuery {
  readonly id: string;
  readonly requestId?: string;
  readonly session: Session;
  readonly readyAt: number;
  readonly sql: string;
  aborted?: boolean;
  readonly waiters: Set<() => void>;
  /** Stops the engine's work on it (abort-request). */
  interrupt?: () => void;
}

/** Longest a result poll is held open before answering "still running" again (Snowflake holds ~45 s). */
const POLL_HOLD_MS = 5_000;

export function newQueryId(sessionId: number): string {
  const h = crypto.randomBytes(10).toString('hex');
  return `01b${h.slice(0, 5)}-0000-${(sessionId % 0xffff).toString(16).padStart(4, '0')}-0000-${h.slice(5, 17)}`;
}

export function resultBody(
  state: EmulatorState,
  s: Session,
  queryId: string,
  r: QueryResult,
  remote?: Remote,
): Record<string, unknown> {
  const rowtype = r.columns.map((c) => ({
    name: c.name,
    database: '',
    schema: '',
    table: '',
    type: c.t.type,
    nullable: c.nullable ?? true,
    byteLength: c.t.length !== undefined ? Math.min(c.t.length * 4, 16777216) : null,
    length: c.t.length ?? null,
    precision: c.t.precision ?? null,
    scale: c.t.scale ?? null,
    collation: null,
  }));
  return {
    data: {
      parameters: SESSION_PARAMETERS,
      rowtype,
      rowset: r.rows,
      total: remote?.total ?? r.rows.length,
      returned: remote?.total ?? r.rows.length,
      ...(remote ? { chunks: remote.chunks, chunkHeaders: remote.chunkHeaders } : {}),
      queryId,
      databaseProvider: null,
      finalDatabaseName: s.database ?? null,
      finalSchemaName: s.schema ?? null,
      finalWarehouseName: s.warehouse ?? null,
      finalRoleName: s.role,
      numberOfBinds: 0,
      arrayBindSupported: false,
      statementTypeId: r.statementTypeId ?? 0x5000,
      version: 1,
      sendResultTime: state.now(),
      queryResultFormat: 'json',
    },
    code: null,
    message: null,
    success: true,
  };
}

function sqlFailure(res: http.ServerResponse, queryId: string, e: SqlError): void {
  sendJson(res, 200, {
    data: {
      internalError: false,
      errorCode: e.code,
      age: 0,
      sqlState: e.sqlState,
      queryId,
      line: -1,
      pos: -1,
      type: 'COMPILATION',
    },
    code: e.code,
    message: e.message,
    success: false,
    headers: null,
  });
}

export class QueryEngine {
  private readonly running = new Map<string, RunningQuery>();
  /** Every SQL text the emulator ran, in order (tests assert on what the extension asked). */
  readonly history: { sql: string; user: string; role: string; at: number }[] = [];

  private engine?: Promise<DuckEngine>;
  readonly results = new ResultChunks(() => this.sqlEngine());

  constructor(private readonly state: EmulatorState) {}

  /** The DuckDB engine, loaded with the catalog on first use. */
  sqlEngine(): Promise<DuckEngine> {
    return (this.engine ??= DuckEngine.create(this.state.catalog));
  }

  register(server: EmulatorServer): void {
    this.results.register(server);
    server.route('POST', '/queries/v1/query-request', (req, res) => this.query(req, res));
    server.route('POST', '/queries/:id/abort-request', (req, res) => this.abort(req, res));
    server.route('GET', '/queries/:id/result', (req, res) => this.poll(req, res));
  }

  private async respond(
    res: http.ServerResponse,
    s: Session,
    queryId: string,
    sql: string,
    requestId?: string,
  ): Promise<void> {
    try {
      const r = answerSql(this.state, s, sql);
      if (r !== ENGINE) return sendJson(res, 200, resultBody(this.state, s, queryId, r));
      const q: RunningQuery = { id: queryId, requestId, session: s, sql, readyAt: 0, waiters: new Set() };
      this.running.set(queryId, q);
      try {
        await this.runOnEngine(res, q);
      } finally {
        this.running.delete(queryId);
      }
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      sqlFailure(res, queryId, e);
    }
  }

  /** Inline when the result is small; else the first rows inline and the rest as chunks to download. */
  private async runOnEngine(res: http.ServerResponse, q: RunningQuery): Promise<void> {
    const s = q.session;
    const ctx: EngineContext = {
      database: s.database,
      schema: s.schema,
      warehouse: s.warehouse,
      visible: (db) => this.state.databasesFor(s.role).has(db),
    };
    const engine = await this.sqlEngine();
    const stream = await engine.query(ctx, q.sql, (interrupt) => (q.interrupt = interrupt));
    const { inlineRows } = this.results.chunking;
    let keep = false;
    try {
      if (q.aborted) throw new SqlError('000604', '57014', 'SQL execution canceled');
      const first = await stream.next(inlineRows + 1);
      const inline = first.slice(0, inlineRows);
      const rows = inline.map((r) => JSON.parse(r) as (string | null)[]);
      const result = { columns: stream.columns, rows, statementTypeId: 4096 };
      if (first.length <= inlineRows) return sendJson(res, 200, resultBody(this.state, s, q.id, result));
      const total = await engine.count(ctx, q.sql);
      if (q.aborted) throw new SqlError('000604', '57014', 'SQL execution canceled');
      const remote = this.results.add(ctx, q.sql, q.id, stream, first.slice(inlineRows), total - inlineRows, inline);
      keep = true;
      sendJson(res, 200, resultBody(this.state, s, q.id, result, { total, ...remote }));
    } catch (e) {
      if (q.aborted) throw new SqlError('000604', '57014', 'SQL execution canceled');
      throw e;
    } finally {
      if (!keep) stream.close();
    }
  }

  private query(req: EmuRequest, res: http.ServerResponse): void | Promise<void> {
    const s = requireSession(this.state, req, res);
    if (!s) return;
    let body: any;
    try {
      body = req.json();
    } catch {
      return gsFailure(res, '390100', 'Query request body is not valid JSON.');
    }
    const sql = String(body?.sqlText ?? '');
    this.history.push({ sql, user: s.user, role: s.role, at: this.state.now() });
    const queryId = newQueryId(s.id);
    const wait = /^\s*(?:SELECT|CALL)\s+SYSTEM\$WAIT\s*\(\s*(\d+(?:\.\d+)?)\s*\)\s*;?\s*$/i.exec(sql);
    const requestId = req.url.searchParams.get('requestId') ?? undefined;
    const cancel = /^\s*SELECT\s+SYSTEM\$CANCEL_QUERY\s*\(\s*'([^']+)'\s*\)\s*;?\s*$/i.exec(sql);
    if (cancel) return this.cancelQuery(res, s, queryId, cancel[1]!);
    if (!wait) return this.respond(res, s, queryId, sql, requestId);
    const q: RunningQuery = {
      id: queryId,
      requestId,
      session: s,
      sql,
      readyAt: this.state.now() + Number(wait[1]) * 1000,
      waiters: new Set(),
    };
    this.running.set(queryId, q);
    sendJson(res, 200, {
      data: { queryId, getResultUrl: `/queries/${queryId}/result`, queryAbortsAfterSecs: 300, progressDesc: null },
      code: '333333',
      message: 'Query execution in progress',
      success: true,
    });
  }

  private async poll(req: EmuRequest, res: http.ServerResponse): Promise<void> {
    const s = requireSession(this.state, req, res);
    if (!s) return;
    const q = this.running.get(req.params.id ?? '');
    if (!q)
      return sqlFailure(
        res,
        req.params.id ?? '',
        new SqlError('000709', '02000', `Statement ${req.params.id} not found`),
      );
    const left = q.readyAt - this.state.now();
    if (!q.aborted && left > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          q.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, POLL_HOLD_MS));
        q.waiters.add(done);
      });
    }
    if (q.aborted) {
      this.running.delete(q.id);
      return sqlFailure(res, q.id, new SqlError('000604', '57014', 'SQL execution canceled'));
    }
    if (q.readyAt > this.state.now()) {
      return sendJson(res, 200, {
        data: { queryId: q.id, getResultUrl: `/queries/${q.id}/result` },
        code: '333333',
        message: 'Query execution in progress',
        success: true,
      });
    }
    this.running.delete(q.id);
    sendJson(
      res,
      200,
      resultBody(this.state, s, q.id, {
        columns: [
          {
            name: q.sql
              .trim()
              .replace(/;$/, '')
              .replace(/^(SELECT|CALL)\s+/i, '')
              .toUpperCase(),
            t: { type: 'text', sql: 'VARCHAR' },
          },
        ],
        rows: [['waited']],
      }),
    );
  }

  /**
   * `SELECT SYSTEM$CANCEL_QUERY('<id>')` cancels one of the user's running queries; the answer's column and text are
   * those of docs.snowflake.com/en/sql-reference/functions/system_cancel_query.
   */
  private cancelQuery(res: http.ServerResponse, s: Session, queryId: string, target: string): void {
    const q = this.running.get(target);
    if (!q || q.session.user !== s.user)
      return sqlFailure(
        res,
        queryId,
        new SqlError('000605', '01000', 'Identified SQL statement is not currently executing.'),
      );
    this.stop(q);
    const column = { name: `SYSTEM$CANCEL_QUERY('${target.toUpperCase()}')`, t: { type: 'text', sql: 'VARCHAR' } };
    sendJson(
      res,
      200,
      resultBody(this.state, s, queryId, { columns: [column], rows: [[`query [${target}] terminated.`]] }),
    );
  }

  private stop(q: RunningQuery): void {
    q.aborted = true;
    q.interrupt?.();
    for (const w of [...q.waiters]) w();
  }

  private abort(req: EmuRequest, res: http.ServerResponse): void {
    if (!requireSession(this.state, req, res)) return;
    let id = req.params.id ?? '';
    if (id === 'v1') {
      let requestId: string | undefined;
      try {
        requestId = req.json()?.requestId;
      } catch {
        /* no body */
      }
      id = [...this.running.values()].find((q) => q.requestId !== undefined && q.requestId === requestId)?.id ?? '';
    }
    const q = this.running.get(id);
    if (q) this.stop(q);
    // Snowflake answers success even when the query already finished.
    sendJson(res, 200, { data: null, code: null, message: null, success: true });
  }

  /** Releases held polls (server shutdown). */
  close(): void {
    for (const q of this.running.values()) this.stop(q);
    this.results.close();
    void this.engine?.then((e) => e.close()).catch(() => undefined);
  }
}
