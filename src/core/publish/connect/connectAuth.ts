// How requests to a Connect server are authorised: the API key alone, or — for Connect inside Snowflake — the SPCS
// ingress token from the auth service plus the key in X-RSC-Authorization (PROTOCOLS §6). Also tells an ingress
// refusal from a Connect refusal, since the person has to fix different things.
import { ingressHostOf } from '../../auth/credentials/ingress';
import type { AuthService, ConnectionProfile } from '../../auth/types';
import { SnowflakeExtError } from '../../shared/errors';
import type { HttpError } from '../../shared/http';

export interface ConnectAuth {
  /** Headers for one request; `fresh` after the ingress refused the previous token. */
  headers(fresh: boolean, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Set when an SPCS ingress sits in front of Connect. */
  readonly ingress?: { readonly connection: string; readonly user?: string };
}

export function apiKeyAuth(apiKey: string): ConnectAuth {
  return { headers: async () => ({ Authorization: `Key ${apiKey}` }) };
}

/** Ingress token for the server's host from the Snowflake connection, and the Connect key in X-RSC-Authorization. */
export function ingressAuth(
  auth: AuthService,
  profile: ConnectionProfile,
  serverUrl: string,
  apiKey: string,
): ConnectAuth {
  const host = ingressHostOf(serverUrl);
  let last: string | undefined;
  return {
    ingress: { connection: profile.name, ...(profile.user ? { user: profile.user } : {}) },
    async headers(fresh, signal) {
      const token = await auth.forIngress(profile, host, undefined, {
        ...(signal ? { signal } : {}),
        ...(fresh ? { forceRefresh: true, rejected: last } : {}),
      });
      last = token;
      return { Authorization: token, 'X-RSC-Authorization': `Key ${apiKey}` };
    },
  };
}

/** Connect's own errors are JSON `{code: <number>, error, payload}`; the ingress answers text, HTML or a redirect. */
export function isConnectError(err: HttpError): boolean {
  return typeof err.server.code === 'number' && err.server.error !== undefined;
}

export function apiKeyRefused(serverUrl: string, refusal: HttpError): SnowflakeExtError {
  const said = refusal.server.error ? ` Connect said: ${refusal.server.error.replace(/\.?$/, '.')}` : '';
  return new SnowflakeExtError(
    'auth',
    `Posit Connect at ${new URL(serverUrl).host} refused the API key.${said}`,
    {
      text: "Create a new API key in Connect (your name → API Keys), then add the server again with 'Posit Connect: Add Connect Server…'.",
      command: 'positSnowflake.addConnectServer',
      commandTitle: 'Add Connect Server',
    },
    'connectApiKeyRefused',
    { refusal: 'connect-key-refused' },
  );
}

export function ingressRefused(
  serverUrl: string,
  ingress: NonNullable<ConnectAuth['ingress']>,
  refusal: HttpError,
): SnowflakeExtError {
  const body = refusal.bodySnippet;
  const said = body && !body.trimStart().startsWith('<') ? ` The ingress said: ${body.trim().slice(0, 200)}` : '';
  const who = ingress.user ? `user ${ingress.user}` : "the connection's user";
  return new SnowflakeExtError(
    'auth',
    `The Snowflake ingress in front of ${new URL(serverUrl).host} refused the token of connection '${ingress.connection}' (HTTP ${refusal.status}), even after a fresh one was minted.${said}`,
    {
      text: `Check that ${who} has a role granted the Connect service's endpoint (USAGE on the service role) and that no network policy blocks it; 'Snowflake: Show Diagnostics' checks the connection itself.`,
      command: 'positSnowflake.showDiagnostics',
      commandTitle: 'Show Diagnostics',
    },
    'ingressRefused',
    { refusal: 'ingress-refused' },
  );
}
