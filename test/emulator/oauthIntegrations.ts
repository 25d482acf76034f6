// Custom OAuth security integrations as an administrator creates them (CREATE SECURITY INTEGRATION … TYPE = OAUTH
// OAUTH_CLIENT = CUSTOM, docs.snowflake.com/en/sql-reference/sql/create-security-integration-oauth-snowflake): one
// registered OAUTH_REDIRECT_URI, https unless OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE, PKCE enforced when asked, the
// admin roles blocked (they are in BLOCKED_ROLES_LIST by default and cannot be removed), a client id and secret.
import crypto from 'node:crypto';
import { ADMIN_ROLES, type EmulatorState, type OAuthClient } from './state';

export interface CustomIntegration {
  readonly name: string;
  readonly redirectUri: string;
  readonly allowNonTlsRedirect?: boolean;
  readonly enforcePkce?: boolean;
  /** OAUTH_REFRESH_TOKEN_VALIDITY in seconds (docs: 86400 to 7776000, default 7776000 = 90 days). */
  readonly refreshValiditySeconds?: number;
}

/** Creates the integration; throws with Snowflake's reason when the statement would be refused. */
export function createCustomIntegration(
  state: EmulatorState,
  spec: CustomIntegration,
): { clientId: string; clientSecret: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(spec.name)) throw new Error(`Invalid integration name ${spec.name}`);
  let url: URL;
  try {
    url = new URL(spec.redirectUri);
  } catch {
    throw new Error(`OAUTH_REDIRECT_URI ${spec.redirectUri} is not a URI`);
  }
  if (url.hash) throw new Error('OAUTH_REDIRECT_URI must not have a fragment'); // RFC 6749 §3.1.2
  if (url.protocol !== 'https:' && !spec.allowNonTlsRedirect)
    throw new Error('OAUTH_REDIRECT_URI must use https unless OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE');
  const validity = spec.refreshValiditySeconds ?? 7_776_000;
  if (validity < 86_400 || validity > 7_776_000)
    throw new Error('OAUTH_REFRESH_TOKEN_VALIDITY must be between 86400 and 7776000 seconds');
  // Snowflake generates the client id and two secrets (SYSTEM$SHOW_OAUTH_CLIENT_SECRETS); one is enough here. The
  // id has no "+" or "/": code-server sends an address on 127.0.0.1 (this emulator, never a real account's host)
  // through its proxy decoded, and a raw "+" would come back as a space.
  const client: OAuthClient = {
    id: crypto.randomBytes(18).toString('base64').replace(/[+/]/g, 'A'),
    secret: crypto.randomBytes(24).toString('base64'),
    redirectUris: [spec.redirectUri],
    enforcePkce: spec.enforcePkce ?? false,
    blockedRoles: new Set(ADMIN_ROLES),
    refreshValiditySeconds: validity,
  };
  state.clients.set(client.id, client);
  return { clientId: client.id, clientSecret: client.secret };
}
