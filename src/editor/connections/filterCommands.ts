// Huge schemas in the Connections view: Filter… a Tables/Views folder server-side (SHOW ... LIKE), Clear Filter, and
// Find Table…, a quick pick that asks Snowflake as you type and reveals the object it picks, loaded or not.
import * as vscode from 'vscode';
import { CatalogLoader, type TableInfo } from '../../core/snowflake/catalogLoader';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';
import type { Logger } from '../../core/shared/logger';
import type { ConnectionsNode, FolderNode, TableNode } from '../../core/tree/connectionNodes';
import type { ConnectionsTreeModel } from '../../core/tree/connectionsTreeModel';
import { registerCommand } from '../runCommand';

export interface FilterCommandDeps {
  readonly model: ConnectionsTreeModel;
  readonly sessions: Pick<SqlSessionManager, 'query'>;
  readonly view: vscode.TreeView<ConnectionsNode>;
  readonly log: Logger;
}

/** What Find Table lists at most per answer (SHOW returns up to 10,000 rows; a person reads far fewer). */
const FIND_LIMIT = 200;

function folderOf(node: unknown): FolderNode {
  const n = node as ConnectionsNode | undefined;
  if (n?.kind !== 'folder')
    throw new SnowflakeExtError('config', 'Choose a Tables or Views folder in the Snowflake view first.', {
      text: 'Right-click a schema’s Tables or Views folder and choose Filter… or Find Table….',
    });
  return n;
}

/** A LIKE pattern for what a person typed: as is when it has a wildcard, else "contains". */
export function likePattern(typed: string): string {
  const t = typed.trim();
  return /[%_]/.test(t) ? t : `%${t}%`;
}

export function registerFilterCommands(deps: FilterCommandDeps): vscode.Disposable[] {
  const { model, log } = deps;
  return [
    registerCommand(log, 'positSnowflake.filterFolder', async (node?: unknown, given?: unknown) => {
      const folder = folderOf(node);
      const what = folder.objectKind === 'view' ? 'views' : 'tables';
      const pattern =
        typeof given === 'string'
          ? given
          : await vscode.window.showInputBox({
              title: `Filter ${what} in ${folder.database}.${folder.schema}`,
              prompt: 'A name pattern, case-insensitive: % matches any characters, _ one character (e.g. CUST%)',
              value: model.filterOf(folder) ?? '',
              validateInput: (v) => (v.trim() === '' ? 'Type a pattern, or use Clear Filter to list all.' : undefined),
            });
      if (pattern === undefined) throw new CancelledError();
      model.setFilter(folder, pattern.trim());
      await deps.view.reveal(folder, { expand: true, select: true }).then(undefined, () => undefined);
      return pattern.trim();
    }),
    registerCommand(log, 'positSnowflake.clearFilter', (node?: unknown) => {
      model.setFilter(folderOf(node), undefined);
    }),
    registerCommand(log, 'positSnowflake.findTable', async (node?: unknown, given?: unknown) => {
      const folder = folderOf(node);
      const picked = typeof given === 'string' ? given : await pickObject(deps, folder);
      return revealObject(deps, folder, picked);
    }),
  ];
}

/** A quick pick whose items come from `SHOW ... LIKE '%typed%'` as the person types. */
async function pickObject(deps: FilterCommandDeps, folder: FolderNode): Promise<string> {
  const profile = deps.model.profile(folder.connectionName);
  if (!profile) throw new CancelledError();
  const loader = new CatalogLoader((sql, what, signal, options) =>
    deps.sessions.query(profile, sql, { what, signal, ...options }),
  );
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = `Find ${folder.objectKind === 'view' ? 'a view' : 'a table'} in ${folder.database}.${folder.schema}`;
  qp.placeholder = 'Type part of the name; Snowflake is asked as you type';
  qp.matchOnDescription = false;
  let asked: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ask = (typed: string): void => {
    asked?.abort();
    if (typed.trim() === '') {
      qp.items = [];
      return;
    }
    const controller = new AbortController();
    asked = controller;
    qp.busy = true;
    loader
      .findObjects(folder.objectKind, folder.database, folder.schema, likePattern(typed), controller.signal)
      .then((found: TableInfo[]) => {
        if (controller.signal.aborted) return;
        qp.items = found.slice(0, FIND_LIMIT).map((t) => ({ label: t.name, description: t.comment }));
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) qp.items = [{ label: `$(error) ${(err as Error).message}`, alwaysShow: true }];
      })
      .finally(() => {
        if (asked === controller) qp.busy = false;
      });
  };
  try {
    return await new Promise<string>((resolve, reject) => {
      qp.onDidChangeValue((v) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => ask(v), 200);
      });
      qp.onDidAccept(() => {
        const label = qp.selectedItems[0]?.label;
        if (label && !label.startsWith('$(error)')) resolve(label);
      });
      qp.onDidHide(() => reject(new CancelledError()));
      qp.show();
    });
  } finally {
    if (timer) clearTimeout(timer);
    asked?.abort();
    qp.dispose();
  }
}

/** Shows `name` in the folder (filtering to it when it is not among the loaded rows) and selects it. */
async function revealObject(deps: FilterCommandDeps, folder: FolderNode, name: string): Promise<string> {
  const { model } = deps;
  const isIt = (n: ConnectionsNode): n is TableNode => n.kind === 'table' && n.name === name;
  let node = (await model.children(folder)).find(isIt);
  if (!node) {
    model.setFilter(folder, name);
    node = (await model.children(folder)).find(isIt);
  }
  if (!node)
    throw new SnowflakeExtError('notFound', `${name} is not in ${folder.database}.${folder.schema} any more.`, {
      text: 'Refresh the folder, then try again.',
    });
  await deps.view.reveal(node, { select: true, focus: true, expand: false });
  return node.id;
}
