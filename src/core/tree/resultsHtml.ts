// The results panel's HTML for statements run from a SQL editor: per statement its status, rows (capped), query id
// and elapsed time; the run's summary; a Cancel link while a statement runs.
import { formatElapsed, summaryLine, type ScriptSummary, type StepOutcome } from '../snowflake/scriptRunner';
import { esc, pageHtml, tableHtml } from './previewHtml';

export const CANCEL_QUERY_COMMAND = 'positSnowflake.cancelQuery';
/** Statement text shown above its result. */
const SQL_SHOWN = 500;

export interface ResultsView {
  readonly title: string;
  readonly connection: string;
  readonly total: number;
  readonly done: readonly StepOutcome[];
  /** Index of the statement running now, while the run goes on. */
  readonly running?: number;
  readonly summary?: ScriptSummary;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "Statement 1 · line 1 · succeeded · 40 rows · query id … · 12 ms" */
export function stepStatus(step: StepOutcome, index: number): string {
  const r = step.result;
  const facts = [`Statement ${index + 1}`, `line ${step.statement.line + 1}`, step.status];
  if (r) facts.push(plural(r.totalRows ?? r.rows.length, 'row'));
  if (r?.queryId) facts.push(`query id ${r.queryId}`);
  facts.push(formatElapsed(step.elapsedMs));
  return facts.join(' · ');
}

/** The statement as shown above its result (long ones cut). */
export function stepSql(step: StepOutcome): string {
  const text = step.statement.text;
  return text.length > SQL_SHOWN ? `${text.slice(0, SQL_SHOWN)}…` : text;
}

/** "Running statement 2 of 3…" */
export function runningLine(view: ResultsView): string | undefined {
  return view.running === undefined ? undefined : `Running statement ${view.running + 1} of ${view.total}…`;
}

function stepHtml(step: StepOutcome, index: number): string {
  const r = step.result;
  const sql = stepSql(step);
  const parts = [`<h4 class="${step.status === 'failed' ? 'failed' : ''}">${esc(stepStatus(step, index))}</h4>`];
  parts.push(`<pre class="sql">${esc(sql)}</pre>`);
  if (step.error && step.status === 'failed') parts.push(`<p class="failed">${esc(step.error.message)}</p>`);
  if (r && r.columns.length > 0) {
    const total = r.totalRows ?? r.rows.length;
    if (total > r.rows.length)
      parts.push(`<p>First ${plural(r.rows.length, 'row')} of ${total.toLocaleString('en-US')}.</p>`);
    parts.push(tableHtml(r.columns, r.rows));
  }
  return `<section>${parts.join('\n')}</section>`;
}

/** The panel's content as static HTML: what shows before the grid script runs, and what tests read. */
export function resultsBody(view: ResultsView): string {
  const head: string[] = [`<p>Connection: ${esc(view.connection)}</p>`];
  if (view.running !== undefined)
    head.push(`<p>${esc(runningLine(view) ?? '')} <a href="command:${CANCEL_QUERY_COMMAND}">Cancel</a></p>`);
  if (view.summary) head.push(`<p class="summary">${esc(summaryLine(view.summary))}</p>`);
  const steps = view.done.filter((s) => s.status !== 'skipped').map(stepHtml);
  return `${head.join('\n')}\n${steps.join('\n')}`;
}

export function resultsHtml(view: ResultsView): string {
  return pageHtml(view.title, resultsBody(view));
}
