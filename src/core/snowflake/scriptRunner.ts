// Runs a script's statements one after another on one session, stopping at the first error, and says what each one
// did (rows, query id, elapsed time) and where in the document a failed one went wrong.
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';
import type { QueryResult } from './sqlDriver';
import type { SqlStatement } from './statementSplitter';

export type StepStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface StepOutcome {
  readonly statement: SqlStatement;
  readonly status: StepStatus;
  readonly startedAt: number;
  readonly elapsedMs: number;
  readonly result?: QueryResult;
  readonly error?: SnowflakeExtError;
  /** Where in the script the error is (0-based), from Snowflake's "line L at position P", else the statement start. */
  readonly errorAt?: { readonly line: number; readonly column: number };
}

export interface ScriptSummary {
  readonly steps: readonly StepOutcome[];
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: boolean;
  readonly elapsedMs: number;
}

export interface RunScriptOptions {
  readonly statements: readonly SqlStatement[];
  /** Runs one statement (through the SQL session manager, so USE statements hold for the rest of the run). */
  readonly execute: (sql: string, signal: AbortSignal) => Promise<QueryResult>;
  /** Turns a failure into the typed error shown to the user. */
  readonly toError: (err: unknown) => SnowflakeExtError;
  readonly signal?: AbortSignal;
  /** Called before and after each statement, so the results panel can follow along. */
  readonly onStep?: (index: number, outcome?: StepOutcome) => void;
  readonly now?: () => number;
}

/**
 * Where Snowflake says the error is, mapped into the script: "line L at position P" counts lines from 1 within the
 * statement text sent and positions from 0 (e.g. "syntax error line 1 at position 0 unexpected 'SELEC'"). The
 * location is read from the message because Snowflake sends it nowhere else; the error's kind comes from its code.
 */
export function errorLocation(statement: SqlStatement, message: string): { line: number; column: number } {
  const m = /\bline (\d+) at position (\d+)/.exec(message);
  if (!m) return { line: statement.line, column: statement.column };
  const line = Number(m[1]) - 1;
  const position = Number(m[2]);
  return {
    line: statement.line + line,
    column: line === 0 ? statement.column + position : position,
  };
}

function messageOf(err: unknown): string {
  const own = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Error ? `${own}\n${cause.message}` : own;
}

/** Runs the statements in order; the first failure (or a cancel) stops the run and the rest are 'skipped'. */
export async function runScript(opts: RunScriptOptions): Promise<ScriptSummary> {
  const now = opts.now ?? Date.now;
  const began = now();
  const controller = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
  const steps: StepOutcome[] = [];
  let stopped: 'failed' | 'cancelled' | undefined;
  for (const [i, statement] of opts.statements.entries()) {
    if (stopped || signal.aborted) {
      stopped ??= 'cancelled';
      steps.push({ statement, status: 'skipped', startedAt: now(), elapsedMs: 0 });
      continue;
    }
    opts.onStep?.(i);
    const startedAt = now();
    let outcome: StepOutcome;
    try {
      const result = await opts.execute(statement.text, signal);
      outcome = { statement, status: 'succeeded', startedAt, elapsedMs: now() - startedAt, result };
    } catch (err) {
      const elapsedMs = now() - startedAt;
      if (signal.aborted || isCancelled(err)) {
        stopped = 'cancelled';
        outcome = { statement, status: 'cancelled', startedAt, elapsedMs, error: new CancelledError() };
      } else {
        stopped = 'failed';
        const error = opts.toError(err);
        const errorAt = errorLocation(statement, `${messageOf(err)}\n${error.message}`);
        outcome = { statement, status: 'failed', startedAt, elapsedMs, error, errorAt };
      }
    }
    steps.push(outcome);
    opts.onStep?.(i, outcome);
  }
  const count = (s: StepStatus): number => steps.filter((x) => x.status === s).length;
  return {
    steps,
    succeeded: count('succeeded'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: stopped === 'cancelled',
    elapsedMs: now() - began,
  };
}

/** One line for the notification: "3 statements: 2 succeeded, 1 failed (line 7), 0 skipped, in 1.2 s". */
export function summaryLine(s: ScriptSummary): string {
  const failed = s.steps.find((x) => x.status === 'failed');
  const where = failed?.errorAt ? ` (line ${failed.errorAt.line + 1})` : '';
  const parts = [`${s.succeeded} succeeded`];
  if (s.failed) parts.push(`${s.failed} failed${where}`);
  if (s.cancelled) parts.push('cancelled');
  if (s.skipped) parts.push(`${s.skipped} not run`);
  const n = s.steps.length;
  return `${n} statement${n === 1 ? '' : 's'}: ${parts.join(', ')}, in ${formatElapsed(s.elapsedMs)}`;
}

export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
