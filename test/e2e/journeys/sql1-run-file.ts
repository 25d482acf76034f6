// Journey: a person runs a .sql file of two statements, the second one misspelt. The first statement's rows are in
// the results panel, the run stops at the error with a summary, and the error is marked at its line in the editor
// and listed in Problems.
import * as assert from 'node:assert/strict';
import type { Person } from '../harness';
import { chooseConnection, openSqlFile, waitForResults } from '../sqlSteps';

export const env = 'user';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

const SQL = [
  'SELECT CUSTOMER_ID, NAME FROM SALES_DB.PUBLIC.CUSTOMERS ORDER BY CUSTOMER_ID;',
  '',
  '-- the next statement is misspelt',
  'SELEC 2;',
  '',
].join('\n');

export async function journey(person: Person): Promise<void> {
  const { page } = person;
  await openSqlFile(person, 'two-statements.sql', SQL);
  await person.runCommand('Snowflake: Run File');
  await chooseConnection(person);

  // The summary, as a notification: one statement ran, the second failed at line 4.
  const toast = await person.notification(/2 statements: 1 succeeded, 1 failed \(line 4\)/, 90_000);
  assert.match(await toast.innerText(), /syntax error/i);
  // The results panel: the first statement's status with its row count, then the failure and the summary.
  const text = await waitForResults(person, /2 statements: 1 succeeded, 1 failed \(line 4\)/);
  assert.match(text, /Statement 1 · line 1 · succeeded · \d+ rows/, text);
  assert.match(text, /Statement 2 · line 3 · failed/, text);
  assert.match(text, /syntax error line 2 at position 0 unexpected 'SELEC'/, text);
  await person.screenshot('run-file-results');

  // In the editor, the misspelt word carries the error: a squiggle on line 4, and a row in Problems.
  await page.locator('.editor-group-container .squiggly-error').first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /syntax error/ }).first();
  await problem.waitFor({ state: 'visible', timeout: 15_000 });
  const row = (await problem.innerText()).replace(/\s+/g, ' ');
  assert.match(row, /\[Ln 4, Col 1\]/, `the error is listed at line 4, column 1: ${row}`);
  assert.match(row, /Snowflake/, row);
  await person.screenshot('run-file-problems');
}
