// The steps of a deployment around the Connect calls: the plan (record, configuration, detection, files, manifest
// inputs), the integrations it asks for, the environment it sets, the files it generates, and the record written as
// the deployment goes (Publisher's order in publish/connectPublish.ts: content exists → uploaded → done or failed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';
import { HttpError } from '../shared/http';
import type { ProjectFile, ProjectListing } from './bundle/projectFiles';
import { listProjectFiles } from './bundle/projectFiles';
import type { ConnectClient, ConnectContent } from './connect/connectClient';
import { associate, listIntegrations, matchRequest, requestFor, resolveIntegration } from './connect/oauthIntegrations';
import { gatherManifestInputs, type ManifestInputs } from './content/manifest';
import { systemRuntimeProbe } from './content/runtimeVersions';
import { findRecord, newRecordName, writeRecord, type FoundRecord, type RecordState } from './deploymentRecord';
import {
  filesFromIgnore,
  filesMatcher,
  newConfigurationName,
  writeConfiguration,
  type IntegrationRequest,
  type PublisherConfiguration,
} from './publisherConfig';
import {
  newConfiguration,
  overrideOf,
  projectConfiguration,
  settingsOf,
  withRequests,
  type ProjectConfiguration,
} from './publishSettings';
import type { ContentDetection, PublishEvent } from './types';
import type { PublishRequest } from './publishPipeline';

export interface Plan {
  readonly record?: FoundRecord;
  readonly configuration: ProjectConfiguration;
  readonly detection: ContentDetection;
  readonly listing: ProjectListing;
  readonly inputs: ManifestInputs;
  readonly title: string;
}

async function titleOf(
  req: PublishRequest,
  cfg: PublisherConfiguration | undefined,
  record: FoundRecord | undefined,
  detection: ContentDetection,
): Promise<string> {
  let t = req.title ?? cfg?.title;
  if (t === undefined && !record && req.askTitle) {
    t = await req.askTitle(detection.title);
    if (t === undefined) throw new CancelledError();
  }
  // One line of 3 to 1000 characters (the configuration schema's title pattern).
  t = (t ?? detection.title).replace(/[\t\n\f\r]+/g, ' ').trim();
  return t.length >= 3 ? t.slice(0, 1000) : `${t} (published)`;
}

/** Everything decided before the server is asked anything. */
export async function planDeployment(
  req: PublishRequest,
  resolve: (earlier: ReturnType<typeof overrideOf>) => Promise<ContentDetection>,
  emit: (e: PublishEvent) => void,
): Promise<Plan> {
  const record = req.newContent ? undefined : await findRecord(req.dir, req.server.url);
  const configuration = await projectConfiguration(req.dir, record, req.configurationName);
  const cfg = configuration.existing;
  const detection = await resolve(overrideOf(cfg ?? record?.record.configuration));
  emit({ type: 'detected', detection });
  if (cfg?.files?.length)
    emit({ type: 'info', message: `Using the files listed in .posit/publish/${configuration.name}.toml.` });
  const listing = await listProjectFiles(req.dir, {
    keepNodeModules: detection.appmode === 'nodejs',
    ...(cfg?.files?.length ? { include: filesMatcher(cfg.files) } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  const inputs = await gatherManifestInputs(
    req.dir,
    detection,
    listing,
    req.probe ?? systemRuntimeProbe(),
    settingsOf(cfg, req.quartoVersion),
  );
  const title = await titleOf(req, cfg, record?.record.id ? record : undefined, detection);
  return { ...(record ? { record } : {}), configuration, detection, listing, inputs, title };
}

export interface Integrations {
  /** The requests the manifest and configuration carry. */
  readonly requests: readonly IntegrationRequest[];
  /** The ones the person added this time (the configuration gains them). */
  readonly added: readonly IntegrationRequest[];
  /** The server's integrations the content gets associated with. */
  readonly guids: readonly string[];
}

/** The configuration's integration requests plus the ones asked for now, matched to the server's integrations. */
export async function resolveIntegrations(
  client: ConnectClient,
  plan: Plan,
  req: PublishRequest,
  emit: (e: PublishEvent) => void,
): Promise<Integrations> {
  const wanted = req.integrations ?? [];
  const fromConfig = plan.configuration.existing?.integration_requests ?? [];
  const ask = wanted.length ? undefined : req.chooseIntegrations;
  if (!wanted.length && !fromConfig.length && !ask) return { requests: [], added: [], guids: [] };
  const all = await listIntegrations(client).catch((err: unknown) => {
    // A Connect without OAuth integrations (older than 2024.12) answers 404; asking is then moot.
    if (ask && !fromConfig.length && !wanted.length && err instanceof HttpError && err.status === 404) return [];
    throw err;
  });
  const chosen = ask && all.length ? await ask(all, fromConfig) : wanted;
  if (chosen === undefined) throw new CancelledError();
  const added = chosen.map((w) => requestFor(resolveIntegration(all, w)));
  const requests = [...fromConfig, ...added.filter((a) => !fromConfig.some((c) => c.guid && c.guid === a.guid))];
  const guids: string[] = [];
  for (const r of requests) {
    const match = matchRequest(all, r);
    if (match) guids.push(match.guid);
    else
      emit({
        type: 'warning',
        message: `The integration request '${r.name ?? r.guid ?? r.type}' matches no OAuth integration on ${client.serverUrl}; the content will not be associated with it.`,
      });
  }
  return { requests, added, guids: [...new Set(guids)] };
}

/** Associates the content with its integrations, so it works whether Connect reads the manifest's requests or not. */
export async function associateIntegrations(
  client: ConnectClient,
  contentGuid: string,
  guids: readonly string[],
  emit: (e: PublishEvent) => void,
): Promise<void> {
  if (!guids.length) return;
  try {
    await associate(client, contentGuid, guids);
    emit({
      type: 'info',
      message: `Associated the content with ${guids.length} OAuth integration(s): ${guids.join(', ')} (also requested in manifest.json).`,
    });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    emit({
      type: 'warning',
      message: `Connect refused to associate the OAuth integrations (HTTP ${err.status}); they are requested in manifest.json only. Associate them in the content's settings on Connect.`,
    });
  }
}

/** The variables to set: the configuration's environment, the person's, and every secret's value (never written). */
export async function environmentOf(
  req: PublishRequest,
  configuration: ProjectConfiguration,
): Promise<{ name: string; value: string | null }[]> {
  const out = new Map<string, string | null>();
  for (const [name, value] of Object.entries(configuration.existing?.environment ?? {})) out.set(name, value);
  for (const v of req.environment ?? []) out.set(v.name, v.value);
  const secrets = new Set([...(configuration.existing?.secrets ?? []), ...(req.secrets ?? [])]);
  for (const name of secrets) {
    const value = await req.secretValue?.(name);
    if (value === undefined)
      throw new SnowflakeExtError('config', `The content needs the secret ${name}, and no value was given for it.`, {
        text: `Give its value when asked (editor), or set the environment variable ${name} (CLI), then publish again.`,
      });
    out.set(name, value);
  }
  return [...out].map(([name, value]) => ({ name, value }));
}

/** Files the bundle holds that the project does not: requirements generated from a lock file. */
export async function generatedFiles(
  req: PublishRequest,
  plan: Plan,
  emit: (e: PublishEvent) => void,
): Promise<{ entries: ProjectFile[]; dispose: () => Promise<void> }> {
  const gen = plan.inputs.python?.generated;
  if (!gen) return { entries: [], dispose: async () => undefined };
  const rel = plan.inputs.python!.packageFile;
  emit({
    type: 'info',
    message: `No ${rel} in the project: generated it from ${gen.source} (${gen.lines.length} packages) for Connect.`,
  });
  const dir = await fs.promises.mkdtemp(path.join(req.tempDir ?? os.tmpdir(), 'posit-sf-req-'));
  const abs = path.join(dir, 'requirements.txt');
  await fs.promises.writeFile(abs, `${gen.lines.join('\n')}\n`, { mode: 0o644 });
  const st = await fs.promises.stat(abs);
  return {
    entries: [
      { rel, abs, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino, isDirectory: false },
    ],
    dispose: () => fs.promises.rm(dir, { recursive: true, force: true }),
  };
}

/** The record (and the configuration it names), written as the deployment goes. */
export class RecordProgress {
  private state: RecordState | undefined;
  private pendingBundle: string | undefined;
  readonly configurationName: string;
  private readonly configuration: PublisherConfiguration;
  private readonly configChanged: boolean;

  constructor(
    private readonly req: PublishRequest,
    private readonly plan: Plan,
    inputs: ManifestInputs,
    integrations: Integrations,
    ignoreText: string | undefined,
  ) {
    const existing = plan.configuration.existing;
    this.configurationName = plan.configuration.name ?? newConfigurationName(req.dir, plan.title);
    const updated = existing ? withRequests(existing, integrations.added) : undefined;
    this.configuration =
      updated ??
      existing ??
      newConfiguration({
        detection: plan.detection,
        inputs,
        title: plan.title,
        files: filesFromIgnore(ignoreText),
        environment: Object.fromEntries(
          (req.environment ?? []).flatMap((v) => (v.value === null ? [] : [[v.name, v.value] as const])),
        ),
        secrets: req.secrets ?? [],
        integrationRequests: integrations.requests,
      });
    this.configChanged = !existing || updated !== undefined;
  }

  get dashboardUrl(): string {
    return this.state?.dashboardUrl ?? '';
  }

  get directUrl(): string {
    return this.state?.directUrl ?? '';
  }

  private async write(next: RecordState): Promise<string> {
    this.state = next;
    return writeRecord(this.req.dir, next);
  }

  /** The content exists on the server: from now on a retry deploys into it. */
  async contentExists(content: ConnectContent, files: readonly string[]): Promise<void> {
    const { req, plan } = this;
    if (this.configChanged) await writeConfiguration(req.dir, this.configurationName, this.configuration);
    const reused = plan.record && plan.record.record.id === content.guid;
    const createdAt = reused && typeof plan.record?.record.created_at === 'string' ? plan.record.record.created_at : '';
    await this.write({
      name: plan.record?.name ?? (await newRecordName(req.dir, req.server.url)),
      serverUrl: req.server.url,
      serverType: req.server.snowflake ? 'snowflake' : 'connect',
      configurationName: this.configurationName,
      configuration: this.configuration,
      clientVersion: req.clientVersion ?? 'posit-snowflake',
      createdAt: createdAt || new Date().toISOString(),
      contentGuid: content.guid,
      dashboardUrl: content.dashboard_url ?? `${req.server.url}/connect/#/apps/${content.guid}`,
      directUrl: content.content_url ?? `${req.server.url}/content/${content.guid}/`,
      files,
      ...(plan.inputs.python?.generated ? { requirements: plan.inputs.python.generated.lines } : {}),
      // A redeploy keeps saying which bundle last deployed, and when, until this one has.
      ...(reused ? lastSuccess(plan.record!) : {}),
    });
  }

  /** On a first deployment the record names the uploaded bundle; a redeploy's record names it once it is deployed. */
  async uploaded(bundleId: string): Promise<void> {
    this.pendingBundle = bundleId;
    if (this.state && !this.state.deployedAt) await this.write({ ...this.state, bundleId });
  }

  async succeeded(): Promise<string> {
    const bundleId = this.pendingBundle ?? this.state!.bundleId;
    return this.write({ ...this.state!, ...(bundleId ? { bundleId } : {}), deployedAt: new Date().toISOString() });
  }

  /** Says what went wrong in the record (never a success); the original error is what the caller sees. */
  async failed(err: unknown): Promise<void> {
    if (!this.state) return;
    const cancelled = isCancelled(err);
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof SnowflakeExtError && err.code ? err.code : cancelled ? 'cancelled' : 'deployFailed';
    await this.write({
      ...this.state,
      ...(cancelled ? { dismissedAt: new Date().toISOString() } : { error: { code, message } }),
    }).catch(() => undefined);
  }
}

function lastSuccess(found: FoundRecord): Pick<RecordState, 'bundleId' | 'deployedAt'> {
  const r = found.record;
  return typeof r.deployed_at === 'string' && r.deployed_at && typeof r.bundle_id === 'string'
    ? { bundleId: r.bundle_id, deployedAt: r.deployed_at }
    : {};
}

/** A Connect content name from the title, made unique. */
export function contentName(title: string): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'content';
  return `${base}-${crypto.randomBytes(3).toString('hex')}`;
}
