// Journey: a person runs a statement, later finds it in Query History and runs it again: the re-run's result appears
// in the results panel, and the history then holds both runs.
import * as assert from 'node:assert/strict';
import type { Person } from '../harness';
import { chooseConnection, openSqlFile, waitForResults } from '../sqlSteps';

export const env = 'user';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

const STATEMENT = "SELECT 42 AS ANSWER, 'again' AS WORD";

export async function journey(person: Person): Promise<void> {
  const { page } = person;
  await openSqlFile(person, 'answer.sql', `${STATEMENT};\n`);
  await person.runCommand('Snowflake: Run File');
  await chooseConnection(person);
  await waitForResults(person, /1 statement: 1 succeeded/, 90_000);
  await page
    .locator('.tab', { hasText: /^Results: answer\.sql/ })
    .first()
    .waitFor({ state: 'visible' });

  // Query History lists it; Run Again runs it on its connection into the panel.
  await person.runCommand('Snowflake: Query History');
  await page.locator('.quick-input-title', { hasText: 'Snowflake: Query History' }).waitFor({ state: 'visible' });
  const rows = page.locator('.quick-input-widget .monaco-list-row', { hasText: STATEMENT });
  assert.equal(await rows.count(), 1, 'one run in the history so far');
  assert.match((await rows.first().innerText()).replace(/\s+/g, ' '), /succeeded · 1 rows/);
  await person.screenshot('query-history');
  await rows.first().click();
  await person.pick('Run Again');

  // The panel now shows the re-run, titled as a history run.
  await page
    .locator('.tab', { hasText: 'Results: history (keypair)' })
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  const text = await waitForResults(person, /1 statement: 1 succeeded/);
  assert.match(text, /Statement 1 · line 1 · succeeded · 1 row\b/, text);
  assert.match(text, /ANSWER/, text);
  await person.screenshot('history-rerun');

  // Both runs are in the history now, the newest first.
  await person.runCommand('Snowflake: Query History');
  await page.locator('.quick-input-title', { hasText: 'Snowflake: Query History' }).waitFor({ state: 'visible' });
  await rows.nth(1).waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await rows.count(), 2, 'the re-run was recorded too');
  await page.keyboard.press('Escape');
}
