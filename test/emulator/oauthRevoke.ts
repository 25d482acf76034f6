// Snowflake OAuth token revocation: `POST /oauth/revoke` as RFC 7009 defines it and Snowflake OAuth serves it beside
// /oauth/authorize and /oauth/token-request (https://docs.snowflake.com/en/user-guide/oauth-custom,
// https://docs.snowflake.com/en/user-guide/oauth-snowflake-overview). A revoked token is refused afterwards: a refresh
// token at /oauth/token-request (invalid_grant, oauth.ts), an access token at login and REST (390303, restAuth.ts).
import type http from 'node:http';
import { authenticatedClient, grantError } from './oauth';
import type { EmuRequest, EmulatorServer } from './server';
import type { EmulatorState, Grant, OAuthClient } from './state';

type Found = { readonly kind: 'access_token' | 'refresh_token'; readonly grant: Grant & { readonly clientId: string } };

/**
 * RFC 7009 §2.1: `token_type_hint` only speeds up the lookup; a token not found under the hinted type is looked for
 * under the other, and an unknown hint value is ignored.
 */
function find(state: EmulatorState, token: string, hint: string | null): Found | undefined {
  const access = (): Found | undefined => {
    const t = state.accessTokens.get(token);
    return t ? { kind: 'access_token', grant: t } : undefined;
  };
  const refresh = (): Found | undefined => {
    const t = state.refreshTokens.get(token);
    return t ? { kind: 'refresh_token', grant: t } : undefined;
  };
  return hint === 'access_token' ? (access() ?? refresh()) : (refresh() ?? access());
}

function revoke(state: EmulatorState, client: OAuthClient, token: string, found: Found): void {
  found.grant.revoked = true;
  if (found.kind !== 'refresh_token') return;
  // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant.
  for (const t of state.accessTokens.values())
    if (t.refreshToken === token && t.clientId === client.id) t.revoked = true;
}

function revokeRequest(state: EmulatorState, req: EmuRequest, res: http.ServerResponse): void {
  const form = req.form();
  // RFC 7009 §2.1: the client authenticates as at the token endpoint (RFC 6749 §2.3: HTTP Basic or body
  // client_id/client_secret); a failure is RFC 6749 §5.2's invalid_client, 401.
  const client = authenticatedClient(state, req, form, res);
  if (!client) return;
  const token = form.get('token') ?? '';
  // RFC 7009 §2.1: `token` is REQUIRED; a request without it is malformed (RFC 6749 §5.2 invalid_request).
  if (!token) return grantError(res, 'invalid_request', 'The token parameter is required.');
  const found = find(state, token, form.get('token_type_hint'));
  // RFC 7009 §2.1: the server checks that the token was issued to the client asking, and refuses otherwise.
  if (found && found.grant.clientId !== client.id)
    return grantError(res, 'unauthorized_client', 'The token was not issued to this client.');
  if (found) revoke(state, client, token, found);
  // RFC 7009 §2.2: 200 whether or not the token was known, already revoked or expired (an invalid token is no
  // error: the client's purpose, that the token no longer works, is met); the body is ignored by clients.
  res.writeHead(200, { 'Content-Length': '0' });
  res.end();
}

export function registerRevoke(server: EmulatorServer, state: EmulatorState): void {
  server.route('POST', '/oauth/revoke', (req, res) => revokeRequest(state, req, res));
}
