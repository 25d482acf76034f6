// The Connections tree's state without the editor: children cached per node id (errors never cached), loads shared
// and cancellable, "Load more" paging, refresh of a node or everything, and reactions to auth changes.
import type { AuthChange, ConnectionProfile, ListedConnection } from '../auth/types';
import { needsSignIn } from '../auth/serverCodes';
import { CatalogLoader } from '../snowflake/catalogLoader';
import type { SqlSessionManager } from '../snowflake/sqlSessionManager';
import { isCancelled } from '../shared/errors';
import { SignInStates, type SignInStateDeps } from './signInStates';
import { Emitter, type Disposable, type Event } from '../shared/events';
import type { Logger } from '../shared/logger';
import { errorNode, loadPage, loadSchemaChildren, type NodePage } from './childrenLoader';
import {
  connectionId,
  isUnder,
  type ConnectionNode,
  type ConnectionsNode,
  type ErrorNode,
  type FolderNode,
  type LoadMoreNode,
} from './connectionNodes';
import {
  connectionNode,
  countText,
  isExpandable,
  presentChildren,
  problemNodes,
  unusableNode,
  type Entry,
  type Expandable,
} from './treeRows';
import { definitionFingerprint } from '../connections/profileFingerprint';
import { FolderTotals } from './folderTotals';

/** OAuth sign-in connections: isSignedIn / signInStatus say whether to offer "Sign in" (or "Sign in again"). */
export interface TreeModelDeps extends SignInStateDeps {
  /** The connections to show (a Workbench-managed one is put first). */
  readonly connections: () => Promise<readonly ConnectionProfile[]>;
  /** Defined connections that cannot be used; each is shown after the usable ones with its problems and fixes. */
  readonly unusable?: () => Promise<readonly ListedConnection[]>;
  readonly sessions: Pick<SqlSessionManager, 'query' | 'state' | 'cancel' | 'reset' | 'onDidChangeState'>;
  readonly logger: Logger;
}

interface Load {
  readonly promise: Promise<void>;
  readonly controller: AbortController;
}

const ROOT_ID = '#root';

export class ConnectionsTreeModel implements Disposable {
  private roots = new Map<string, ConnectionNode>();
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Load>();
  /** Nodes whose children were asked for, so an error or "Load more" node can find its parent. */
  private readonly known = new Map<string, ConnectionsNode>();
  private readonly changed = new Emitter<ConnectionsNode | undefined>();
  private readonly subscriptions: Disposable[] = [];
  /** Fires with a node whose item or children changed, or undefined for the whole tree. */
  readonly onDidChange: Event<ConnectionsNode | undefined> = this.changed.event;
  /** Per connection, the database (and schema) of the node last selected or expanded: where the user is looking. */
  private readonly focused = new Map<string, { database: string; schema?: string }>();
  /** LIKE patterns of filtered Tables/Views folders, by folder id; kept across refreshes. */
  private readonly filters = new Map<string, string>();

  /** Real totals of folders with more than a page, where Snowflake can give them. */
  private readonly totals: FolderTotals;

  /** Which browser sign-ins Snowflake refused, for the rows and their Sign in nodes. */
  private readonly signIns: SignInStates;

  constructor(private readonly deps: TreeModelDeps) {
    this.totals = new FolderTotals({
      loaderFor: (name) => this.loaderFor(name),
      warehouseOf: (name) => {
        const state = deps.sessions.state(name);
        return state.status === 'connected' ? state.warehouse : undefined;
      },
      onTotal: (folder) => {
        const schema = this.known.get(folder.parentId);
        if (schema) this.changed.fire(schema);
        this.changed.fire(folder);
      },
      logger: deps.logger,
    });
    this.signIns = new SignInStates(deps, (name) => {
      const root = this.roots.get(connectionId(name));
      if (root) this.changed.fire(root);
    });
    this.subscriptions.push(
      deps.sessions.onDidChangeState((name) => {
        const root = this.roots.get(connectionId(name));
        if (root) this.changed.fire(root);
      }),
    );
  }

  /** Children of a node (roots for undefined). Never throws: failures come back as an error node. */
  async children(node?: ConnectionsNode): Promise<ConnectionsNode[]> {
    if (!node) return this.loadRoots();
    if (node.kind === 'unusableConnection') return problemNodes(node);
    if (!isExpandable(node)) return [];
    this.known.set(node.id, node);
    try {
      if (node.kind === 'connection') {
        const signIn = await this.signIns.nodeFor(node);
        if (signIn) return [signIn];
      }
      let entry = this.entries.get(node.id);
      if (!entry) {
        const load = this.loads.get(node.id) ?? this.startLoad(node);
        await load.promise;
        entry = this.entries.get(node.id);
        if (!entry) return []; // cancelled by a refresh, which asks again
      }
      return presentChildren(node, entry, this.filters.get(node.id));
    } catch (err) {
      if (isCancelled(err)) return [];
      this.deps.logger.warn(`Connections tree: ${(err as Error).message}`);
      if (node.kind === 'connection' && needsSignIn(err, node.profile)) return [this.signIns.nodeForRefusal(node, err)];
      return [errorNode(node, err)];
    }
  }

  /** The user selected or expanded `node`: remember its database and schema for the chat (@snowflake /sql). */
  noteFocus(node: ConnectionsNode): void {
    if (node.kind === 'database') this.focused.set(node.connectionName, { database: node.database });
    else if ('schema' in node && 'database' in node)
      this.focused.set(node.connectionName, { database: node.database, schema: node.schema });
  }

  /** The database (and schema) last selected or expanded under a connection, if any. */
  focus(connectionName: string): { database: string; schema?: string } | undefined {
    return this.focused.get(connectionName);
  }

  /** The profile behind a connection name, as last shown. */
  profile(name: string): ConnectionProfile | undefined {
    return this.roots.get(connectionId(name))?.profile;
  }

  root(name: string): ConnectionNode | undefined {
    return this.roots.get(connectionId(name));
  }

  /** The pattern a Tables/Views folder is filtered by (SHOW ... LIKE), if any. */
  filterOf(node: ConnectionsNode): string | undefined {
    return node.kind === 'folder' ? this.filters.get(node.id) : undefined;
  }

  /** Filters a folder's listing server-side with a LIKE pattern, or clears the filter (undefined); it reloads. */
  setFilter(folder: FolderNode, pattern: string | undefined): void {
    if (pattern === undefined || pattern === '') this.filters.delete(folder.id);
    else this.filters.set(folder.id, pattern);
    this.known.set(folder.id, folder);
    this.forget(folder.id);
    this.changed.fire(folder);
  }

  /** A node's parent among those the view has shown (for reveal). */
  parentOf(node: ConnectionsNode): ConnectionsNode | undefined {
    if (!('parentId' in node)) return undefined;
    return this.known.get(node.parentId) ?? this.roots.get(node.parentId);
  }

  /** The children loaded under a node id (undefined until it was expanded), for SQL help to read names from. */
  loadedChildren(id: string): { readonly nodes: readonly ConnectionsNode[]; readonly more: boolean } | undefined {
    const e = this.entries.get(id);
    return e ? { nodes: e.nodes, more: e.next !== undefined } : undefined;
  }

  /** Counts for a node's description once its children are loaded ("3 schemas", "500+"). */
  countText(node: ConnectionsNode): string | undefined {
    return countText(
      node,
      (id) => this.entries.get(id),
      (id) => this.totals.get(id),
    );
  }

  /** Fetches the next page after a "Load more" node (or retries a failed one). */
  async loadMore(node: LoadMoreNode | ErrorNode): Promise<void> {
    const entry = this.entries.get(node.parentId);
    if (!entry?.next) return;
    if (entry.loadingMore) return entry.loadingMore;
    const controller = new AbortController();
    const key = `${node.parentId}#more`;
    entry.loadingMore = (async () => {
      try {
        const page = await this.fetchPage(entry.parent, entry.next, controller.signal);
        for (const n of page.nodes) entry.nodes.push(n);
        entry.next = page.next;
        entry.loadMoreError = undefined;
      } catch (err) {
        if (!isCancelled(err)) entry.loadMoreError = errorNode(entry.parent, err, true);
      } finally {
        entry.loadingMore = undefined;
        this.loads.delete(key);
        if (this.entries.get(node.parentId) === entry) this.changed.fire(entry.parent);
      }
    })();
    this.loads.set(key, { promise: entry.loadingMore, controller });
    return entry.loadingMore;
  }

  /** Retry on an error node: the failed page again, or the parent's children. */
  retry(node: ErrorNode): Promise<void> {
    if (node.duringLoadMore) return this.loadMore(node);
    this.refresh(this.known.get(node.parentId));
    return Promise.resolve();
  }

  /** Forgets what was loaded under a node (everything for undefined), cancels its loads, and asks the view again. */
  refresh(node?: ConnectionsNode): void {
    if (!node) {
      for (const load of this.loads.values()) load.controller.abort();
      this.loads.clear();
      this.entries.clear();
      this.totals.clear();
      for (const root of this.roots.values()) this.deps.sessions.cancel(root.connectionName);
      this.changed.fire(undefined);
      return;
    }
    const target = isExpandable(node) ? node : this.known.get((node as { parentId: string }).parentId);
    if (!target || target.id === ROOT_ID) return this.refresh();
    if (target.kind === 'connection') this.deps.sessions.cancel(target.connectionName);
    this.forget(target.id);
    this.changed.fire(target.kind === 'connection' ? (this.roots.get(target.id) ?? target) : target);
  }

  /** Auth changed: a rotated Workbench token needs nothing; changed definitions or sign-ins reload their subtree. */
  async onAuthChange(change: AuthChange): Promise<void> {
    const affected = (name: string): boolean => !change.connections || change.connections.includes(name);
    if (change.reason === 'workbenchToken') {
      for (const root of this.roots.values()) {
        if (affected(root.connectionName) && this.deps.sessions.state(root.connectionName).status === 'error')
          this.refresh(root);
      }
      return;
    }
    let profiles: readonly ConnectionProfile[] = [];
    try {
      profiles = await this.deps.connections();
    } catch {
      // The roots load reports the problem.
    }
    const next = new Map(profiles.map((p) => [p.name, p]));
    for (const root of [...this.roots.values()]) {
      const name = root.connectionName;
      const now = next.get(name);
      const stale =
        !now ||
        definitionFingerprint(now) !== definitionFingerprint(root.profile) ||
        change.reason === 'signIn' ||
        change.reason === 'signOut' ||
        this.deps.sessions.state(name).status === 'error';
      if (affected(name) && stale) {
        this.forget(root.id);
        await this.deps.sessions.reset(name);
      }
    }
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const load of this.loads.values()) load.controller.abort();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private async loadRoots(): Promise<ConnectionsNode[]> {
    try {
      const all = await this.deps.connections();
      const profiles = [...all.filter((c) => c.source === 'workbench'), ...all.filter((c) => c.source !== 'workbench')];
      const roots = profiles.map(connectionNode);
      this.roots = new Map(roots.map((r) => [r.id, r]));
      await this.signIns.noteRoots(profiles);
      const unusable = (await this.deps.unusable?.()) ?? [];
      return [...roots, ...unusable.map(unusableNode)];
    } catch (err) {
      // Not shown: only the parent of the error node, whose Retry reloads everything.
      const top = { kind: 'connection', id: ROOT_ID, connectionName: '' } as ConnectionNode;
      this.known.set(top.id, top);
      return [errorNode(top, err)];
    }
  }

  /** The connection's browser sign-in has expired (its row says so and offers Sign in again). */
  signInExpired(connectionName: string): boolean {
    return this.signIns.has(connectionName);
  }

  private loaderFor(connectionName: string): CatalogLoader {
    const profile = this.profile(connectionName);
    if (!profile) throw new Error(`The connection "${connectionName}" is gone; refresh the view.`);
    return new CatalogLoader((sql, what, signal, options) =>
      this.deps.sessions.query(profile, sql, { what, signal, ...options }),
    );
  }

  private startLoad(node: Expandable): Load {
    const controller = new AbortController();
    const promise = (async () => {
      try {
        // No change event for the node itself here: VS Code would re-fetch the expanding node and drop the ids of the
        // children it is about to show ("No tree item with id …"). Counts of databases and schemas appear on refresh.
        await this.fetchInto(node, controller.signal);
      } finally {
        if (this.loads.get(node.id)?.controller === controller) this.loads.delete(node.id);
      }
    })();
    const load = { promise, controller };
    this.loads.set(node.id, load);
    return load;
  }

  private async fetchInto(node: Expandable, signal: AbortSignal): Promise<void> {
    if (node.kind === 'schema') {
      const { folders, pages } = await loadSchemaChildren(this.loaderFor(node.connectionName), node, signal);
      if (signal.aborted) return;
      // A filtered folder lists with its filter when it opens, not with the schema's unfiltered first page.
      for (const f of folders.filter((x) => !this.filters.has(x.id)))
        this.entries.set(f.id, { parent: f, nodes: [...(pages.get(f.id)?.nodes ?? [])], next: pages.get(f.id)?.next });
      this.entries.set(node.id, { parent: node, nodes: [...folders] });
      for (const f of folders)
        if (pages.get(f.id)?.next !== undefined && !this.filters.has(f.id)) this.totals.request(f);
      return;
    }
    const page = await this.fetchPage(node, undefined, signal);
    if (signal.aborted) return;
    this.entries.set(node.id, { parent: node, nodes: [...page.nodes], next: page.next });
    if (node.kind === 'folder' && page.next !== undefined && !this.filters.has(node.id)) this.totals.request(node);
  }

  private fetchPage(node: ConnectionsNode, after: string | undefined, signal: AbortSignal): Promise<NodePage> {
    return loadPage(this.loaderFor(node.connectionName), node, after, signal, this.filters.get(node.id));
  }

  private forget(id: string): void {
    for (const [key, load] of this.loads) {
      if (isUnder(key.replace(/#more$/, ''), id)) {
        load.controller.abort();
        this.loads.delete(key);
      }
    }
    for (const key of [...this.entries.keys()]) if (isUnder(key, id)) this.entries.delete(key);
    this.totals.forget(id);
    for (const key of [...this.known.keys()]) if (key !== id && isUnder(key, id)) this.known.delete(key);
  }
}
