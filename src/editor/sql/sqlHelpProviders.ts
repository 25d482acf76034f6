// SQL help in Snowflake SQL editors: completion of database, schema, table, view and column names, and a hover with a
// table's columns, on the editor's chosen connection. The core decides what to offer; this file only maps to vscode.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import { CatalogLoader } from '../../core/snowflake/catalogLoader';
import { connectionIdentifier } from '../../core/snowflake/identifiers';
import type { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { completionContextAt } from '../../core/sqlHelp/completionContext';
import { SqlCatalog, type LoadedCatalog } from '../../core/sqlHelp/sqlCatalog';
import { hoverTargetAt, tableHoverMarkdown } from '../../core/sqlHelp/sqlHover';
import { suggest, type NameDefaults, type SuggestionKind } from '../../core/sqlHelp/sqlSuggestions';
import type { Logger } from '../../core/shared/logger';

/** The languages run as Snowflake SQL: plain SQL files, and the Snowflake extension's own language id. */
export const SNOWFLAKE_SQL: vscode.DocumentSelector = [{ language: 'sql' }, { language: 'snowflake-sql' }];

export interface SqlHelpDeps {
  readonly auth: Pick<AuthService, 'connections'>;
  readonly sessions: Pick<SqlSessionManager, 'query' | 'onDidChangeState'>;
  readonly log: Logger;
  /** The connection chosen for a document, if one was (help never asks for one). */
  readonly chosen: (doc: vscode.TextDocument) => string | undefined;
  /** What the Connections tree has loaded under a connection. */
  readonly loaded?: (connection: string) => LoadedCatalog;
  /** Fires when the tree reloads something, so help forgets what it loaded itself. */
  readonly onDidChangeCatalog?: (listener: () => void) => vscode.Disposable;
}

const KINDS: Record<SuggestionKind, vscode.CompletionItemKind> = {
  database: vscode.CompletionItemKind.Module,
  schema: vscode.CompletionItemKind.Folder,
  table: vscode.CompletionItemKind.Struct,
  view: vscode.CompletionItemKind.Interface,
  column: vscode.CompletionItemKind.Field,
};

export function registerSqlHelp(deps: SqlHelpDeps): vscode.Disposable[] {
  const catalogs = new Map<string, SqlCatalog>();
  const forget = (): void => catalogs.forEach((c) => c.clear());

  const target = async (
    doc: vscode.TextDocument,
  ): Promise<{ catalog: SqlCatalog; defaults: NameDefaults } | undefined> => {
    const name = deps.chosen(doc);
    if (name === undefined) return undefined;
    const profile = (await deps.auth.connections()).connections.find((p) => p.name === name);
    if (!profile) return undefined;
    let catalog = catalogs.get(name);
    if (!catalog) {
      catalog = new SqlCatalog(catalogLoader(deps.sessions, profile), deps.loaded?.(name));
      catalogs.set(name, catalog);
    }
    return { catalog, defaults: defaultsOf(profile) };
  };

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(doc, position) {
      const ctx = completionContextAt(doc.getText(), doc.offsetAt(position));
      const t = ctx && (await target(doc));
      if (!ctx || !t) return undefined;
      const found = await suggest(ctx, t.catalog, t.defaults).catch((err: unknown) => {
        deps.log.debug(`SQL completion: ${(err as Error).message}`);
        return undefined;
      });
      if (!found) return undefined;
      const range = new vscode.Range(doc.positionAt(found.replaceStart), position);
      const items = found.items.map((s) => {
        const item = new vscode.CompletionItem({ label: s.label, description: s.detail }, KINDS[s.kind]);
        item.insertText = s.insertText;
        item.filterText = s.filterText;
        item.sortText = s.sortText;
        item.range = range;
        if (s.detail) item.detail = s.detail;
        return item;
      });
      return new vscode.CompletionList(items, found.incomplete);
    },
  };

  const hover: vscode.HoverProvider = {
    async provideHover(doc, position) {
      const t = await target(doc);
      if (!t) return undefined;
      const at = hoverTargetAt(doc.getText(), doc.offsetAt(position), t.defaults);
      if (!at) return undefined;
      const columns = await t.catalog.columns(...at.table);
      if (!columns) return undefined;
      return new vscode.Hover(
        new vscode.MarkdownString(tableHoverMarkdown(at.table, columns)),
        new vscode.Range(doc.positionAt(at.start), doc.positionAt(at.end)),
      );
    },
  };

  return [
    vscode.languages.registerCompletionItemProvider(SNOWFLAKE_SQL, completion, '.', '"'),
    vscode.languages.registerHoverProvider(SNOWFLAKE_SQL, hover),
    deps.sessions.onDidChangeState(forget),
    ...(deps.onDidChangeCatalog ? [deps.onDidChangeCatalog(forget)] : []),
  ];
}

function catalogLoader(sessions: SqlHelpDeps['sessions'], profile: ConnectionProfile): CatalogLoader {
  return new CatalogLoader((sql, what, signal, options) => sessions.query(profile, sql, { what, signal, ...options }));
}

/** Unqualified names resolve in the connection's database and schema (as the session starts in them). */
function defaultsOf(p: ConnectionProfile): NameDefaults {
  return {
    ...(p.database ? { database: connectionIdentifier(p.database) } : {}),
    ...(p.schema ? { schema: connectionIdentifier(p.schema) } : {}),
  };
}
