// The real number of tables or views behind a Tables/Views folder that has more than a page ("500 of 20,000"), where
// Snowflake can say it without cost to the user: INFORMATION_SCHEMA needs a warehouse, so the count is asked only
// when the session's warehouse is already running (SHOW WAREHOUSES is free), never resuming one for a label.
import type { CatalogLoader } from '../snowflake/catalogLoader';
import type { Logger } from '../shared/logger';
import { isUnder, type FolderNode } from './connectionNodes';

export interface FolderTotalsDeps {
  readonly loaderFor: (connectionName: string) => CatalogLoader;
  /** The warehouse the connection's session uses now, if any. */
  readonly warehouseOf: (connectionName: string) => string | undefined;
  /** A folder's total became known. */
  readonly onTotal: (folder: FolderNode) => void;
  readonly logger: Logger;
}

export class FolderTotals {
  private readonly totals = new Map<string, number>();
  private readonly asked = new Set<string>();

  constructor(private readonly deps: FolderTotalsDeps) {}

  get(id: string): number | undefined {
    return this.totals.get(id);
  }

  /** Asks once per folder (until forgotten); a failure leaves the "500+" label as it is. */
  request(folder: FolderNode, signal?: AbortSignal): void {
    if (this.asked.has(folder.id)) return;
    this.asked.add(folder.id);
    void this.count(folder, signal).then(
      (n) => {
        if (n === undefined || !this.asked.has(folder.id)) return;
        this.totals.set(folder.id, n);
        this.deps.onTotal(folder);
      },
      (err: unknown) => this.deps.logger.debug(`No total for ${folder.id}: ${(err as Error).message}`),
    );
  }

  clear(): void {
    this.asked.clear();
    this.totals.clear();
  }

  /** Forgets the totals at or under a node (it was refreshed or filtered). */
  forget(id: string): void {
    for (const key of [...this.asked]) if (isUnder(key, id)) this.asked.delete(key);
    for (const key of [...this.totals.keys()]) if (isUnder(key, id)) this.totals.delete(key);
  }

  private async count(folder: FolderNode, signal?: AbortSignal): Promise<number | undefined> {
    const warehouse = this.deps.warehouseOf(folder.connectionName);
    if (!warehouse) return undefined;
    const loader = this.deps.loaderFor(folder.connectionName);
    const running = (await loader.listWarehouses(signal)).some((w) => w.name === warehouse && w.state === 'STARTED');
    if (!running) return undefined;
    return loader.countObjects(folder.objectKind, folder.database, folder.schema, signal);
  }
}
