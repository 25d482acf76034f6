// Journey: a person runs a long statement (SELECT SYSTEM$WAIT), thinks better of it and cancels it. The results panel
// says it was cancelled, and Snowflake (the emulator) was asked to abort it.
import * as assert from 'node:assert/strict';
import type { Person } from '../harness';
import { chooseConnection, openSqlFile, waitForResults } from '../sqlSteps';

export const env = 'user';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

interface Logged {
  readonly at: number;
  readonly method: string;
  readonly path: string;
}

export async function journey(person: Person): Promise<void> {
  await openSqlFile(person, 'wait.sql', 'SELECT SYSTEM$WAIT(120);\n');
  const since = Date.now();
  await person.page.keyboard.press('Control+Enter');
  await chooseConnection(person);
  await waitForResults(person, /Running statement 1 of 1/, 90_000);
  await person.screenshot('long-query-running');

  await person.runCommand('Snowflake: Cancel Query');
  const text = await waitForResults(person, /1 statement: 0 succeeded, cancelled/, 30_000);
  assert.match(text, /Statement 1 · line 1 · cancelled/, text);
  assert.doesNotMatch(text, /Running statement/, 'the panel no longer says it is running');
  await person.screenshot('long-query-cancelled');

  // The driver asked Snowflake to stop the query (abort-request), well before its 120 seconds were up.
  const requests = await person.emulator<Logged[]>('GET', `requests?since=${since}`);
  const aborts = requests.filter((r) => r.method === 'POST' && /\/abort-request$/.test(r.path));
  assert.ok(aborts.length >= 1, `an abort-request reached Snowflake: ${requests.map((r) => r.path).join(', ')}`);
  assert.ok(Date.now() - since < 110_000, 'cancelled before the wait would have ended on its own');
}
