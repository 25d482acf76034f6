// A SqlDriver whose snowflake-sdk runs in a child Node process (driverProcessMain.ts), started on the first connect.
// Why: reading a large result makes the driver's heap grow by hundreds of MB while a chunk is parsed and converted,
// and V8 keeps those pages resident after they are collected; in the extension host (shared by every extension) that
// memory would stay for the editor's lifetime. In a process of its own it is returned when the process is retired:
// once it is idle, holds no result anyone reads and uses more than `recycleAboveMb`. Its sessions are logged out then;
// the next statement logs in again through a new process (the session manager does so on the driver's
// "disconnected" code, as after any lost session).
import { fork, type ChildProcess } from 'node:child_process';
import { CancelledError } from '../../shared/errors';
import type { Disposable } from '../../shared/events';
import type { Logger } from '../../shared/logger';
import type {
  ConnectOptions,
  ExecuteOptions,
  QueryResult,
  ResultCursor,
  ResultRow,
  RowReader,
  SqlConnection,
  SqlDriver,
} from '../sqlDriver';
import type { DriverNotice, DriverRequest, FromDriver, WireCursor, WireError, WireResult } from './protocol';

export interface ProcessDriverOptions {
  /** The driver process's script (dist/sqlDriverProcess.js). */
  readonly modulePath: string;
  readonly logger: Logger;
  /** An idle process using more memory than this is retired (MB). */
  readonly recycleAboveMb?: number;
  /** How long the process must have been idle first (ms). */
  readonly idleMs?: number;
  /** Starts the process (tests start the same script under their own runtime). */
  readonly start?: (modulePath: string) => ChildProcess;
}

const RECYCLE_ABOVE_MB = 300;
const IDLE_MS = 20_000;

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Distribute<DriverRequest>;

/** The driver's own code for an operation on a connection that is gone (ERR_CONN_EXEC_STATUS_DISCONNECTED). */
const DISCONNECTED = 405503;

function fromWire(e: WireError): Error {
  if (e.cancelled) return new CancelledError();
  const err = Object.assign(new Error(e.message), {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.sqlState ? { sqlState: e.sqlState } : {}),
    ...(e.status !== undefined ? { response: { statusCode: e.status } } : {}),
    ...(e.causeCode ? { cause: { code: e.causeCode } } : {}),
  });
  err.name = e.name;
  return err;
}

function startNode(modulePath: string): ChildProcess {
  // In desktop VS Code the host runs on Electron's binary: ELECTRON_RUN_AS_NODE makes it a plain Node.
  return fork(modulePath, [], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

/** One driver process: requests by id, answered once; everything pending fails if the process goes away. */
class DriverProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  gone = false;
  /** Results handed out and not released, readers open: while any exists the process is not idle. */
  readonly cursors = new Set<number>();
  readers = 0;
  rssMb = 0;
  lastActive = Date.now();
  private readonly released = new FinalizationRegistry<number>((cursor) => this.release(cursor));

  constructor(
    private readonly opts: Required<Pick<ProcessDriverOptions, 'modulePath' | 'logger'>> & ProcessDriverOptions,
    private readonly onMemory: (p: DriverProcess) => void,
  ) {
    this.child = (opts.start ?? startNode)(opts.modulePath);
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim()) opts.logger.warn(`SQL driver process: ${line}`);
    });
    this.child.on('message', (m: FromDriver) => this.receive(m));
    this.child.on('error', (err) => this.stopped(`could not run: ${err.message}`));
    this.child.on('exit', (code, signal) => this.stopped(signal ? `signal ${signal}` : `exit code ${code ?? '?'}`));
  }

  private receive(m: FromDriver): void {
    if ('log' in m) {
      this.opts.logger[m.log](m.message);
    } else if ('rssMb' in m) {
      this.rssMb = m.rssMb;
      this.onMemory(this);
    } else {
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) waiter?.resolve(m.value);
      else waiter?.reject(fromWire(m.error));
    }
  }

  private stopped(why: string): void {
    if (this.gone) return;
    this.gone = true;
    const err = Object.assign(new Error(`The SQL driver process stopped (${why}); run the statement again.`), {
      code: DISCONNECTED,
    });
    if (this.pending.size) this.opts.logger.warn(err.message);
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }

  get idle(): boolean {
    return this.pending.size === 0 && this.cursors.size === 0 && this.readers === 0;
  }

  /** Sends a request; `id` is passed to `sent` first (an execute's abort names it). */
  request<T>(message: Request, sent?: (id: number) => void): Promise<T> {
    if (this.gone)
      return Promise.reject(Object.assign(new Error('The SQL session is disconnected.'), { code: DISCONNECTED }));
    const id = this.nextId++;
    this.lastActive = Date.now();
    sent?.(id);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...message, id } as DriverRequest);
    });
  }

  notify(message: DriverNotice): void {
    if (!this.gone && this.child.connected) this.child.send(message);
  }

  /** Forgets a request whose caller stopped waiting (its answer, if any, is dropped). */
  forget(id: number): void {
    this.pending.delete(id);
  }

  cursor(w: WireCursor): ResultCursor {
    this.cursors.add(w.id);
    const cursor: ResultCursor = {
      columns: w.columns,
      totalRows: w.totalRows,
      queryId: w.queryId,
      rows: (start, end) => new ProcessRowReader(this, w.id, start, end),
      release: () => {
        this.released.unregister(cursor);
        this.release(w.id);
      },
    };
    // A result dropped without release() is released when it is collected.
    this.released.register(cursor, w.id, cursor);
    return cursor;
  }

  private release(id: number): void {
    if (!this.cursors.delete(id)) return;
    this.lastActive = Date.now();
    this.notify({ op: 'release', cursor: id });
  }

  /** Lets go of the process: it logs its sessions out and exits. */
  retire(): void {
    this.stopped('retired');
    if (this.child.connected) this.child.disconnect();
  }
}

class ProcessRowReader implements RowReader {
  private readonly id: Promise<number>;
  private closed = false;

  constructor(
    private readonly proc: DriverProcess,
    cursor: number,
    start: number,
    end: number | undefined,
  ) {
    proc.readers++;
    this.id = proc.request<number>({ op: 'rows', cursor, start, ...(end !== undefined ? { end } : {}) });
    this.id.catch(() => undefined);
  }

  async read(max: number): Promise<ResultRow[]> {
    if (this.closed) return [];
    return this.proc.request<ResultRow[]>({ op: 'read', reader: await this.id, max });
  }

  async skip(count: number): Promise<number> {
    if (this.closed) return 0;
    return this.proc.request<number>({ op: 'skip', reader: await this.id, count });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.proc.readers--;
    this.proc.lastActive = Date.now();
    this.id.then(
      (reader) => this.proc.notify({ op: 'closeReader', reader }),
      () => undefined,
    );
  }
}

class ProcessConnection implements SqlConnection {
  constructor(
    private readonly proc: DriverProcess,
    private readonly conn: number,
  ) {}

  execute(sql: string, signal?: AbortSignal, options?: ExecuteOptions): Promise<QueryResult> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    let id = 0;
    const answer = this.proc.request<WireResult>(
      { op: 'execute', conn: this.conn, sql, ...(options ? { options } : {}) },
      (sent) => (id = sent),
    );
    const result = answer.then(({ cursor, ...rest }): QueryResult =>
      cursor ? { ...rest, cursor: this.proc.cursor(cursor) } : rest,
    );
    if (!signal) return result;
    return new Promise<QueryResult>((resolve, reject) => {
      const onAbort = (): void => {
        // Cancelled here at once; the process cancels the statement at Snowflake.
        this.proc.notify({ op: 'abort', target: id });
        this.proc.forget(id);
        reject(new CancelledError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async close(): Promise<void> {
    if (this.proc.gone) return;
    await this.proc.request({ op: 'close', conn: this.conn }).catch(() => undefined);
  }
}

/** The SQL driver in a process of its own; dispose() lets the process go. */
export function createProcessSqlDriver(options: ProcessDriverOptions): SqlDriver & Disposable {
  const opts = { recycleAboveMb: RECYCLE_ABOVE_MB, idleMs: IDLE_MS, ...options };
  let current: DriverProcess | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const consider = (p: DriverProcess): void => {
    if (p !== current || p.gone || p.rssMb <= opts.recycleAboveMb) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (p !== current || p.gone) return;
      if (!p.idle || Date.now() - p.lastActive < opts.idleMs) return consider(p);
      opts.logger.info(`SQL driver process uses ${p.rssMb} MB and is idle: retiring it (sessions log in again)`);
      current = undefined;
      p.retire();
    }, opts.idleMs);
    timer.unref?.();
  };

  return {
    async connect(connectOptions: ConnectOptions): Promise<SqlConnection> {
      if (!current || current.gone) current = new DriverProcess(opts, consider);
      const proc = current;
      const conn = await proc.request<number>({ op: 'connect', options: connectOptions });
      return new ProcessConnection(proc, conn);
    },
    dispose() {
      clearTimeout(timer);
      current?.retire();
      current = undefined;
    },
  };
}
