// "Publish to Posit Connect…": which folder (the clicked file's, the active editor's, or a workspace folder), which
// server, the title (first deployment), the OAuth integrations, a review of files and manifest, then the core
// pipeline under a cancellable progress notification, with the task's lines streamed into the deployment log.
// The command takes the folder or file it was run on (a Uri, from the Explorer or the editor title); the rest is asked.
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { findRecord } from '../../core/publish/deploymentRecord';
import type { ConnectServerRegistry } from '../../core/publish/connect/connectServers';
import { publish, TaskFailedError } from '../../core/publish/publishPipeline';
import {
  APP_MODE_LABELS,
  APP_MODES,
  type ContentOverride,
  type PublishEvent,
  type PublishResult,
} from '../../core/publish/types';
import { CancelledError, isCancelled, SnowflakeExtError, toExtError } from '../../core/shared/errors';
import type { PublishDeps } from '../deps';
import { toAbortSignal } from '../runCommand';
import { askTitle, chooseIntegrations, review, secretAsker } from './publishPrompts';
import { pickServer } from './serverCommands';

export interface PublishCommandResult extends PublishResult {
  /** What the progress notification said, in order (tests check the person saw each step). */
  readonly progress: readonly string[];
}

/** The project folder and chosen file: the Uri the command was run on, else the active editor's, else a folder. */
async function target(arg: unknown): Promise<{ dir: string; file?: string }> {
  const given = arg instanceof vscode.Uri ? arg.fsPath : undefined;
  if (given !== undefined && !fs.existsSync(given))
    throw new SnowflakeExtError('notFound', `${given} does not exist.`, {
      text: 'Choose an existing project folder or file to publish.',
    });
  const picked = given ?? vscode.window.activeTextEditor?.document.uri.fsPath;
  if (picked && fs.existsSync(picked)) {
    const isDir = fs.statSync(picked).isDirectory();
    return isDir ? { dir: picked } : { dir: path.dirname(picked), file: picked };
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return { dir: folders[0]!.uri.fsPath };
  if (folders.length > 1) {
    const f = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to publish' });
    if (!f) throw new CancelledError();
    return { dir: f.uri.fsPath };
  }
  throw new SnowflakeExtError('notFound', 'There is nothing to publish: no folder is open.', {
    text: 'Open the project folder, or right-click a file in the Explorer → Publish to Posit Connect…',
  });
}

/** When detection cannot tell: the person picks the type, then the entrypoint. */
async function chooseContent(dir: string): Promise<ContentOverride | undefined> {
  const mode = await vscode.window.showQuickPick(
    APP_MODES.map((m) => ({ label: APP_MODE_LABELS[m], mode: m })),
    {
      title: `What is ${path.basename(dir)}?`,
      placeHolder: 'The content type could not be detected; choose one',
      ignoreFocusOut: true,
    },
  );
  // Escape in either picker is the person stopping the publish, not a failure to detect the content.
  if (!mode) throw new CancelledError();
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort();
  const entry = await vscode.window.showQuickPick(files, {
    title: `${APP_MODE_LABELS[mode.mode]}: entrypoint`,
    placeHolder: 'The file Connect runs or renders',
    ignoreFocusOut: true,
  });
  if (!entry) throw new CancelledError();
  return { appmode: mode.mode, entrypoint: entry };
}

/** Turns core events into the notification's message and increments, and the deployment log's lines. */
function progressReporter(
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  log: vscode.OutputChannel,
  seen: string[],
): (e: PublishEvent) => void {
  let bundledPct = 0;
  const say = (message: string, increment?: number): void => {
    seen.push(message);
    progress.report({ message, ...(increment ? { increment } : {}) });
  };
  return (e) => {
    switch (e.type) {
      case 'phase':
        log.appendLine(`[${e.phase}] ${e.message}`);
        say(e.message, e.phase === 'upload' ? 5 : e.phase === 'deploy' ? 10 : e.phase === 'record' ? 5 : 0);
        break;
      case 'detected':
        log.appendLine(`Content: ${APP_MODE_LABELS[e.detection.appmode]}, entrypoint ${e.detection.entrypoint}`);
        break;
      case 'warning':
        log.appendLine(`Warning: ${e.message}`);
        void vscode.window.showWarningMessage(e.message);
        break;
      case 'info':
        log.appendLine(e.message);
        break;
      case 'bundleProgress': {
        const pct = e.totalBytes ? Math.min(40, Math.floor((40 * e.bytes) / e.totalBytes)) : 0;
        say(`Bundling: ${e.files} of ${e.totalFiles} files`, pct - bundledPct);
        bundledPct = pct;
        break;
      }
      case 'bundled':
        log.appendLine(`Bundle: ${e.files} files, ${(e.size / (1024 * 1024)).toFixed(1)} MB (md5 ${e.md5})`);
        break;
      case 'uploaded':
        log.appendLine(`Uploaded bundle ${e.bundleId}`);
        break;
      case 'taskLine':
        log.appendLine(e.line);
        say(e.line.length > 80 ? `${e.line.slice(0, 79)}…` : e.line);
        break;
      case 'done':
        log.appendLine(`Deployed: ${e.result.contentUrl}`);
        break;
    }
  };
}

export async function runPublish(
  deps: Pick<PublishDeps, 'auth' | 'log' | 'version' | 'limits'>,
  registry: ConnectServerRegistry,
  deployLog: vscode.OutputChannel,
  arg: unknown,
): Promise<PublishCommandResult> {
  const { dir, file } = await target(arg);
  const server = await pickServer(deps, registry, `Publish ${path.basename(dir)} to`);
  const apiKey = await registry.apiKey(server);
  if (!apiKey)
    throw new SnowflakeExtError('config', `No API key is stored for ${server.name ?? server.url}.`, {
      text: "Add the server again with 'Posit Connect: Add Connect Server…'.",
      command: 'positSnowflake.addConnectServer',
      commandTitle: 'Add Connect Server',
    });
  const previous = await findRecord(dir, server.url);
  const relative = vscode.workspace.asRelativePath(dir, true);
  const where = path.isAbsolute(relative) ? path.basename(dir) : relative;
  deployLog.appendLine(
    `\n=== ${new Date().toLocaleString()} · ${where} → ${server.url}${previous ? ` (content ${previous.record.id})` : ' (new content)'}`,
  );
  const seen: string[] = [];
  const settings = vscode.workspace.getConfiguration('positSnowflake.publish');
  const quartoVersion = settings.get<string>('quartoVersion', '').trim();
  const options = {
    ...(quartoVersion ? { quartoVersion } : {}),
    askTitle,
    chooseIntegrations,
    ...(settings.get<boolean>('reviewBeforeUpload', true) ? { review } : {}),
    secretValue: secretAsker(deps.auth, server.url, dir),
  };
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Publishing ${path.basename(dir)} to ${server.name ?? server.url}`,
        cancellable: true,
      },
      (progress, token) =>
        publish({
          dir,
          server,
          apiKey,
          auth: deps.auth,
          logger: deps.log,
          limits: deps.limits,
          signal: toAbortSignal(token)!,
          clientVersion: `posit-snowflake ${deps.version}`.trim(),
          ...(file ? { file } : {}),
          chooseContent,
          ...options,
          onEvent: progressReporter(progress, deployLog, seen),
        }),
    );
    void vscode.window
      .showInformationMessage(
        `Published ${path.basename(dir)} to ${server.name ?? server.url}.`,
        'Open Content',
        'Open Dashboard',
      )
      .then((choice) => {
        if (choice === 'Open Content') void vscode.env.openExternal(vscode.Uri.parse(result.contentUrl));
        else if (choice === 'Open Dashboard') void vscode.env.openExternal(vscode.Uri.parse(result.dashboardUrl));
      });
    return { ...result, progress: seen };
  } catch (err) {
    if (err instanceof TaskFailedError) {
      deployLog.appendLine(`Deployment failed: ${err.message}`);
      deployLog.show(true);
      throw new TaskFailedError(
        `${err.message} Last lines: ${err.lastLines.slice(-3).join(' · ')}`,
        err.lastLines,
        err.contentGuid,
      );
    }
    if (isCancelled(err)) deployLog.appendLine('Cancelled; nothing was recorded.');
    // A check before the upload (no requirements.txt, unknown content, …): the log tells the same story as the toast.
    else deployLog.appendLine(`Not published: ${toExtError(err).userText}`);
    throw err;
  }
}
