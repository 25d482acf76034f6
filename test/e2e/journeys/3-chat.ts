// Journey 3: a chat user picks a Snowflake Cortex model, asks `@snowflake /sql` about the demo schema and gets SQL
// naming its tables, then asks the model a question and watches the answer stream in.
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { monacoText, type Person, type SandboxInfo } from '../harness';

const MODEL = { vendor: 'snowflake-cortex', id: 'claude-sonnet-4-5' };
const MODEL_NAME = /claude-sonnet-4-5|Claude Sonnet 4\.5/i;
const CHOOSE_CORTEX_KEY = 'ctrl+alt+shift+c';

export const env = 'user';

export const settings = { 'workbench.startupEditor': 'none', 'chat.viewSessions.orientation': 'stacked' };

/**
 * The chat's model picker offers only "Sign in to use Copilot" without a Copilot account, so this person binds a key
 * to the chat's own "open with this model" command (workbench.action.chat.open with modelSelector), as the extension's
 * README explains; after that the picker shows the Cortex model and typing in the chat box works.
 */
export function keybindings(_sandbox: SandboxInfo): { key: string; command: string; args?: unknown }[] {
  return [
    { key: CHOOSE_CORTEX_KEY, command: 'workbench.action.chat.open', args: { modelSelector: MODEL, mode: 'ask' } },
  ];
}

function chatView(person: Person): Locator {
  return person.page.locator('.interactive-session').first();
}

/** Types into the chat box and sends, as a person does. */
/**
 * Types a question and sends it. The chat input suggests participants while `@…` is typed; if a suggestion took a
 * keystroke (the input then holds something else, such as `@agent`), the input is cleared and the question typed
 * again, and an open suggestion list is closed first so that Enter sends the question.
 */
async function ask(person: Person, text: string): Promise<void> {
  const input = chatView(person).locator('.interactive-input-part .monaco-editor').first();
  const suggestions = chatView(person).locator('.interactive-input-part .suggest-widget.visible');
  const typed = async (): Promise<string> =>
    ((await input.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await input.click();
    await person.page.keyboard.press('Control+A');
    await person.page.keyboard.press('Backspace');
    await person.page.keyboard.type(text, { delay: 5 });
    if (await suggestions.count()) await person.page.keyboard.press('Escape');
    if ((await typed()) === text) break;
  }
  await person.page.keyboard.press('Enter');
}

function lastResponse(person: Person): Locator {
  return chatView(person).locator('.interactive-item-container.interactive-response').last();
}

async function responseText(person: Person): Promise<string> {
  return (
    (await lastResponse(person)
      .locator('.value')
      .first()
      .textContent()
      .catch(() => '')) ?? ''
  ).replace(/\u00a0/g, ' ');
}

/** Drags the border between the editor and the chat to the left, as a person does to read a wide answer. */
async function widenChat(person: Person): Promise<void> {
  const box = await person.page.locator('.part.auxiliarybar').boundingBox();
  if (!box) throw new Error('the chat view is not on screen');
  const y = box.y + box.height / 2;
  await person.page.mouse.move(box.x - 3, y);
  await person.page.mouse.down();
  await person.page.mouse.move(box.x - 420, y, { steps: 10 });
  await person.page.mouse.up();
  await person.moveMouseAway();
}

export async function journey(person: Person): Promise<void> {
  const { page } = person;

  // A look at the Snowflake view first (it starts the extension, so its models are known), then choose the Cortex
  // model: the chat opens with it in the model picker.
  await person.openSnowflakeView();
  await chatView(person).waitFor({ state: 'visible', timeout: 30_000 });
  const picked = chatView(person).locator('.interactive-input-part').getByText(MODEL_NAME).first();
  for (let i = 0; i < 10 && !(await picked.isVisible()); i++) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
    await page.keyboard.press('Control+Alt+Shift+C');
    await picked.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
  }
  await picked.waitFor({ state: 'visible', timeout: 3_000 });
  await widenChat(person);

  // @snowflake /sql about the demo schema: SQL that names its tables.
  await ask(person, '@snowflake /sql total order amount per customer');
  const answer = lastResponse(person);
  const codeBlock = answer
    .locator('.interactive-result-code-block')
    .filter({ hasText: /SALES_DB\.PUBLIC\.(ORDERS|CUSTOMERS)/ })
    .first();
  await codeBlock.waitFor({ state: 'visible', timeout: 90_000 });
  await answer.getByText('Run Preview').first().waitFor({ state: 'visible', timeout: 30_000 });
  const sql = await monacoText(codeBlock.locator('.view-lines').first());
  assert.match(sql, /\bFROM SALES_DB\.PUBLIC\.(ORDERS|CUSTOMERS)\b/, `the SQL reads a demo table:\n${sql}`);
  assert.match(sql, /SALES_DB\.PUBLIC\.ORDERS/, `the SQL names ORDERS:\n${sql}`);
  assert.match(sql, /SALES_DB\.PUBLIC\.CUSTOMERS/, `the SQL names CUSTOMERS:\n${sql}`);
  await person.clearNotifications();
  // Back in the chat box, ready for the next question (this also puts away the chat tab's focus hover).
  await chatView(person).locator('.interactive-input-part .monaco-editor').first().click();
  await person.moveMouseAway();
  await page.waitForTimeout(500); // the code block's colours arrive a moment after its text
  await person.screenshot('chat-sql', 'screenshot-chat.png');

  // Insert into Editor with app.py as the last editor: the SQL goes into a new SQL document, app.py stays as it was.
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input.input').fill('app.py');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'app.py' }).first().click();
  await page.locator('.tab', { hasText: 'app.py' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await answer.getByText('Insert into Editor').first().click();
  await page
    .locator('.tab.active', { hasText: /Untitled/ })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  const inserted = await person.editorText();
  assert.ok(inserted.trim().startsWith(sql.trim().split('\n')[0]!), `the new document holds the SQL:\n${inserted}`);
  assert.equal(await page.locator('.tab.dirty', { hasText: 'app.py' }).count(), 0, 'app.py was not changed');
  await person.screenshot('sql-inserted');

  // A question answered by the chosen Cortex model, in a stream: the answer grows on screen before it is complete.
  // (It goes through @snowflake: without GitHub Copilot the editor has no default chat agent, and a question with
  // no participant opens Copilot's sign-in.)
  await person.emulator('POST', 'cortex', { frameDelayMs: 40, pieceSize: 12, clear: true });
  await ask(person, '@snowflake Write a long stream 25 of notes about Snowflake');
  const lengths: number[] = [];
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const text = await responseText(person);
    if (lengths[lengths.length - 1] !== text.length) lengths.push(text.length);
    if (/Line 25:/.test(text)) break;
    await page.waitForTimeout(150);
  }
  const final = await responseText(person);
  assert.match(final, /Line 1: .*Line 25:/s, `the whole answer arrived:\n${final.slice(0, 400)}`);
  const partial = lengths.filter((n) => n > 0 && n < final.length);
  assert.ok(partial.length >= 2, `the answer appeared piece by piece (lengths seen: ${lengths.join(', ')})`);
  const { answers } = await person.emulator<{ answers: { model: string; stream: boolean; framesSent: number }[] }>(
    'GET',
    'cortex',
  );
  assert.equal(answers.at(-1)?.model, MODEL.id, 'the answer came from the model chosen in the chat');
  assert.equal(answers.at(-1)?.stream, true, 'the answer was streamed');
  await person.screenshot('chat-streamed-answer');
}
