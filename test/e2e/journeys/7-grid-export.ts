// Journey 7: an analyst exports a 1,000,000-row result from the grid. The first CSV export is cancelled from its
// progress notification (no file is left behind), then the whole result is exported as JSON and as CSV through the
// save dialog; the files hold every row.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Person } from '../harness';
import { EVENTS_SQL, expectSoon, gridFrame, runSqlFile } from '../resultsGrid';

export const env = 'user';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

/** Clicks one of the grid's export buttons and answers the save dialog with `file`. */
async function exportAs(person: Person, button: 'Export CSV…' | 'Export JSON…', file: string): Promise<void> {
  await gridFrame(person).getByRole('button', { name: button }).click();
  const input = person.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  // The dialog fills in its suggested path a moment after it opens; typing before that mixes the two.
  const ext = path.extname(file);
  await expectSoon(async () => (await input.inputValue()).endsWith(ext), 'the save dialog suggests a file name');
  await input.fill(file);
  await expectSoon(async () => (await input.inputValue()) === file, 'the path typed into the save dialog');
  await person.page.keyboard.press('Enter');
}

/** Exported files and partial files in the folder. */
const leftovers = (dir: string): string[] =>
  fs.readdirSync(dir).filter((f) => /^events\.(csv|json)$|\.partial$/.test(f));

export async function journey(person: Person): Promise<void> {
  const { page } = person;
  await page.setViewportSize({ width: 1400, height: 900 });
  await runSqlFile(person, 'events.sql', EVENTS_SQL, 'keypair');
  await gridFrame(person)
    .getByText(/Statement 1 · line 1 · succeeded · 1,000,000 rows/)
    .first()
    .waitFor({ state: 'visible', timeout: 120_000 });
  const dir = person.workspace;
  const csv = path.join(dir, 'events.csv');

  // Cancelled from the progress notification: neither the file nor a partial file stays.
  await exportAs(person, 'Export CSV…', csv);
  const progress = page.locator('.notification-toast', { hasText: 'Exporting CSV' }).first();
  await progress.waitFor({ state: 'visible', timeout: 30_000 });
  assert.deepEqual(
    leftovers(dir).filter((f) => !f.endsWith('.partial')),
    [],
    'the CSV is written aside until done',
  );
  await person.screenshot('export-progress');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await progress.waitFor({ state: 'hidden', timeout: 30_000 });
  await expectSoon(async () => leftovers(dir).length === 0, 'no file left after the cancel', 60_000).catch((err) => {
    throw new Error(`${(err as Error).message}; the folder holds ${fs.readdirSync(dir).join(', ')}`);
  });
  assert.equal(await page.getByText(/Exported [\d,]+ rows/).count(), 0, 'no export was reported');

  // JSON: an array of objects, numbers as numbers.
  const json = path.join(dir, 'events.json');
  await exportAs(person, 'Export JSON…', json);
  await person.notification(/Exported 1,000,000 rows to events\.json/, 240_000);
  const objects = JSON.parse(fs.readFileSync(json, 'utf8')) as Record<string, unknown>[];
  assert.equal(objects.length, 1_000_000);
  assert.deepEqual(objects[0], { EVENT_ID: 1, KIND: 'view', AMOUNT: 0 });
  assert.deepEqual(objects.at(-1), { EVENT_ID: 1_000_000, KIND: 'refund', AMOUNT: 999.63 });
  await person.clearNotifications();

  // CSV (RFC 4180): a header, then one line per row, CRLF line ends.
  await exportAs(person, 'Export CSV…', csv);
  await person.notification(/Exported 1,000,000 rows to events\.csv/, 240_000);
  await person.screenshot('export-done');
  const lines = fs.readFileSync(csv, 'utf8').split('\r\n');
  assert.equal(lines.length, 1_000_002, 'a header, a million rows, and nothing after the last line break');
  assert.equal(lines[0], 'EVENT_ID,KIND,AMOUNT');
  assert.equal(lines[1], '1,view,0.00');
  assert.equal(lines[1_000_000], '1000000,refund,999.63');
  assert.deepEqual(leftovers(dir).sort(), ['events.csv', 'events.json']);
}
