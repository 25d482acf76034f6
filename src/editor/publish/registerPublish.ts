// Registers the publish capability: Publish to Posit Connect…, Add / Remove Connect Server, Open Deployed Content,
// Copy Python / R Code for This Content, Show Deployment Log, and the deployment log channel. Every command takes arguments so tests skip the prompts:
//   executeCommand('positSnowflake.addConnectServer', { url, apiKey, snowflake?, snowflakeConnection?, name? })
//   executeCommand('positSnowflake.publish', { dir, serverUrl, file?, appmode?, entrypoint?, title?, newContent? })
//   executeCommand('positSnowflake.openDeployedContent', { dir })   // opens it and returns the URL
//   executeCommand('positSnowflake.removeConnectServer', url)
//   executeCommand('positSnowflake.copyIntegrationCode', { dir, language: 'python' | 'r', copy: false })  // the code
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listRecords, type FoundRecord } from '../../core/publish/deploymentRecord';
import { integrationCode, languageOf, type CodeLanguage } from '../../core/publish/integrationCode';
import { appModeOfPublisherType, type IntegrationRequest } from '../../core/publish/publisherConfig';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import type { PublishDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { runPublish } from './publishCommand';
import { addServer, removeServer, serverRegistry, type AddServerArgs } from './serverCommands';

interface OpenArgs {
  readonly dir?: string;
  readonly target?: 'content' | 'dashboard';
}

async function recordsOfWorkspace(dir?: string): Promise<FoundRecord[]> {
  const dirs = dir ? [dir] : (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const all: FoundRecord[] = [];
  for (const d of dirs) all.push(...(await listRecords(d)));
  // Projects in subfolders publish from there; look one level down as well.
  if (!dir) {
    for (const d of dirs) {
      const subs = await vscode.workspace.fs.readDirectory(vscode.Uri.file(d)).then(
        (e) => e,
        () => [] as [string, vscode.FileType][],
      );
      for (const [name, type] of subs)
        if (type === vscode.FileType.Directory && !name.startsWith('.'))
          all.push(...(await listRecords(path.join(d, name))));
    }
  }
  return all;
}

function argsOf<T extends { dir?: string }>(arg: unknown): T {
  return (arg instanceof vscode.Uri ? { dir: arg.fsPath } : typeof arg === 'object' && arg !== null ? arg : {}) as T;
}

/** The deployment the command is about: the only one, or the one the person picks. */
async function chooseRecord(dir: string | undefined, title: string): Promise<FoundRecord> {
  const records = await recordsOfWorkspace(dir);
  if (records.length === 0) {
    throw new SnowflakeExtError(
      'notFound',
      'Nothing here has been published yet (no deployment record in .posit/publish/deployments).',
      {
        text: "Run 'Posit Connect: Publish to Posit Connect…' first.",
        command: 'positSnowflake.publish',
        commandTitle: 'Publish',
      },
    );
  }
  if (records.length === 1) return records[0]!;
  const pick = await vscode.window.showQuickPick(
    records.map((r) => ({
      label: r.name,
      description: `${r.record.server_url} · ${r.record.deployed_at ?? ''}`,
      detail: path.dirname(path.dirname(path.dirname(path.dirname(r.path)))),
      r,
    })),
    { title },
  );
  if (!pick) throw new CancelledError();
  return pick.r;
}

async function openDeployed(arg: unknown): Promise<string> {
  const args = argsOf<OpenArgs>(arg);
  const rec = (await chooseRecord(args.dir, 'Open Deployed Content')).record;
  const url =
    args.target === 'dashboard'
      ? (rec.dashboard_url ?? `${rec.server_url}/connect/#/apps/${rec.id}`)
      : (rec.direct_url ?? `${rec.server_url}/content/${rec.id}/`);
  await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

interface CodeArgs {
  readonly dir?: string;
  readonly language?: CodeLanguage;
  /** false: return the code without touching the clipboard (tests). */
  readonly copy?: boolean;
}

/** Copy Python / R Code for This Content: how the deployed app reaches Snowflake through its OAuth integration. */
async function copyIntegrationCode(arg: unknown): Promise<string> {
  const args = argsOf<CodeArgs>(arg);
  const rec = (await chooseRecord(args.dir, 'Copy Python / R Code for This Content')).record;
  const appmode = appModeOfPublisherType(rec.configuration?.type ?? rec.type) ?? 'python-streamlit';
  let language = args.language;
  if (!language) {
    const first = languageOf(appmode);
    const pick = await vscode.window.showQuickPick(
      (first === 'r' ? (['r', 'python'] as const) : (['python', 'r'] as const)).map((l) => ({
        label: l === 'r' ? 'R (connectapi)' : 'Python (posit-sdk)',
        l,
      })),
      { title: 'Copy code for this content' },
    );
    if (!pick) throw new CancelledError();
    language = pick.l;
  }
  const requests = (rec.configuration?.integration_requests ?? []) as readonly IntegrationRequest[];
  const code = integrationCode(language, appmode, requests);
  if (args.copy !== false) {
    await vscode.env.clipboard.writeText(code);
    void vscode.window.showInformationMessage(
      requests.length
        ? `Copied the ${language === 'r' ? 'R' : 'Python'} code that reaches Snowflake through ${requests.map((r) => `'${r.name ?? r.guid}'`).join(', ')}.`
        : `Copied the ${language === 'r' ? 'R' : 'Python'} code; associate the content with a Snowflake OAuth integration (publish again and tick one) for it to work on Connect.`,
    );
  }
  return code;
}

export function registerPublish(deps: PublishDeps): void {
  const { log, subscriptions } = deps;
  const registry = serverRegistry(deps);
  const deployLog = vscode.window.createOutputChannel('Posit Connect Deployments');
  subscriptions.push(
    deployLog,
    registerCommand(log, 'positSnowflake.publish', (arg?: unknown) => runPublish(deps, registry, deployLog, arg)),
    registerCommand(log, 'positSnowflake.addConnectServer', (arg?: AddServerArgs) =>
      addServer(deps, registry, typeof arg === 'object' && arg !== null ? arg : {}),
    ),
    registerCommand(log, 'positSnowflake.removeConnectServer', (arg?: unknown) =>
      removeServer(registry, log, typeof arg === 'string' ? arg : undefined),
    ),
    registerCommand(log, 'positSnowflake.openDeployedContent', (arg?: unknown) => openDeployed(arg)),
    registerCommand(log, 'positSnowflake.copyIntegrationCode', (arg?: unknown) => copyIntegrationCode(arg)),
    registerCommand(log, 'positSnowflake.showDeploymentLog', () => deployLog.show(true)),
  );
}
