// Connect's OAuth integrations in the emulator (PROTOCOLS §8). Shapes from posit-sdk-py: the list
// (oauth/integrations.py: guid, name, description, template, auth_type, config), a content's associations
// (oauth/associations.py: PUT a list of {oauth_integration_guid}, GET them back with the integration's name, template
// and auth type), and the credential exchange content runs at view time (oauth/oauth.py + oauth/types.py: a form
// POST of an RFC 8693 token exchange; a user-session token for Viewer integrations, a content-session token for
// Service Account ones). Rules kept: unknown content 404, unknown integration 400, only the owner or an administrator
// sets associations, and an exchange only for an integration the content is associated with. The Snowflake token it
// returns is one the emulated Snowflake accepts for the viewer (or the service account's user).
import crypto from 'node:crypto';
import type http from 'node:http';
import type { ConnectState, ConnectUserRecord } from './connect';
import { sendJson, type EmuRequest, type EmulatorServer } from './server';

export interface IntegrationRecord {
  readonly guid: string;
  readonly name: string;
  readonly description: string;
  readonly template: string;
  readonly auth_type: 'Viewer' | 'Service Account';
  readonly config: Record<string, unknown>;
  /** Service Account integrations: the Snowflake user the content acts as. */
  readonly serviceUser?: string;
}

export interface OAuthState {
  readonly integrations: Map<string, IntegrationRecord>;
  /** Content guid → associated integration guids. */
  readonly associations: Map<string, string[]>;
  /** The token Connect hands a content process for one visit (Posit-Connect-User-Session-Token). */
  readonly sessions: Map<string, { readonly contentGuid: string; readonly user: ConnectUserRecord }>;
  /** CONNECT_CONTENT_SESSION_TOKEN of a content process. */
  readonly contentSessions: Map<string, string>;
  /** Mints a Snowflake OAuth access token for a Snowflake user (wired to the emulated Snowflake). */
  mintSnowflakeToken?: (snowflakeUser: string) => string;
}

export const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const USER_SESSION_TOKEN = 'urn:posit:connect:user-session-token';
export const CONTENT_SESSION_TOKEN = 'urn:posit:connect:content-session-token';

export function createOAuthState(): OAuthState {
  const integrations = new Map<string, IntegrationRecord>();
  const add = (i: Omit<IntegrationRecord, 'guid'>): void => {
    const guid = crypto.randomUUID();
    integrations.set(guid, { guid, ...i });
  };
  add({
    name: 'Snowflake (viewer)',
    description: 'Each viewer queries Snowflake as themselves.',
    template: 'snowflake',
    auth_type: 'Viewer',
    config: { account_url: 'https://emulated.snowflakecomputing.com', client_id: 'CONNECT_CLIENT' },
  });
  add({
    name: 'Snowflake service account',
    description: 'The content queries Snowflake as ADMIN_USER.',
    template: 'snowflake',
    auth_type: 'Service Account',
    config: { account_url: 'https://emulated.snowflakecomputing.com' },
    serviceUser: 'ADMIN_USER',
  });
  add({ name: 'GitHub', description: 'Repositories', template: 'github', auth_type: 'Viewer', config: {} });
  return { integrations, associations: new Map(), sessions: new Map(), contentSessions: new Map() };
}

/** What Connect does when a viewer opens content: a session token the content exchanges for credentials. */
export function userSessionToken(state: OAuthState, contentGuid: string, user: ConnectUserRecord): string {
  const token = crypto.randomBytes(24).toString('hex');
  state.sessions.set(token, { contentGuid, user });
  return token;
}

export function contentSessionToken(state: OAuthState, contentGuid: string): string {
  const token = crypto.randomBytes(24).toString('hex');
  state.contentSessions.set(token, contentGuid);
  return token;
}

function connectError(res: http.ServerResponse, status: number, code: number, error: string): void {
  sendJson(res, status, { code, error, payload: null });
}

function associationJson(contentGuid: string, i: IntegrationRecord): Record<string, unknown> {
  return {
    app_guid: contentGuid,
    oauth_integration_guid: i.guid,
    oauth_integration_name: i.name,
    oauth_integration_description: i.description,
    oauth_integration_template: i.template,
    oauth_integration_auth_type: i.auth_type,
  };
}

/** The exchange: which Snowflake user the token stands for, or the refusal. */
function exchange(
  state: OAuthState,
  connect: ConnectState,
  form: URLSearchParams,
): { user: string } | { error: string } {
  if (form.get('grant_type') !== GRANT_TYPE) return { error: `grant_type must be ${GRANT_TYPE}.` };
  const subject = form.get('subject_token') ?? '';
  const viewer = form.get('subject_token_type') === USER_SESSION_TOKEN;
  if (!viewer && form.get('subject_token_type') !== CONTENT_SESSION_TOKEN)
    return { error: 'subject_token_type must be a user-session-token or a content-session-token.' };
  const session = viewer ? state.sessions.get(subject) : undefined;
  const contentGuid = viewer ? session?.contentGuid : state.contentSessions.get(subject);
  if (!contentGuid || !connect.contents.has(contentGuid)) return { error: 'The subject token is not valid.' };
  const audience = form.get('audience');
  const kind = viewer ? 'Viewer' : 'Service Account';
  const candidates = (state.associations.get(contentGuid) ?? [])
    .map((g) => state.integrations.get(g))
    .filter((i): i is IntegrationRecord => !!i && i.auth_type === kind && (!audience || i.guid === audience));
  if (candidates.length !== 1)
    return {
      error: candidates.length
        ? 'More than one integration matches; name one with audience.'
        : `The content has no ${kind} integration associated${audience ? ` with guid ${audience}` : ''}.`,
    };
  const user = viewer
    ? (session!.user.snowflake_user ?? session!.user.username.toUpperCase())
    : candidates[0]!.serviceUser;
  return user ? { user } : { error: 'The integration has no Snowflake user.' };
}

export function registerConnectOAuth(
  server: EmulatorServer,
  connect: ConnectState,
  who: (req: EmuRequest, res: http.ServerResponse) => ConnectUserRecord | undefined,
): void {
  const state = connect.oauth;
  server.route('GET', '/__api__/v1/oauth/integrations', (req, res) => {
    if (!who(req, res)) return;
    sendJson(
      res,
      200,
      [...state.integrations.values()].map(({ serviceUser: _s, ...i }) => i),
    );
  });
  const path = '/__api__/v1/content/:guid/oauth/integrations/associations';
  server.route('GET', path, (req, res) => {
    if (!who(req, res)) return;
    const guid = req.params.guid ?? '';
    if (!connect.contents.has(guid)) return connectError(res, 404, 4, `Content ${guid} not found.`);
    const list = (state.associations.get(guid) ?? []).map((g) => state.integrations.get(g)!);
    sendJson(
      res,
      200,
      list.map((i) => associationJson(guid, i)),
    );
  });
  server.route('PUT', path, (req, res) => {
    const user = who(req, res);
    if (!user) return;
    const guid = req.params.guid ?? '';
    const content = connect.contents.get(guid);
    if (!content) return connectError(res, 404, 4, `Content ${guid} not found.`);
    if (content.owner_guid !== user.guid && user.user_role !== 'administrator')
      return connectError(res, 403, 19, 'You do not have permission to perform this operation.');
    const body = req.json<unknown>();
    if (!Array.isArray(body)) return connectError(res, 400, 3, 'The body must be a list of {oauth_integration_guid}.');
    const guids = body.map((b) => String((b as { oauth_integration_guid?: unknown }).oauth_integration_guid ?? ''));
    const unknown = guids.find((g) => !state.integrations.has(g));
    if (unknown !== undefined) return connectError(res, 400, 3, `OAuth integration '${unknown}' not found.`);
    state.associations.set(guid, [...new Set(guids)]);
    res.writeHead(204);
    res.end();
  });
  server.route('POST', '/__api__/v1/oauth/integrations/credentials', (req, res) => {
    if (!who(req, res)) return;
    const out = exchange(state, connect, new URLSearchParams(req.body.toString('utf8')));
    if ('error' in out) return connectError(res, 400, 3, out.error);
    if (!state.mintSnowflakeToken) return connectError(res, 500, 1, 'No Snowflake behind this Connect.');
    sendJson(res, 200, {
      access_token: state.mintSnowflakeToken(out.user),
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
    });
  });
}
