// A refusal from Snowflake turned into a typed error through the one code table (serverCodes.ts): its message and
// fix, the refusal kind callers decide on, and clock skew named when the server's Date says so.
import { SnowflakeExtError, type ErrorFix, type ErrorKind, type RefusalKind } from '../shared/errors';
import { codeRow, type ExplainContext } from './serverCodes';

export type { ExplainContext } from './serverCodes';

/** A refusal from Snowflake, with the server's Date (epoch ms) when it sent one, to reason about clock skew. */
export class SnowflakeServerError extends SnowflakeExtError {
  override readonly name = 'SnowflakeServerError';
  constructor(
    kind: ErrorKind,
    message: string,
    fix: ErrorFix | undefined,
    code: string | undefined,
    readonly serverDate?: number,
    readonly serverMessage?: string,
    refusal?: RefusalKind,
  ) {
    super(kind, message, fix, code, refusal ? { refusal } : undefined);
  }
}

export interface ServerFailure {
  readonly code?: string;
  readonly message?: string;
  /** Epoch ms from the response's Date header. */
  readonly serverDate?: number;
}

/** "Your clock is 7 minutes ahead of Snowflake's." when the skew is worth naming (over a minute). */
export function clockSkewText(serverDate: number | undefined, now: number): string | undefined {
  if (serverDate === undefined || Number.isNaN(serverDate)) return undefined;
  const skew = now - serverDate;
  if (Math.abs(skew) < 60_000) return undefined;
  const minutes = Math.round(Math.abs(skew) / 60_000);
  const amount = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `Your clock is ${amount} ${skew > 0 ? 'ahead of' : 'behind'} Snowflake's.`;
}

export function serverDateOf(headers: Headers | undefined): number | undefined {
  const d = headers?.get('date');
  const ms = d ? Date.parse(d) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Turns a refused login or REST call into a typed error that names the problem, the fix, and any clock skew. */
export function explainServerFailure(failure: ServerFailure, ctx: ExplainContext): SnowflakeServerError {
  const code = failure.code;
  const row = codeRow(code);
  const skew = clockSkewText(failure.serverDate, ctx.now);
  const server = failure.message ? ` Snowflake said: ${failure.message.trim()}` : '';
  if (!row || !code) {
    return new SnowflakeServerError(
      'auth',
      `Snowflake refused connection '${ctx.profile.name}'${code ? ` (code ${code})` : ''}.${server}`,
      { text: skew ?? "Check the connection with 'Snowflake: Show Diagnostics'." },
      code,
      failure.serverDate,
      failure.message,
    );
  }
  const known = row.explain(ctx, code);
  const fixText =
    skew && row.clockSensitive
      ? `${skew} Set the computer's clock to the right time (enable automatic time), then try again.`
      : known.fix;
  return new SnowflakeServerError(
    row.kind,
    `${known.message.replace(/\.$/, '')} (code ${code}).${server}`,
    {
      text: fixText,
      ...(known.command ? { command: known.command } : {}),
      ...(known.commandTitle ? { commandTitle: known.commandTitle } : {}),
    },
    code,
    failure.serverDate,
    failure.message,
    row.refusal,
  );
}
