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

/**
 * Why a server refused, read from its code (the one table in auth/serverCodes.ts) or its status: what the tree, chat
 * and publish decide on, and what says whether a fresh credential may cure it.
 */
export type RefusalKind =
  | 'auth-expired' // the token or credential has expired: a fresh one cures it
  | 'auth-refused' // the credential was not accepted (invalid, revoked, unknown)
  | 'key-mismatch' // the registered public key is not the one that signed
  | 'clock' // the JWT's times are off: usually this computer's clock
  | 'session-gone' // the session (or its master token) expired or was closed: log in again
  | 'sign-in-needed' // only an interactive sign-in helps (no sign-in yet, refresh token revoked)
  | 'user-refused' // user unknown, locked, or wrong password
  | 'user-mismatch' // the token belongs to another user than the connection names
  | 'client-refused' // the OAuth client (id/secret) was not accepted
  | 'auth-policy' // an authentication policy blocks this sign-in method
  | 'network-policy' // a network policy blocks this address or is required
  | 'role' // the role is not granted, or not allowed by the token
  | 'warehouse-missing' // the statement needs a warehouse and the session has none
  | 'not-found' // the object does not exist or the role cannot see it
  | 'privilege' // the role lacks the privilege
  | 'throttled' // too many requests
  | 'driver-config' // the SQL driver refused the connection's settings before any request
  | 'network' // the server could not be reached
  | 'connect-key-refused' // Posit Connect refused its API key
  | 'ingress-refused'; // an SPCS ingress refused the Snowflake token

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
    options?: { cause?: unknown; refusal?: RefusalKind },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.refusal) this.refusal = options.refusal;
  }

  /** Why the server refused, when it did (set from the server's code through the one table). */
  readonly refusal?: RefusalKind;

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
