// Registers the publish capability: Publish to Posit Connect…, Add / Remove Connect Server, Open Deployed Content,
// Show Deployment Log, and the deployment log channel. Every command takes arguments so tests skip the prompts:
//   executeCommand('positSnowflake.addConnectServer', { url, apiKey, snowflake?, snowflakeConnection?, name? })
//   executeCommand('positSnowflake.publish', { dir, serverUrl, file?, appmode?, entrypoint?, title?, newContent? })
//   executeCommand('positSnowflake.openDeployedContent', { dir, open: false })   // returns the URL
//   executeCommand('positSnowflake.removeConnectServer', url)
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listRecords, type FoundRecord } from '../../core/publish/deploymentRecord';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import type { ExtensionDeps } from '../deps';
import { registerCommand } from '../runCommand';
import { runPublish } from './publishCommand';
import { addServer, removeServer, serverRegistry, type AddServerArgs } from './serverCommands';

interface OpenArgs {
  readonly dir?: string;
  readonly target?: 'content' | 'dashboard';
  /** false: return the URL without opening a browser (tests). */
  readonly open?: boolean;
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

async function openDeployed(arg: unknown): Promise<string> {
  const args: OpenArgs =
    arg instanceof vscode.Uri ? { dir: arg.fsPath } : typeof arg === 'object' && arg !== null ? (arg as OpenArgs) : {};
  const records = await recordsOfWorkspace(args.dir);
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
  let chosen = records[0]!;
  if (records.length > 1) {
    const pick = await vscode.window.showQuickPick(
      records.map((r) => ({
        label: r.name,
        description: `${r.record.server_url} · ${r.record.deployed_at ?? ''}`,
        detail: path.dirname(path.dirname(path.dirname(path.dirname(r.path)))),
        r,
      })),
      { title: 'Open Deployed Content' },
    );
    if (!pick) throw new CancelledError();
    chosen = pick.r;
  }
  const rec = chosen.record;
  const url =
    args.target === 'dashboard'
      ? (rec.dashboard_url ?? `${rec.server_url}/connect/#/apps/${rec.id}`)
      : (rec.direct_url ?? `${rec.server_url}/content/${rec.id}/`);
  if (args.open !== false) await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

export function registerPublish(deps: ExtensionDeps): void {
  const { log, context } = deps;
  const registry = serverRegistry(deps);
  const deployLog = vscode.window.createOutputChannel('Posit Connect Deployments');
  context.subscriptions.push(
    deployLog,
    registerCommand(log, 'positSnowflake.publish', (arg?: unknown) => runPublish(deps, registry, deployLog, arg)),
    registerCommand(log, 'positSnowflake.addConnectServer', (arg?: AddServerArgs) =>
      addServer(deps, registry, typeof arg === 'object' && arg !== null ? arg : {}),
    ),
    registerCommand(log, 'positSnowflake.removeConnectServer', (arg?: unknown) =>
      removeServer(registry, log, typeof arg === 'string' ? arg : undefined),
    ),
    registerCommand(log, 'positSnowflake.openDeployedContent', (arg?: unknown) => openDeployed(arg)),
    registerCommand(log, 'positSnowflake.showDeploymentLog', () => deployLog.show(true)),
  );
}
