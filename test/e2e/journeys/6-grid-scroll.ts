// Journey 6: an analyst runs a query over the 1,000,000-row events table from a .sql file (Ctrl+Enter), jumps to the
// last rows of the grid with Ctrl+End, sorts and filters the rows loaded so far, and copies a row.
import * as assert from 'node:assert/strict';
import type { Person } from '../harness';
import { EVENTS_SQL, cells, expectSoon, gridFrame, runSqlFile } from '../resultsGrid';

export const env = 'user';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

export async function journey(person: Person): Promise<void> {
  const { page } = person;
  await page.setViewportSize({ width: 1400, height: 900 });
  await runSqlFile(person, 'events.sql', EVENTS_SQL, 'keypair');

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
  await person.screenshot('grid-last-rows', 'screenshot-sql.png');

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
}
