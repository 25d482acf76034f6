// The deployment, start to end: detect → check the server → bundle (with manifest) → create or reuse the content →
// upload → deploy → follow the task → write the record. Each step reports a typed event; a cancel or failure at
// any point leaves no temp file and no new or half-written record.
import crypto from 'node:crypto';
import type { AuthService } from '../auth/types';
import { SnowflakeExtError, isCancelled } from '../shared/errors';
import { nullLogger, type Logger } from '../shared/logger';
import { createBundle, type Bundle } from './bundle/bundler';
import { apiKeyAuth, ingressAuth, type ConnectAuth } from './connect/connectAuth';
import { ConnectClient, type ConnectContent, type ConnectUser } from './connect/connectClient';
import { detectContent } from './content/detectContent';
import { appModeOfPublisherType, findRecord, newRecordName, writeRecord, type FoundRecord } from './deploymentRecord';
import { buildManifest, gatherManifestInputs, manifestBytes, type ManifestInputs } from './content/manifest';
import { listProjectFiles, type ProjectListing } from './bundle/projectFiles';
import { systemRuntimeProbe, type RuntimeProbe } from './content/runtimeVersions';
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
  });
}

/** Checks a server and key (Add Connect Server): who the key belongs to, and that it may publish. */
export async function checkServer(access: ServerAccess): Promise<ConnectUser> {
  return (await connectClientFor(access)).user();
}

async function resolveContent(req: PublishRequest, record: FoundRecord | undefined): Promise<ContentDetection> {
  const detected = await detectContent(req.dir, {
    ...(req.file ? { file: req.file } : {}),
    ...(req.override ? { override: req.override } : {}),
  });
  if (detected) return detected;
  // A choice made earlier (by us or by Publisher) is in the record's configuration.
  const cfg = record?.record.configuration;
  const mode = appModeOfPublisherType(cfg?.type);
  if (mode && cfg?.entrypoint) {
    const fromRecord = await detectContent(req.dir, { override: { appmode: mode, entrypoint: cfg.entrypoint } });
    if (fromRecord) return fromRecord;
  }
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

function contentName(title: string): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'content';
  return `${base}-${crypto.randomBytes(3).toString('hex')}`;
}

function titleOf(req: PublishRequest, detection: ContentDetection): string {
  const t = (req.title ?? detection.title).trim();
  return t.length >= 3 ? t.slice(0, 1000) : `${t} (published)`;
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
  inputs: ManifestInputs,
  emit: (e: PublishEvent) => void,
): Promise<Bundle> {
  emit({ type: 'phase', phase: 'bundle', message: `Bundling ${listing.fileCount} files…` });
  const bundle = await createBundle({
    entries: listing.entries,
    manifest: (checksums) => manifestBytes(buildManifest(inputs, checksums)),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.tempDir ? { tempDir: req.tempDir } : {}),
    onProgress: (p) => emit({ type: 'bundleProgress', ...p }),
  });
  emit({ type: 'bundled', size: bundle.size, md5: bundle.md5, files: bundle.fileCount });
  return bundle;
}

async function deployBundle(
  client: ConnectClient,
  guid: string,
  bundle: Bundle,
  emit: (e: PublishEvent) => void,
): Promise<string> {
  emit({ type: 'phase', phase: 'upload', message: `Uploading ${(bundle.size / (1024 * 1024)).toFixed(1)} MB…` });
  const { id: bundleId } = await client.uploadBundle(guid, bundle.path);
  emit({ type: 'uploaded', bundleId });
  emit({ type: 'phase', phase: 'deploy', message: 'Deploying…' });
  const taskId = await client.deploy(guid, bundleId);
  if (taskId === undefined) return bundleId; // the answer was lost, but Connect already serves this bundle
  const lines: string[] = [];
  const task = await client.followTask(taskId, (line) => {
    lines.push(line);
    emit({ type: 'taskLine', line });
  });
  if (task.error || task.code !== 0) {
    throw new TaskFailedError(
      `Connect could not deploy the content: ${task.error || `the task ended with code ${task.code}`}.`,
      lines.slice(-15),
      guid,
    );
  }
  return bundleId;
}

/** Publishes `req.dir` to `req.server`. Resolves once Connect has deployed it and the record is written. */
export async function publish(req: PublishRequest): Promise<PublishResult> {
  const emit = req.onEvent ?? (() => undefined);
  const log = req.logger ?? nullLogger;
  emit({ type: 'phase', phase: 'detect', message: 'Looking at the project…' });
  const record = req.newContent ? undefined : await findRecord(req.dir, req.server.url);
  const detection = await resolveContent(req, record);
  emit({ type: 'detected', detection });
  const listing = await listProjectFiles(req.dir, {
    keepNodeModules: detection.appmode === 'nodejs',
    ...(req.signal ? { signal: req.signal } : {}),
  });
  warnIfLarge(listing, emit);
  const inputs = await gatherManifestInputs(req.dir, detection, listing, req.probe ?? systemRuntimeProbe());
  emit({ type: 'phase', phase: 'check', message: `Checking ${req.server.name ?? req.server.url}…` });
  const client = await connectClientFor({ ...req, logger: log });
  const user = await client.user();
  log.info(
    `Publishing ${req.dir} as ${detection.appmode} (${detection.entrypoint}) to ${req.server.url} as ${user.username}.`,
  );
  let content = await existingContent(client, record, detection, emit);
  const bundle = await bundleProject(req, listing, inputs, emit);
  try {
    const title = titleOf(req, detection);
    const created = !content;
    content ??= await client.createContent(contentName(title), title, user.guid);
    if (req.environment?.length) await client.setEnvironment(content.guid, req.environment);
    const bundleId = await deployBundle(client, content.guid, bundle, emit);
    emit({ type: 'phase', phase: 'record', message: 'Saving the deployment record…' });
    const dashboardUrl = content.dashboard_url ?? `${req.server.url}/connect/#/apps/${content.guid}`;
    const contentUrl = content.content_url ?? `${req.server.url}/content/${content.guid}/`;
    const name = record?.name ?? (await newRecordName(req.dir, req.server.url));
    const recordPath = await writeRecord(req.dir, {
      name,
      serverUrl: req.server.url,
      contentGuid: content.guid,
      bundleId,
      dashboardUrl,
      directUrl: contentUrl,
      detection,
      title,
      files: [...bundle.checksums.keys()].sort(),
      clientVersion: req.clientVersion ?? 'posit-snowflake',
      ...(record && !created && typeof record.record.created_at === 'string'
        ? { createdAt: record.record.created_at }
        : {}),
      ...(inputs.python ? { python: inputs.python.version } : {}),
      ...(inputs.r ? { r: inputs.r.rVersion } : {}),
      ...(inputs.quarto
        ? { quarto: { version: inputs.quarto.version, engines: detection.quartoEngines ?? ['markdown'] } }
        : {}),
    });
    const result: PublishResult = {
      contentGuid: content.guid,
      contentUrl,
      dashboardUrl,
      bundleId,
      recordPath,
      created,
      appmode: detection.appmode,
    };
    emit({ type: 'done', result });
    return result;
  } catch (err) {
    if (isCancelled(err)) log.info('Publishing cancelled; no record written.');
    throw err;
  } finally {
    await bundle.dispose();
  }
}
