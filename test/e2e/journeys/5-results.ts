// Journey 5: an analyst runs a query over the 1,000,000-row events table from a .sql file (Ctrl+Enter), jumps to the
// last rows of the grid with Ctrl+End, sorts and filters the rows loaded so far, copies a row, and exports the whole
// result to a CSV file through the save dialog.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import type { Person } from '../harness';

export const env = 'user';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

const SQL = 'SELECT EVENT_ID, KIND, AMOUNT FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID;\n';

/** The results panel is a webview: its document is two frames deep. */
function gridFrame(person: Person): FrameLocator {
  return person.page.frameLocator('iframe.webview.ready').first().frameLocator('iframe').first();
}

/** The cells of a grid row as a person reads them: its number, then the values. */
async function cells(row: Locator): Promise<string[]> {
  return row.locator('.cell').allTextContents();
}

async function expectSoon(check: () => Promise<boolean>, what: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Not seen within ${timeout / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function journey(person: Person): Promise<void> {
  const { page } = person;
  await page.setViewportSize({ width: 1400, height: 900 });
  fs.writeFileSync(path.join(person.workspace, 'events.sql'), SQL);
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input.input').fill('events.sql');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'events.sql' }).first().click();
  await page.locator('.tab.active', { hasText: 'events.sql' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await person.runCommand('Snowflake: Choose Connection for This Editor');
  await person.pick(/^keypair/);
  await page.locator('.editor-group-container.active .view-lines').first().click();
  await page.keyboard.press('Control+Enter');

  const grid = gridFrame(person);
  await grid
    .getByText(/Statement 1 · line 1 · succeeded · 1,000,000 rows · query id/)
    .first()
    .waitFor({ state: 'visible', timeout: 120_000 });
  const rows = grid.locator('.grid .rows .row');
  await expectSoon(async () => (await cells(rows.first()))[1] === '1', 'the first row in the grid');
  assert.deepEqual(await cells(rows.first()), ['1', '1', 'view', '0.00']);
  const header = await grid.locator('.grid .row.header').first().innerText();
  assert.match(header, /EVENT_ID\s+NUMBER\(38,0\)/, `the header names the column and its type: ${header}`);
  await person.screenshot('grid-first-rows');

  // Ctrl+End: the last rows arrive from the end of the result.
  await rows.first().locator('.cell').nth(1).click();
  await page.keyboard.press('Control+End');
  await expectSoon(
    async () => (await cells(rows.last()))[1] === '1000000',
    'the last row (EVENT_ID 1000000) on screen',
    60_000,
  );
  assert.deepEqual(await cells(rows.last()), ['1000000', '1000000', 'refund', '999.63']);
  await person.screenshot('grid-last-rows');

  // Sort (EVENT_ID, twice: descending) and filter: they apply to the rows loaded so far, and the grid says so.
  const eventId = grid.locator('.grid .row.header .cell', { hasText: 'EVENT_ID' }).first();
  await eventId.click();
  await eventId.click();
  await expectSoon(async () => (await cells(rows.first()))[1] === '1000000', 'the highest EVENT_ID first');
  await grid.locator('input.filter').first().fill('purchase');
  await expectSoon(async () => (await cells(rows.first()))[2] === 'purchase', 'only purchases');
  for (const r of await rows.all()) {
    const c = await cells(r);
    if (c[1]) assert.equal(c[2], 'purchase', `a filtered row: ${c.join(' | ')}`);
  }
  const note = await grid.locator('.toolbar .note').first().innerText();
  assert.match(note, /Sort and filter apply to the [\d,]+ loaded rows: [\d,]+ shown/, note);
  assert.deepEqual(await cells(rows.first()), ['999999', '999999', 'purchase', '999.26']);

  // Copy the row: tab-separated on the clipboard.
  await person.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await rows.first().locator('.cell').nth(3).click();
  await grid.getByRole('button', { name: 'Copy Row' }).click();
  await page.getByText('Copied the row (tab-separated).').first().waitFor({ state: 'visible', timeout: 10_000 });
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clipboard, '999999\tpurchase\t999.26');
  await person.screenshot('grid-sorted-filtered');

  // Export the whole result (not only the loaded rows) to CSV.
  const file = path.join(person.workspace, 'events.csv');
  await grid.getByRole('button', { name: 'Export CSV…' }).click();
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(file);
  await page.keyboard.press('Enter');
  await person.notification(/Exported 1,000,000 rows to events\.csv/, 180_000);
  await person.screenshot('grid-exported');
  const lines = fs.readFileSync(file, 'utf8').split('\r\n');
  assert.equal(lines.length, 1_000_002, 'a header, a million rows, and nothing after the last line break');
  assert.equal(lines[0], 'EVENT_ID,KIND,AMOUNT');
  assert.equal(lines[1], '1,view,0.00');
  assert.equal(lines[1_000_000], '1000000,refund,999.63');
}
