// What the results-grid journeys share: running a .sql file from the editor with Ctrl+Enter on a chosen connection,
// and reading the grid (a webview, two frames deep) as a person sees it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import type { Person } from './harness';

export const EVENTS_SQL = 'SELECT EVENT_ID, KIND, AMOUNT FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID;\n';

/** The results panel is a webview: its document is two frames deep. */
export function gridFrame(person: Person): FrameLocator {
  return person.page.frameLocator('iframe.webview.ready').first().frameLocator('iframe').first();
}

/** The cells of a grid row as a person reads them: its number, then the values. */
export function cells(row: Locator): Promise<string[]> {
  return row.locator('.cell').allTextContents();
}

export async function expectSoon(check: () => Promise<boolean>, what: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Not seen within ${timeout / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Writes `file` into the workspace, opens it, chooses the connection and runs the statement with Ctrl+Enter. */
export async function runSqlFile(person: Person, file: string, sql: string, connection: string): Promise<void> {
  const { page } = person;
  fs.writeFileSync(path.join(person.workspace, file), sql);
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input.input').fill(file);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: file }).first().click();
  await page.locator('.tab.active', { hasText: file }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await person.runCommand('Snowflake: Choose Connection for This Editor');
  await person.pick(new RegExp(`^${connection}`));
  await page.locator('.editor-group-container.active .view-lines').first().click();
  await page.keyboard.press('Control+Enter');
}
