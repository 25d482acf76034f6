// Deployment records in `.posit/publish/deployments/<name>.toml`, in Posit Publisher's record format (record schema
// v3, posit-dev/publisher extensions/vscode/src/toml/schemas/posit-publishing-record-schema-v3.json), so a project
// published by either tool redeploys with the other to the same content. As Publisher does (publish/connectPublish.ts),
// the record is written as the deployment goes: once the content exists, after the upload, and at the end with
// `deployed_at` on success or `deployment_error` on failure; `deployed_at` is only ever written for a success.
import fs from 'node:fs';
import path from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { sameServer } from './connect/connectServers';
import { writeFileAtomic, type PublisherConfiguration } from './publisherConfig';

// smol-toml ships ESM types only; its CommonJS build is what the bundle and tsx load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse, stringify } = require('smol-toml') as typeof SmolToml;

export const RECORD_SCHEMA = 'https://cdn.posit.co/publisher/schemas/posit-publishing-record-schema-v3.json';
export const RECORDS_DIR = path.join('.posit', 'publish', 'deployments');

export interface DeploymentRecord {
  readonly server_url: string;
  readonly id: string;
  readonly type?: string;
  readonly created_at?: string;
  readonly deployed_at?: string;
  readonly configuration_name?: string;
  readonly bundle_id?: string;
  readonly dashboard_url?: string;
  readonly direct_url?: string;
  readonly configuration?: Partial<PublisherConfiguration>;
  readonly [key: string]: unknown;
}

export interface FoundRecord {
  readonly name: string;
  readonly path: string;
  readonly record: DeploymentRecord;
}

async function readRecords(dir: string): Promise<FoundRecord[]> {
  const folder = path.join(dir, RECORDS_DIR);
  const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
  const out: FoundRecord[] = [];
  for (const file of names.filter((n) => n.endsWith('.toml')).sort()) {
    const full = path.join(folder, file);
    try {
      const record = parse(await fs.promises.readFile(full, 'utf8')) as unknown as DeploymentRecord;
      if (typeof record.server_url === 'string') out.push({ name: file.replace(/\.toml$/, ''), path: full, record });
    } catch {
      // A record another tool is writing, or a broken one: not ours to judge here; it is simply not used.
    }
  }
  return out;
}

/** The latest successful deployment of this project to `serverUrl` (Publisher's or ours), if any. */
export async function findRecord(dir: string, serverUrl: string, name?: string): Promise<FoundRecord | undefined> {
  const all = (await readRecords(dir)).filter(
    (r) => sameServer(r.record.server_url, serverUrl) && typeof r.record.id === 'string' && r.record.id !== '',
  );
  const named = name ? all.filter((r) => r.name === name) : all;
  return named.sort((a, b) => String(b.record.deployed_at ?? '').localeCompare(String(a.record.deployed_at ?? '')))[0];
}

/** Every record of the project (for "Open Deployed Content"). */
export async function listRecords(dir: string): Promise<FoundRecord[]> {
  return (await readRecords(dir)).filter((r) => typeof r.record.id === 'string' && r.record.id !== '');
}

function slug(serverUrl: string): string {
  return (
    new URL(serverUrl).host
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'deployment'
  );
}

/** A file name for a new record: the server's host, numbered when taken by another deployment. */
export async function newRecordName(dir: string, serverUrl: string): Promise<string> {
  const taken = new Set((await readRecords(dir)).map((r) => r.name));
  const base = slug(serverUrl);
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!taken.has(name) && !fs.existsSync(path.join(dir, RECORDS_DIR, `${name}.toml`))) return name;
  }
}

/** What a record says at one moment of a deployment. */
export interface RecordState {
  readonly name: string;
  readonly serverUrl: string;
  /** 'snowflake' for Connect inside Snowflake (the record schema's server_type enum). */
  readonly serverType: 'connect' | 'snowflake';
  readonly configurationName: string;
  readonly configuration: PublisherConfiguration;
  readonly clientVersion: string;
  readonly createdAt: string;
  readonly contentGuid?: string;
  readonly dashboardUrl?: string;
  readonly directUrl?: string;
  readonly bundleId?: string;
  readonly files?: readonly string[];
  readonly requirements?: readonly string[];
  /** Only once Connect said the deployment succeeded. */
  readonly deployedAt?: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** The person cancelled (Publisher's dismissed_at). */
  readonly dismissedAt?: string;
}

/** Publisher's logs page of a content item (toml/urlHelpers.ts). */
export function logsUrlOf(dashboardUrl: string): string {
  return `${dashboardUrl.replace(/\/+$/, '')}/logs`;
}

export function recordObject(s: RecordState): Record<string, unknown> {
  const out: Record<string, unknown> = {
    $schema: RECORD_SCHEMA,
    server_type: s.serverType,
    server_url: s.serverUrl,
    client_version: s.clientVersion,
    created_at: s.createdAt,
    type: s.configuration.type,
    configuration_name: s.configurationName,
  };
  if (s.contentGuid) out.id = s.contentGuid;
  if (s.dashboardUrl) {
    out.dashboard_url = s.dashboardUrl;
    out.logs_url = logsUrlOf(s.dashboardUrl);
  }
  if (s.directUrl) out.direct_url = s.directUrl;
  if (s.bundleId && s.contentGuid) {
    out.bundle_id = s.bundleId;
    out.bundle_url = `${s.serverUrl}/__api__/v1/content/${s.contentGuid}/bundles/${s.bundleId}/download`;
  }
  if (s.deployedAt) out.deployed_at = s.deployedAt;
  if (s.dismissedAt) out.dismissed_at = s.dismissedAt;
  if (s.error) out.deployment_error = { code: s.error.code, message: s.error.message, operation: 'publish' };
  if (s.files?.length) out.files = [...s.files];
  if (s.requirements?.length) out.requirements = [...s.requirements];
  out.configuration = s.configuration;
  return out;
}

export function recordToml(s: RecordState): string {
  return `# Deployment record written by posit-snowflake, in Posit Publisher's format.\n${stringify(JSON.parse(JSON.stringify(recordObject(s))) as Record<string, unknown>)}\n`;
}

/** Writes the record atomically: a reader sees the old record or the new one, never half of either. */
export async function writeRecord(dir: string, s: RecordState): Promise<string> {
  const target = path.join(dir, RECORDS_DIR, `${s.name}.toml`);
  await writeFileAtomic(target, recordToml(s));
  return target;
}
