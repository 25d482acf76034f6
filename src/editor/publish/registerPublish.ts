// Registers the publish capability: Publish to Posit Connect…, Add / Remove Connect Server, Open Deployed Content,
// Copy Python / R Code for This Content, Show Deployment Log, and the deployment log channel. Publish, Open Deployed
// Content and Copy Code take the folder or file they act on (a Uri, as the Explorer passes it), Remove Connect
// Server the server's address; everything else is asked:
//   executeCommand('positSnowflake.publish', vscode.Uri.file(dir))              // returns the deployment
//   executeCommand('positSnowflake.openDeployedContent', vscode.Uri.file(dir))  // opens it and returns the URL
//   executeCommand('positSnowflake.copyIntegrationCode', vscode.Uri.file(dir))  // copies and returns the code
//   executeCommand('positSnowflake.removeConnectServer', url)
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listRecords, type FoundRecord } from '../../core/publish/deploymentRecord';
import { integrationCode, languageOf, type CodeLanguage } from '../../core/publish/integrationCode';
import { appModeOfPublisherType, type IntegrationRequest } from '../../core/publish/publisherConfig';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import type { PublishDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { runPublish } from './publishCommand';
import { addServer, removeServer, serverRegistry } from './serverCommands';

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

/** The folder a command was run on, if it was given one. */
function dirOf(arg: unknown): string | undefined {
  return arg instanceof vscode.Uri ? arg.fsPath : undefined;
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
  const rec = (await chooseRecord(dirOf(arg), 'Open Deployed Content')).record;
  const url = rec.direct_url ?? `${rec.server_url}/content/${rec.id}/`;
  await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

/** Copy Python / R Code for This Content: how the deployed app reaches Snowflake through its OAuth integration. */
async function copyIntegrationCode(arg: unknown): Promise<string> {
  const rec = (await chooseRecord(dirOf(arg), 'Copy Python / R Code for This Content')).record;
  const appmode = appModeOfPublisherType(rec.configuration?.type ?? rec.type) ?? 'python-streamlit';
  const first = languageOf(appmode);
  const pick = await vscode.window.showQuickPick(
    (first === 'r' ? (['r', 'python'] as const) : (['python', 'r'] as const)).map((l) => ({
      label: l === 'r' ? 'R (connectapi)' : 'Python (posit-sdk)',
      l,
    })),
    { title: 'Copy code for this content' },
  );
  if (!pick) throw new CancelledError();
  const language: CodeLanguage = pick.l;
  const requests = (rec.configuration?.integration_requests ?? []) as readonly IntegrationRequest[];
  const code = integrationCode(language, appmode, requests);
  await vscode.env.clipboard.writeText(code);
  void vscode.window.showInformationMessage(
    requests.length
      ? `Copied the ${language === 'r' ? 'R' : 'Python'} code that reaches Snowflake through ${requests.map((r) => `'${r.name ?? r.guid}'`).join(', ')}.`
      : `Copied the ${language === 'r' ? 'R' : 'Python'} code; associate the content with a Snowflake OAuth integration (publish again and tick one) for it to work on Connect.`,
  );
  return code;
}

export function registerPublish(deps: PublishDeps): void {
  const { log, subscriptions } = deps;
  const registry = serverRegistry(deps);
  const deployLog = vscode.window.createOutputChannel('Posit Connect Deployments');
  subscriptions.push(
    deployLog,
    registerCommand(log, 'positSnowflake.publish', (arg?: unknown) => runPublish(deps, registry, deployLog, arg)),
    registerCommand(log, 'positSnowflake.addConnectServer', () => addServer(deps, registry)),
    registerCommand(log, 'positSnowflake.removeConnectServer', (arg?: unknown) =>
      removeServer(registry, log, typeof arg === 'string' ? arg : undefined),
    ),
    registerCommand(log, 'positSnowflake.openDeployedContent', (arg?: unknown) => openDeployed(arg)),
    registerCommand(log, 'positSnowflake.copyIntegrationCode', (arg?: unknown) => copyIntegrationCode(arg)),
    registerCommand(log, 'positSnowflake.showDeploymentLog', () => deployLog.show(true)),
  );
}
