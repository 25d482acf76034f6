// Connect's OAuth integrations (PROTOCOLS §8): the server's list (`GET /__api__/v1/oauth/integrations`), and the
// content's associations (`PUT`/`GET /__api__/v1/content/{guid}/oauth/integrations/associations`, bodies as
// posit-sdk-py's oauth/associations.py sends and reads them). Content names what it needs as integration requests.
import { SnowflakeExtError } from '../../shared/errors';
import { readJson } from '../../shared/http';
import type { IntegrationRequest } from '../publisherConfig';
import type { ConnectClient } from './connectClient';

export interface OAuthIntegration {
  readonly guid: string;
  readonly name: string;
  readonly description?: string;
  /** e.g. 'snowflake', 'databricks' (posit-sdk-py oauth/types.py OAuthIntegrationType). */
  readonly template: string;
  /** 'Viewer', 'Service Account' or 'Visitor API Key'. */
  readonly auth_type: string;
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface IntegrationAssociation {
  readonly oauth_integration_guid: string;
  readonly oauth_integration_name?: string;
  readonly oauth_integration_template?: string;
  readonly oauth_integration_auth_type?: string;
}

/** What a person reads for an integration's kind. */
export function integrationKind(i: { readonly auth_type?: string }): string {
  if (i.auth_type === 'Viewer') return 'as each viewer';
  if (i.auth_type === 'Service Account') return 'as a service account';
  return i.auth_type ?? 'unknown kind';
}

/** The server's integrations, Snowflake ones first, each group by name. */
export async function listIntegrations(client: ConnectClient): Promise<OAuthIntegration[]> {
  const path = '/__api__/v1/oauth/integrations';
  const res = await client.request('GET', path);
  const list = await readJson<OAuthIntegration[]>(res, `${client.serverUrl}${path}`);
  const rank = (i: OAuthIntegration): number => (i.template === 'snowflake' ? 0 : 1);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** The request a configuration and manifest carry for an integration (the fields Publisher writes). */
export function requestFor(i: OAuthIntegration): IntegrationRequest {
  return {
    guid: i.guid,
    name: i.name,
    ...(i.description ? { description: i.description } : {}),
    auth_type: i.auth_type,
    type: i.template,
    ...(i.config && Object.keys(i.config).length ? { config: i.config } : {}),
  };
}

/** Finds what the person named (a guid or a name) among the server's integrations. */
export function resolveIntegration(all: readonly OAuthIntegration[], wanted: string): OAuthIntegration {
  const found = all.find((i) => i.guid === wanted) ?? all.find((i) => i.name.toLowerCase() === wanted.toLowerCase());
  if (found) return found;
  const known = all.map((i) => `'${i.name}'`).join(', ') || 'none';
  throw new SnowflakeExtError(
    'config',
    `The Connect server has no OAuth integration '${wanted}' (it has: ${known}).`,
    { text: 'Give the guid or name of one of those, or ask a Connect administrator to add the integration.' },
    'unknownIntegration',
  );
}

/** The server's integration for a request (by guid, else by name, else by type and auth type), if any. */
export function matchRequest(all: readonly OAuthIntegration[], req: IntegrationRequest): OAuthIntegration | undefined {
  if (req.guid) return all.find((i) => i.guid === req.guid);
  if (req.name) return all.find((i) => i.name === req.name);
  return all.find((i) => (!req.type || i.template === req.type) && (!req.auth_type || i.auth_type === req.auth_type));
}

function associationsPath(guid: string): string {
  return `/__api__/v1/content/${encodeURIComponent(guid)}/oauth/integrations/associations`;
}

/** Sets the content's associations to exactly these integrations. */
export async function associate(client: ConnectClient, contentGuid: string, guids: readonly string[]): Promise<void> {
  await client.request('PUT', associationsPath(contentGuid), {
    json: guids.map((g) => ({ oauth_integration_guid: g })),
  });
}

export async function associations(client: ConnectClient, contentGuid: string): Promise<IntegrationAssociation[]> {
  const res = await client.request('GET', associationsPath(contentGuid));
  return readJson<IntegrationAssociation[]>(res, `${client.serverUrl}${associationsPath(contentGuid)}`);
}
