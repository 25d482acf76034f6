// The deployment, start to end: detect (honouring the project's Publisher configuration) → check the server and the
// integrations → bundle (with manifest) → create or reuse the content → record → upload → record → deploy → follow
// the task → associate the integrations → record. Each step reports a typed event; a cancel or failure leaves no temp
// file, and once the content exists the record says so (never a success that did not happen), so a retry reuses it.
import fs from 'node:fs';
import path from 'node:path';
import type { AuthService } from '../auth/types';
import { IGNORE_FILE } from './bundle/exclusions';
import { CancelledError, SnowflakeExtError, isCancelled } from '../shared/errors';
import type { RequestLimits } from '../shared/http';
import { nullLogger, type Logger } from '../shared/logger';
import { createBundle, type Bundle } from './bundle/bundler';
import { apiKeyAuth, ingressAuth, type ConnectAuth } from './connect/connectAuth';
import { ConnectClient, type ConnectContent, type ConnectUser } from './connect/connectClient';
import { detectContent } from './content/detectContent';
import type { FoundRecord } from './deploymentRecord';
import { buildManifest, manifestBytes, type Manifest, type ManifestInputs } from './content/manifest';
import type { OAuthIntegration } from './connect/oauthIntegrations';
import type { IntegrationRequest } from './publisherConfig';
import type { ProjectFile, ProjectListing } from './bundle/projectFiles';
import type { RuntimeProbe } from './content/runtimeVersions';
import {
  type Plan,
  RecordProgress,
  associateIntegrations,
  contentName,
  environmentOf,
  generatedFiles,
  planDeployment,
  resolveIntegrations,
} from './publishSteps';
import {
  APP_MODE_LABELS,
  type ConnectServer,
  type ContentDetection,
  type ContentOverride,
  type PublishEvent,
  type PublishResult,
} from './types';

/** Bundles above this size get a warning: uploads take long and Connect's default limit is near. */
export const LARGE_BUNDLE_BYTES = 100 * 1024 * 1024;

export interface ServerAccess {
  readonly server: ConnectServer;
  readonly apiKey: string;
  /** Needed for Connect inside Snowflake: the ingress token comes from the auth service. */
  readonly auth?: AuthService;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  readonly backoffMs?: number;
  /** The editor's request time limits; defaults otherwise. */
  readonly limits?: RequestLimits;
}

export interface PublishRequest extends ServerAccess {
  readonly dir: string;
  /** The file the person chose (entrypoint hint). */
  readonly file?: string;
  readonly override?: ContentOverride;
  /** Asked when detection cannot tell what the project is; undefined = the person declined. */
  readonly chooseContent?: (dir: string) => Promise<ContentOverride | undefined>;
  readonly title?: string;
  /** Create new content even when a record points at existing content. */
  readonly newContent?: boolean;
  readonly environment?: readonly { readonly name: string; readonly value: string | null }[];
  /** Names of secrets to set (added to a new configuration's `secrets`); values come from `secretValue`. */
  readonly secrets?: readonly string[];
  /** A secret's value, asked when deploying and never written to a file; undefined = none given. */
  readonly secretValue?: (name: string) => Promise<string | undefined>;
  /** OAuth integrations (guid or name) the content needs, added to the configuration's integration requests. */
  readonly integrations?: readonly string[];
  /** false: deploy as a draft that Connect does not activate (`activate: false`). */
  readonly activate?: boolean;
  /** The Quarto version to name when Quarto is not installed here. */
  readonly quartoVersion?: string;
  /** Deploy with this configuration of `.posit/publish/` instead of the one the record names. */
  readonly configurationName?: string;
  /** First deployment without a title given: asked with the suggested one; undefined = the person declined. */
  readonly askTitle?: (suggested: string) => Promise<string | undefined>;
  /** No `integrations` given and the server has some: which the content needs (guids); undefined = declined. */
  readonly chooseIntegrations?: (
    all: readonly OAuthIntegration[],
    requested: readonly IntegrationRequest[],
  ) => Promise<readonly string[] | undefined>;
  /** Shown the files and manifest before anything is created or uploaded: deploy, deploy as a draft, or stop. */
  readonly review?: (r: {
    readonly files: readonly string[];
    readonly manifest: Manifest;
  }) => Promise<'deploy' | 'draft' | undefined>;
  readonly probe?: RuntimeProbe;
  readonly tempDir?: string;
  readonly clientVersion?: string;
  readonly onEvent?: (e: PublishEvent) => void;
}

/** The deployment task failed on Connect; its last lines say why. */
export class TaskFailedError extends SnowflakeExtError {
  override readonly name = 'TaskFailedError';
  constructor(
    message: string,
    readonly lastLines: readonly string[],
    readonly contentGuid: string,
  ) {
    super(
      'server',
      message,
      {
        text: 'Read the deployment log (Posit Connect: Show Deployment Log), fix the project, and publish again.',
        command: 'positSnowflake.showDeploymentLog',
        commandTitle: 'Show Deployment Log',
      },
      'deployFailed',
    );
  }
}

/** How to authorise against the server: the key alone, or the Snowflake ingress token plus the key. */
export async function connectAuthFor(access: ServerAccess): Promise<ConnectAuth> {
  const { server } = access;
  if (!server.snowflake) return apiKeyAuth(access.apiKey);
  if (!server.snowflakeConnection || !access.auth) {
    throw new SnowflakeExtError(
      'config',
      `${server.name ?? server.url} runs inside Snowflake, and no Snowflake connection was chosen to open its ingress.`,
      {
        text: "Add the server again with 'Posit Connect: Add Connect Server…' and choose a Snowflake connection.",
        command: 'positSnowflake.addConnectServer',
        commandTitle: 'Add Connect Server',
      },
    );
  }
  const profile = await access.auth.getConnection(server.snowflakeConnection);
  return ingressAuth(access.auth, profile, server.url, access.apiKey);
}

export async function connectClientFor(access: ServerAccess): Promise<ConnectClient> {
  return new ConnectClient({
    serverUrl: access.server.url,
    auth: await connectAuthFor(access),
    logger: access.logger ?? nullLogger,
    ...(access.fetch ? { fetch: access.fetch } : {}),
    ...(access.signal ? { signal: access.signal } : {}),
    ...(access.backoffMs !== undefined ? { backoffMs: access.backoffMs } : {}),
    ...(access.limits ? { limits: access.limits } : {}),
  });
}

/** Checks a server and key (Add Connect Server): who the key belongs to, and that it may publish. */
export async function checkServer(access: ServerAccess): Promise<ConnectUser> {
  return (await connectClientFor(access)).user();
}

async function resolveContent(req: PublishRequest, earlier: ContentOverride | undefined): Promise<ContentDetection> {
  // What the person forces wins; else what the configuration (Publisher's or ours) settled; else detection.
  const forced = req.override?.appmode || req.override?.entrypoint ? req.override : earlier;
  const detected = await detectContent(req.dir, {
    ...(req.file && !forced ? { file: req.file } : {}),
    ...(forced ? { override: forced } : {}),
  });
  if (detected) return detected;
  const chosen = await req.chooseContent?.(req.dir);
  const again = chosen ? await detectContent(req.dir, { override: chosen }) : undefined;
  if (again) return again;
  throw new SnowflakeExtError(
    'config',
    `Cannot tell what kind of content ${req.dir} is (no app, document, notebook or index.html found).`,
    {
      text: 'Publish a file (right-click it → Publish to Posit Connect…), or give the entrypoint and type (CLI: --entrypoint app.py --type python-streamlit).',
    },
    'unknownContent',
  );
}

/** The content to deploy to: the recorded one (checked) or none yet (created after bundling). */
async function existingContent(
  client: ConnectClient,
  record: FoundRecord | undefined,
  detection: ContentDetection,
  emit: (e: PublishEvent) => void,
): Promise<ConnectContent | undefined> {
  if (!record) return undefined;
  const content = await client.content(record.record.id);
  if (!content) {
    emit({
      type: 'warning',
      message: `The content recorded in ${record.name}.toml (${record.record.id}) no longer exists on ${client.serverUrl}; publishing as new content.`,
    });
    return undefined;
  }
  if (content.locked)
    throw new SnowflakeExtError('permission', `The content '${content.title ?? content.name}' is locked on Connect.`, {
      text: 'Unlock it in Connect, or publish as new content.',
    });
  if (content.app_mode && content.app_mode !== 'unknown' && content.app_mode !== detection.appmode) {
    const was = APP_MODE_LABELS[content.app_mode as keyof typeof APP_MODE_LABELS] ?? content.app_mode;
    throw new SnowflakeExtError(
      'config',
      `The content on Connect is a ${was}, but this project is now a ${APP_MODE_LABELS[detection.appmode]}; Connect cannot change a content's type.`,
      {
        text: 'Publish it as new content (CLI: --new).',
      },
      'appModeChanged',
    );
  }
  return content;
}

function warnIfLarge(listing: ProjectListing, emit: (e: PublishEvent) => void): void {
  if (listing.totalBytes <= LARGE_BUNDLE_BYTES) return;
  const mb = Math.round(listing.totalBytes / (1024 * 1024));
  emit({
    type: 'warning',
    message: `The bundle holds ${mb} MB in ${listing.fileCount} files; uploading will take a while, and Connect may refuse bundles this large. List data you do not need in .positignore.`,
  });
}

async function bundleProject(
  req: PublishRequest,
  listing: ProjectListing,
  extra: readonly ProjectFile[],
  inputs: ManifestInputs,
  emit: (e: PublishEvent) => void,
): Promise<Bundle> {
  warnIfLarge(listing, emit);
  emit({ type: 'phase', phase: 'bundle', message: `Bundling ${listing.fileCount + extra.length} files…` });
  const entries = extra.length
    ? [...listing.entries.filter((e) => !extra.some((x) => x.rel === e.rel)), ...extra].sort((a, b) =>
        a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0,
      )
    : listing.entries;
  const bundle = await createBundle({
    entries,
    manifest: (checksums) => manifestBytes(buildManifest(inputs, checksums)),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.tempDir ? { tempDir: req.tempDir } : {}),
    onProgress: (p) => emit({ type: 'bundleProgress', ...p }),
  });
  emit({ type: 'bundled', size: bundle.size, md5: bundle.md5, files: bundle.fileCount });
  return bundle;
}

/** The review step, when there is one: the bundle's files and manifest (checksums come while bundling). */
async function reviewed(req: PublishRequest, plan: Plan, inputs: ManifestInputs): Promise<boolean> {
  if (!req.review) return req.activate !== false;
  const files = plan.listing.entries.filter((e) => !e.isDirectory).map((e) => e.rel);
  if (inputs.python?.generated && !files.includes(inputs.python.packageFile)) files.push(inputs.python.packageFile);
  files.sort();
  const manifest = buildManifest(inputs, new Map(files.map((f) => [f, '(computed while bundling)'])));
  const choice = await req.review({ files, manifest });
  if (!choice) throw new CancelledError();
  return choice === 'deploy' && req.activate !== false;
}

/** Deploys the uploaded bundle and follows the task; raises TaskFailedError with the task's last lines. */
async function runDeployTask(
  client: ConnectClient,
  guid: string,
  bundleId: string,
  activate: boolean,
  emit: (e: PublishEvent) => void,
): Promise<void> {
  emit({ type: 'phase', phase: 'deploy', message: activate ? 'Deploying…' : 'Deploying as a draft (not activated)…' });
  const taskId = await client.deploy(guid, bundleId, { activate });
  if (taskId === undefined) return; // the answer was lost, but Connect already serves this bundle
  const lines: string[] = [];
  const task = await client.followTask(taskId, (line) => {
    lines.push(line);
    emit({ type: 'taskLine', line });
  });
  if (task.error || task.code !== 0) {
    const why = (task.error || `the task ended with code ${task.code}`).replace(/[.\s]+$/, '');
    throw new TaskFailedError(`Connect could not deploy the content: ${why}.`, lines.slice(-15), guid);
  }
}

/** Publishes `req.dir` to `req.server`. Resolves once Connect has deployed it and the record is written. */
export async function publish(req: PublishRequest): Promise<PublishResult> {
  const emit = req.onEvent ?? (() => undefined);
  const log = req.logger ?? nullLogger;
  emit({ type: 'phase', phase: 'detect', message: 'Looking at the project…' });
  const plan = await planDeployment(req, (earlier) => resolveContent(req, earlier), emit);
  emit({ type: 'phase', phase: 'check', message: `Checking ${req.server.name ?? req.server.url}…` });
  const client = await connectClientFor({ ...req, logger: log });
  const user = await client.user();
  const { detection } = plan;
  log.info(
    `Publishing ${req.dir} as ${detection.appmode} (${detection.entrypoint}) to ${req.server.url} as ${user.username}.`,
  );
  const integrations = await resolveIntegrations(client, plan, req, emit);
  const inputs: ManifestInputs = {
    ...plan.inputs,
    ...(integrations.requests.length ? { integrationRequests: integrations.requests } : {}),
  };
  const activate = await reviewed(req, plan, inputs);
  const environment = await environmentOf(req, plan.configuration);
  let content = await existingContent(client, plan.record, detection, emit);
  const extra = await generatedFiles(req, plan, emit);
  const bundle = await bundleProject(req, plan.listing, extra.entries, inputs, emit).finally(extra.dispose);
  const ignoreText = await fs.promises.readFile(path.join(req.dir, IGNORE_FILE), 'utf8').catch(() => undefined);
  const progress = new RecordProgress(req, plan, inputs, integrations, ignoreText);
  try {
    const created = !content;
    content ??= await client.createContent(contentName(plan.title), plan.title, user.guid);
    await progress.contentExists(content, [...bundle.checksums.keys()].sort());
    if (typeof plan.configuration.existing?.description === 'string')
      await client.patchContent(content.guid, { description: plan.configuration.existing.description });
    if (environment.length) await client.setEnvironment(content.guid, environment);
    emit({ type: 'phase', phase: 'upload', message: `Uploading ${(bundle.size / (1024 * 1024)).toFixed(1)} MB…` });
    const { id: bundleId } = await client.uploadBundle(content.guid, bundle.path);
    emit({ type: 'uploaded', bundleId });
    await progress.uploaded(bundleId);
    await runDeployTask(client, content.guid, bundleId, activate, emit);
    await associateIntegrations(client, content.guid, integrations.guids, emit);
    emit({ type: 'phase', phase: 'record', message: 'Saving the deployment record…' });
    const recordPath = await progress.succeeded();
    const result: PublishResult = {
      contentGuid: content.guid,
      contentUrl: progress.directUrl,
      dashboardUrl: progress.dashboardUrl,
      bundleId,
      recordPath,
      created,
      appmode: detection.appmode,
      configurationName: progress.configurationName,
    };
    emit({ type: 'done', result });
    return result;
  } catch (err) {
    if (isCancelled(err)) log.info('Publishing cancelled.');
    await progress.failed(err);
    throw err;
  } finally {
    await bundle.dispose();
  }
}
