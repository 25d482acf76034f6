// Setting a connection up for a custom OAuth client (a security integration an administrator creates): the
// CREATE SECURITY INTEGRATION statement for the editor's forwarded redirect address, and the connection pointed at the
// client, with its secret kept only in the secret storage. Nothing is half-written when a step fails.
import type { AuthService } from '../types';
import type { ConnectionSecretWriter } from '../secretWriter';
import { connectionTable, setTableValues } from '../../connections/edit/connectionTable';
import { editTomlFile } from '../../connections/edit/tomlFileWriter';
import { SnowflakeExtError } from '../../shared/errors';

export interface CustomClientSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The address the browser is sent back to (the integration's OAUTH_REDIRECT_URI). */
  readonly redirectUri: string;
  /** The loopback address that the redirect reaches, where the editor listens (oauth_socket_uri). */
  readonly socketUri: string;
}

/** An integration name for the connection: letters, digits and underscores, upper case (an unquoted identifier). */
export function integrationNameFor(connection: string): string {
  return `POSIT_${connection.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * The statement an administrator runs once (docs.snowflake.com/en/sql-reference/sql/create-security-integration-oauth-snowflake):
 * a confidential custom client whose one redirect is the editor's address, PKCE enforced, refresh tokens issued.
 * A redirect without TLS needs OAUTH_ALLOW_NON_TLS_REDIRECT_URI; then how to read the client id and secret back.
 */
export function securityIntegrationSql(integration: string, redirectUri: string): string {
  const nonTls = new URL(redirectUri).protocol === 'https:' ? [] : ['  OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE'];
  return [
    `CREATE SECURITY INTEGRATION ${integration}`,
    '  TYPE = OAUTH',
    '  ENABLED = TRUE',
    '  OAUTH_CLIENT = CUSTOM',
    "  OAUTH_CLIENT_TYPE = 'CONFIDENTIAL'",
    `  OAUTH_REDIRECT_URI = ${sqlString(redirectUri)}`,
    ...nonTls,
    '  OAUTH_ENFORCE_PKCE = TRUE',
    '  OAUTH_ISSUE_REFRESH_TOKENS = TRUE',
    '  OAUTH_REFRESH_TOKEN_VALIDITY = 7776000;',
    '',
    '-- The client id is OAUTH_CLIENT_ID in:',
    `DESCRIBE SECURITY INTEGRATION ${integration};`,
    '-- The client secret is OAUTH_CLIENT_SECRET in:',
    `SELECT SYSTEM$SHOW_OAUTH_CLIENT_SECRETS(${sqlString(integration)});`,
  ].join('\n');
}

type SetupAuth = Pick<AuthService, 'getConnection' | 'reload'> & ConnectionSecretWriter;

/**
 * Points the connection at the custom client: the secret first (so the file never names a client whose secret is
 * missing), then oauth_client_id, oauth_redirect_uri and oauth_socket_uri in its table, with any oauth_client_secret
 * written in the file removed (it would win over the stored one). A failed file write takes the secret back out.
 */
export async function useCustomClient(auth: SetupAuth, connection: string, s: CustomClientSettings): Promise<string> {
  const profile = await auth.getConnection(connection);
  if (profile.authenticator !== 'OAUTH_AUTHORIZATION_CODE')
    throw new SnowflakeExtError(
      'config',
      `Connection "${connection}" does not sign in with the browser (authenticator = "${profile.authenticator.toLowerCase()}").`,
      { text: 'Choose a connection with authenticator = "oauth_authorization_code".' },
    );
  const table = connectionTable(profile);
  if (!s.clientId.trim() || !s.clientSecret)
    throw new SnowflakeExtError('config', 'A custom OAuth client needs its client id and client secret.');
  await auth.setSecret(connection, 'oauthClientSecret', s.clientSecret);
  const values = {
    oauth_client_id: s.clientId.trim(),
    oauth_redirect_uri: s.redirectUri,
    oauth_socket_uri: s.socketUri,
    oauth_client_secret: undefined,
  };
  try {
    await editTomlFile(table.file, (text) => setTableValues(text, table.path, values, table.file));
  } catch (err) {
    await auth.setSecret(connection, 'oauthClientSecret', undefined);
    throw err;
  }
  await auth.reload();
  return table.file;
}
