// Deployment records in `.posit/publish/deployments/<name>.toml`, in Posit Publisher's record format (schema v3), so
// a project published by either tool redeploys with the other to the same content. Written atomically (temp file +
// rename) and only after a successful deployment.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { sameServer } from './connect/connectServers';
import type { AppMode, ContentDetection } from './types';

// smol-toml ships ESM types only; its CommonJS build is what the bundle and tsx load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse, stringify } = require('smol-toml') as typeof SmolToml;

export const RECORD_SCHEMA = 'https://cdn.posit.co/publisher/schemas/posit-publishing-record-schema-v3.json';
export const CONFIG_SCHEMA = 'https://cdn.posit.co/publisher/schemas/posit-publishing-schema-v3.json';
export const RECORDS_DIR = path.join('.posit', 'publish', 'deployments');

/** Publisher's content `type` for each app mode: [in the record (its enum), in the configuration]. */
const PUBLISHER_TYPES: Readonly<Record<AppMode, readonly [string, string]>> = {
  static: ['html', 'html'],
  'jupyter-static': ['jupyter-notebook', 'jupyter-notebook'],
  'jupyter-voila': ['jupyter-voila', 'jupyter-voila'],
  nodejs: ['unknown', 'unknown'],
  'python-bokeh': ['python-bokeh', 'python-bokeh'],
  'python-dash': ['python-dash', 'python-dash'],
  'python-fastapi': ['python-fastapi', 'python-fastapi'],
  'python-api': ['python-flask', 'python-flask'],
  'python-shiny': ['python-shiny', 'python-shiny'],
  'python-streamlit': ['python-streamlit', 'python-streamlit'],
  'python-gradio': ['unknown', 'python-gradio'],
  'python-panel': ['unknown', 'unknown'],
  'quarto-static': ['quarto', 'quarto-static'],
  'quarto-shiny': ['quarto-shiny', 'quarto-shiny'],
  api: ['r-plumber', 'r-plumber'],
  shiny: ['r-shiny', 'r-shiny'],
  'rmd-static': ['rmd', 'rmd'],
  'rmd-shiny': ['rmd-shiny', 'rmd-shiny'],
};

/** The app mode a Publisher configuration `type` stands for (to honour its choice on redeploy). */
export function appModeOfPublisherType(type: unknown): AppMode | undefined {
  if (typeof type !== 'string') return undefined;
  if (type === 'quarto') return 'quarto-static';
  return (Object.keys(PUBLISHER_TYPES) as AppMode[]).find((m) => PUBLISHER_TYPES[m][1] === type && type !== 'unknown');
}

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
  readonly configuration?: { readonly type?: string; readonly entrypoint?: string; readonly title?: string };
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

export interface RecordInput {
  readonly name: string;
  readonly serverUrl: string;
  readonly contentGuid: string;
  readonly bundleId: string;
  readonly dashboardUrl: string;
  readonly directUrl: string;
  readonly detection: ContentDetection;
  readonly title: string;
  readonly files: readonly string[];
  readonly createdAt?: string;
  readonly clientVersion: string;
  readonly python?: string;
  readonly r?: string;
  readonly quarto?: { readonly version: string; readonly engines: readonly string[] };
  readonly now?: Date;
}

export function recordToml(input: RecordInput): string {
  const now = (input.now ?? new Date()).toISOString();
  const [recordType, configType] = PUBLISHER_TYPES[input.detection.appmode];
  const configuration: Record<string, unknown> = {
    $schema: CONFIG_SCHEMA,
    type: configType,
    entrypoint: input.detection.entrypoint,
    title: input.title,
    ...(input.python
      ? { python: { version: input.python, package_file: 'requirements.txt', package_manager: 'pip' } }
      : {}),
    ...(input.r ? { r: { version: input.r, package_file: 'renv.lock', package_manager: 'renv' } } : {}),
    ...(input.quarto ? { quarto: { version: input.quarto.version, engines: [...input.quarto.engines] } } : {}),
  };
  const record = {
    $schema: RECORD_SCHEMA,
    server_type: 'connect',
    server_url: input.serverUrl,
    client_version: input.clientVersion,
    created_at: input.createdAt ?? now,
    type: recordType,
    configuration_name: input.name,
    id: input.contentGuid,
    dashboard_url: input.dashboardUrl,
    direct_url: input.directUrl,
    bundle_id: input.bundleId,
    bundle_url: `${input.serverUrl}/__api__/v1/content/${input.contentGuid}/bundles/${input.bundleId}/download`,
    deployed_at: now,
    files: [...input.files],
    configuration,
  };
  return `# Deployment record written by posit-snowflake, in Posit Publisher's format.\n${stringify(record)}\n`;
}

/** Writes the record atomically: a reader sees the old record or the new one, never half of either. */
export async function writeRecord(dir: string, input: RecordInput): Promise<string> {
  const folder = path.join(dir, RECORDS_DIR);
  await fs.promises.mkdir(folder, { recursive: true });
  const target = path.join(folder, `${input.name}.toml`);
  const temp = path.join(folder, `.${input.name}.toml.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.promises.writeFile(temp, recordToml(input), { mode: 0o644 });
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  return target;
}
