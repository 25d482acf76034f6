// The driver's query endpoints: query-request (JSON result format the Node/Python drivers parse), result polling for
// long queries (code 333333 + getResultUrl; `SELECT SYSTEM$WAIT(n)` makes one) and abort-request.
import crypto from 'node:crypto';
import type http from 'node:http';
import { SESSION_PARAMETERS, gsFailure, requireSession } from './login';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';
import { SqlError, type QueryResult } from './show';
import { executeSql } from './sql';
import type { EmulatorState, Session } from './state';

interface RunningQuery {
  readonly id: string;
  readonly requestId?: string;
  readonly session: Session;
  readonly readyAt: number;
  readonly sql: string;
  aborted?: boolean;
  readonly waiters: Set<() => void>;
}

/** Longest a result poll is held open before answering "still running" again (Snowflake holds ~45 s). */
const POLL_HOLD_MS = 5_000;

export function newQueryId(sessionId: number): string {
  const h = crypto.randomBytes(10).toString('hex');
  return `01b${h.slice(0, 5)}-0000-${(sessionId % 0xffff).toString(16).padStart(4, '0')}-0000-${h.slice(5, 17)}`;
}

export function resultBody(state: EmulatorState, s: Session, queryId: string, r: QueryResult): Record<string, unknown> {
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
      total: r.rows.length,
      returned: r.rows.length,
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

  constructor(private readonly state: EmulatorState) {}

  register(server: EmulatorServer): void {
    server.route('POST', '/queries/v1/query-request', (req, res) => this.query(req, res));
    server.route('POST', '/queries/:id/abort-request', (req, res) => this.abort(req, res));
    server.route('GET', '/queries/:id/result', (req, res) => this.poll(req, res));
  }

  private respond(res: http.ServerResponse, s: Session, queryId: string, sql: string): void {
    try {
      sendJson(res, 200, resultBody(this.state, s, queryId, executeSql(this.state, s, sql)));
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      sqlFailure(res, queryId, e);
    }
  }

  private query(req: EmuRequest, res: http.ServerResponse): void {
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
    if (!wait) return this.respond(res, s, queryId, sql);
    const q: RunningQuery = {
      id: queryId,
      requestId: req.url.searchParams.get('requestId') ?? undefined,
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
    if (q) {
      q.aborted = true;
      for (const w of [...q.waiters]) w();
    }
    // Snowflake answers success even when the query already finished.
    sendJson(res, 200, { data: null, code: null, message: null, success: true });
  }

  /** Releases held polls (server shutdown). */
  close(): void {
    for (const q of this.running.values()) {
      q.aborted = true;
      for (const w of [...q.waiters]) w();
    }
  }
}
