// Typed errors: every failure a user can meet says what went wrong and what to do, and never carries a secret.

/** Broad kinds, so callers branch on a field, never on message text. */
export type ErrorKind =
  | 'config' // connection files, keys, passphrases: the user must change something locally
  | 'auth' // the server refused the credential
  | 'network' // could not reach the server
  | 'server' // the server failed (5xx, bad answer)
  | 'rateLimit' // 429 after retries
  | 'notSupported'
  | 'notFound'
  | 'permission' // authenticated but not allowed (403, grants, network policy)
  | 'cancelled'
  | 'internal';

export interface ErrorFix {
  /** A short sentence: what to do. */
  readonly text: string;
  /** A command id the editor can offer as a button. */
  readonly command?: string;
  readonly commandTitle?: string;
}

export class SnowflakeExtError extends Error {
  override readonly name: string = 'SnowflakeExtError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly fix?: ErrorFix,
    /** A server or protocol code (e.g. Snowflake's "390318"), when there is one. */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Message and fix as one line for a notification, a CLI's stderr or a tree node's tooltip. */
  get userText(): string {
    return this.fix ? `${this.message} ${this.fix.text}` : this.message;
  }
}

/** Cancellation is not a failure: it is never shown as an error. */
export class CancelledError extends SnowflakeExtError {
  override readonly name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super('cancelled', message);
  }
}

export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError');
}

/** Turns anything thrown into a typed error, keeping typed ones as they are. */
export function toExtError(err: unknown): SnowflakeExtError {
  if (err instanceof SnowflakeExtError) return err;
  if (isCancelled(err)) return new CancelledError();
  const message = err instanceof Error ? err.message : String(err);
  return new SnowflakeExtError('internal', message, undefined, undefined, { cause: err });
}
