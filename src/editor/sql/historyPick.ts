// "Snowflake: Query History": the statements run from the editor, newest first; pick one to run again or open it.
import * as vscode from 'vscode';
import type { HistoryEntry, QueryHistory } from '../../core/snowflake/queryHistory';
import { formatElapsed } from '../../core/snowflake/scriptRunner';

export interface HistoryChoice {
  readonly entry: HistoryEntry;
  readonly action: 'run' | 'open';
}

function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() && !/^\s*(--|\/\/)/.test(l)) ?? sql;
  return line.trim().slice(0, 120);
}

/** Asks for an entry and what to do with it. */
export async function showHistory(history: QueryHistory): Promise<HistoryChoice | undefined> {
  const entries = history.entries();
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('No statements have been run from a SQL editor in this workspace yet.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    entries.map((e) => ({
      label: firstLine(e.statement),
      description: [e.status, e.rows !== undefined ? `${e.rows} rows` : '', formatElapsed(e.elapsedMs)]
        .filter(Boolean)
        .join(' · '),
      detail: [e.connection, new Date(e.at).toLocaleString(), e.queryId ? `query id ${e.queryId}` : '', e.error ?? '']
        .filter(Boolean)
        .join(' · '),
      entry: e,
    })),
    { title: 'Snowflake: Query History', placeHolder: 'Pick a statement', matchOnDetail: true },
  );
  if (!pick) return undefined;
  const action = await vscode.window.showQuickPick(
    [
      { label: 'Run Again', description: `on ${pick.entry.connection}`, action: 'run' as const },
      { label: 'Open in Editor', action: 'open' as const },
    ],
    { title: firstLine(pick.entry.statement) },
  );
  return action ? { entry: pick.entry, action: action.action } : undefined;
}
