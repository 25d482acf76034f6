// Steps the SQL journeys share: open a .sql file of the workspace as a person does, answer which connection it runs
// on, and read what the results panel says (its text, in whatever frames the webview draws it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Person } from './harness';

/** Writes `name` into the workspace and opens it with Go to File. */
export async function openSqlFile(person: Person, name: string, sql: string): Promise<void> {
  fs.writeFileSync(path.join(person.workspace, name), sql);
  const { page } = person;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

/** The first run of a document asks which connection it runs on: the person picks `name`. */
export async function chooseConnection(person: Person, name = 'keypair'): Promise<void> {
  const title = person.page.locator('.quick-input-title', { hasText: 'Snowflake connection for this editor' });
  await title.waitFor({ state: 'visible', timeout: 30_000 });
  await person.answer(name);
}

/** Everything the results panel shows as text now ('' while it is not open). */
export async function resultsText(person: Person): Promise<string> {
  const texts: string[] = [];
  for (const frame of person.page.frames()) {
    if (frame === person.page.mainFrame()) continue;
    const text = await frame.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '');
    if (text) texts.push(text);
  }
  return texts.join('\n').replace(/\u00a0/g, ' ');
}

/** Waits until the results panel's text matches, and returns it. */
export async function waitForResults(person: Person, re: RegExp, timeout = 60_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await resultsText(person);
    if (re.test(text)) return text;
    await person.page.waitForTimeout(300);
  }
  throw new Error(`The results panel never showed ${re}; it shows:\n${text}`);
}
