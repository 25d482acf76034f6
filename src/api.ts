// The public API other extensions get from `vscode.extensions.getExtension('posit-snowflake.posit-snowflake').exports`.
import type { Event } from './core/shared/events';
import type { AuthChange, ConnectionSource } from './core/auth/types';

export interface PublicConnection {
  readonly name: string;
  readonly source: ConnectionSource;
  readonly isDefault: boolean;
  readonly account: string;
  readonly authenticator: string;
}

export interface PositSnowflakeApi {
  readonly version: 1;
  listConnections(): Promise<PublicConnection[]>;
  /** Headers for Snowflake REST APIs (Bearer + X-Snowflake-Authorization-Token-Type). */
  getRestHeaders(connection: string): Promise<Record<string, string>>;
  /** The `Authorization` header value for an SPCS app at `host`. */
  getIngressHeader(connection: string, host: string, role?: string): Promise<string>;
  readonly onDidChangeConnections: Event<AuthChange>;
}
