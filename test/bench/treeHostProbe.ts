// Runs inside the extension host for the tree memory benchmark: the host's memory after activation, then after the
// Connections tree has listed all 20,000 tables of the emulator's big schema through "Load more".
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { TestHostApi } from '../integration/host/extension';

interface Node {
  readonly kind: string;
}
type Provider = vscode.TreeDataProvider<Node>;

const labelOf = (item: vscode.TreeItem): string =>
  typeof item.label === 'string' ? item.label : (item.label?.label ?? '');

async function child(provider: Provider, parent: Node | undefined, label: string): Promise<Node> {
  for (const k of (await provider.getChildren(parent)) ?? [])
    if (labelOf(await provider.getTreeItem(k)) === label) return k;
  throw new Error(`"${label}" not found in the tree`);
}

/** A full collection first, so the figures are what the host keeps, not garbage it has not collected yet. */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

interface Memory {
  readonly rss: number;
  readonly heap: number;
  readonly heapTotal: number;
  readonly external: number;
}

function memory(): Memory {
  collect();
  const m = process.memoryUsage();
  const mb = (n: number): number => n / 2 ** 20;
  return { rss: mb(m.rss), heap: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
}

export async function run(): Promise<void> {
  const api = await vscode.extensions.getExtension<TestHostApi>('posit-snowflake.posit-snowflake')!.activate();
  const provider = api.testDoors.tree as Provider;
  await new Promise((r) => setTimeout(r, 500));
  const before = memory();
  let node: Node | undefined;
  for (const name of ['keypair', 'BIG_DB', 'MANY_TABLES', 'Tables']) node = await child(provider, node, name);
  let kids = (await provider.getChildren(node)) ?? [];
  // The driver is loaded and signed in by now: what the first page costs apart from the rest.
  const firstPage = memory();
  while (kids[kids.length - 1]?.kind === 'loadMore') {
    const more = await provider.getTreeItem(kids[kids.length - 1]!);
    await vscode.commands.executeCommand(more.command!.command, ...(more.command!.arguments ?? []));
    kids = (await provider.getChildren(node)) ?? [];
  }
  const paged = memory();
  // Every row also becomes a TreeItem, as the view would render it.
  await Promise.all(kids.map((k) => provider.getTreeItem(k)));
  const after = memory();
  fs.writeFileSync(
    process.env.POSIT_SNOWFLAKE_BENCH_OUT!,
    JSON.stringify({ before, firstPage, paged, after, tables: kids.length }),
  );
}
