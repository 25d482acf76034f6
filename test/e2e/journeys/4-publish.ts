// Journey 4: a publisher opens the sample Streamlit app and publishes it to the Posit Connect that runs inside
// Snowflake: adds the server (its URL, a Snowflake connection that opens the ingress, the API key), gives the title,
// ticks the Snowflake viewer OAuth integration, reviews the files, watches the progress, reads Connect's task lines in
// the deployment log, and gets the success message and the content URL.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monacoText, type Person } from '../harness';

export const env = 'user';

export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

const TASK_LINES = ['Building bundle', 'Installing packages from the manifest', 'Content is running'];

/** The text of the Output panel's editor (the deployment log), lines in screen order. */
async function outputText(person: Person): Promise<string> {
  const lines = person.page
    .locator('.part.panel .output-view .view-lines, .part.panel .editor-instance .view-lines')
    .first();
  await lines.waitFor({ state: 'visible', timeout: 30_000 });
  return monacoText(lines);
}

/** Drags the border above the panel upwards, as a person does to read the whole log. */
async function tallerPanel(person: Person): Promise<void> {
  const box = await person.page.locator('.part.panel').boundingBox();
  if (!box) return;
  const x = box.x + box.width / 2;
  await person.page.mouse.move(x, box.y - 2);
  await person.page.mouse.down();
  await person.page.mouse.move(x, box.y - 220, { steps: 10 });
  await person.page.mouse.up();
  await person.moveMouseAway();
}

export async function journey(person: Person): Promise<void> {
  const { page, sandbox } = person;
  const host = new URL(sandbox.connect).host;

  // Open the app the way a person does: from the Explorer.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'app.py' }).first().click();
  await page.locator('.tab', { hasText: 'app.py' }).first().waitFor({ state: 'visible', timeout: 30_000 });

  // Publish; with no server yet, the command adds one first.
  await person.runCommand('Posit Connect: Publish to Posit Connect');
  await person.answerStep(/Add Connect Server: address \(1\/3\)/, sandbox.connect);
  await person.pick('Posit Connect inside Snowflake');
  await person.waitForText(/Snowflake connection for the ingress \(3\/4\)/);
  await person.screenshot('ingress-connection');
  await person.pick(/^keypair/);
  // A key pasted wrong: the form says so and asks for the key alone; the publish goes on after the right one.
  await person.answerStep(/: API key \(4\/4\)/, 'not-a-connect-api-key');
  await person.waitForText(/Check the key, or go Back/, 60_000);
  await person.screenshot('wrong-api-key');
  // Connect answers slowly for a moment, so the progress can be seen (as on a real deployment).
  await person.emulator('POST', 'faults', {
    server: 'ingress',
    route: 'GET /__api__/v1/tasks/:id',
    delayMs: 800,
    times: 5,
  });
  await person.answerStep(/: API key \(4\/4\)/, sandbox.connectApiKey);
  const who = await person.notification(`Connected to ${host} as`, 60_000);
  assert.match(
    await who.innerText(),
    /through Snowflake connection 'keypair'/,
    'the server check says which Snowflake connection opened the ingress',
  );

  // The title (the folder is only 'workspace', so the suggestion says what the content is), the OAuth integration the
  // app uses to query Snowflake as each viewer, then the review of files and manifest.
  await person.answerStep('Publish: content title', 'Sales dashboard');
  await person.waitForText('Snowflake (viewer)');
  await person.screenshot('integrations');
  // Tick its checkbox, at the row's left edge (the middle shows a hover over the description).
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: 'Snowflake (viewer)' })
    .first()
    .click({ position: { x: 14, y: 12 } });
  await page
    .locator('.quick-input-widget .monaco-list-row[aria-checked="true"]', { hasText: 'Snowflake (viewer)' })
    .waitFor({ state: 'visible', timeout: 10_000 });
  await person.answer('');
  await person.waitForText('Show the files and manifest.json');
  await person.screenshot('review');
  await person.pick(/^Deploy(?! as)/);

  // Progress while Connect builds and starts the app.
  const progress = await person.notification(/Publishing workspace to/, 60_000);
  await person.screenshot('publish-progress');
  assert.ok(await progress.isVisible(), 'the progress notification is on screen while publishing');

  // Success, then the deployment log with Connect's task lines and the content URL.
  const done = await person.notification(/Published workspace to/, 120_000);
  await done.locator('a.monaco-button', { hasText: 'Open Content' }).waitFor({ state: 'visible' });
  await person.screenshot('published-notification');
  await person.runCommand('Posit Connect: Show Deployment Log');
  await page.locator('.part.panel').getByText('Deployed:').first().waitFor({ state: 'visible', timeout: 30_000 });
  const log = await outputText(person);
  for (const line of TASK_LINES)
    assert.ok(log.includes(line), `the deployment log shows Connect's task line "${line}":\n${log}`);
  const url = /Deployed: (\S+)/.exec(log)?.[1];
  assert.ok(url && url.startsWith(`${sandbox.connect}/content/`), `the log names the content URL:\n${log}`);
  await person.clearNotifications();
  await tallerPanel(person);
  await person.screenshot('deployment-log', 'screenshot-publish.png');

  // Open Deployed Content: the browser opens the content URL (the editor may ask before opening an external site).
  const opened = person.context.waitForEvent('page', { timeout: 30_000 });
  opened.catch(() => undefined); // awaited below; this keeps a timeout from surfacing as an unhandled rejection
  await person.runCommand('Posit Connect: Open Deployed Content');
  const confirm = page.locator('.monaco-dialog-box a.monaco-button', { hasText: /^Open$/ }).first();
  if (
    await confirm.waitFor({ state: 'visible', timeout: 10_000 }).then(
      () => true,
      () => false,
    )
  ) {
    await person.screenshot('open-external-confirm');
    await confirm.click();
  }
  const tab = await opened;
  await tab.waitForLoadState('domcontentloaded').catch(() => undefined);
  const contentPath = new URL(url).pathname;
  const ingressLog = await person.emulator<{ method: string; path: string; status: number }[]>(
    'GET',
    'requests?server=ingress',
  );
  assert.ok(
    ingressLog.some((r) => r.method === 'GET' && r.path === contentPath),
    `the browser asked the ingress for ${contentPath}`,
  );
  assert.ok(
    ingressLog.some((r) => r.method === 'PUT' && /\/oauth\/integrations\/associations$/.test(r.path) && r.status < 300),
    'the content was associated with the OAuth integration the person ticked',
  );
  // Snowflake's ingress sends a browser without a Snowflake session to sign in first, as on a real account.
  assert.match(
    tab.url(),
    /\/oauth\/authorize\?.*sfc-endpoint%2Fcallback/,
    `the ingress asked the browser to sign in to Snowflake: ${tab.url()}`,
  );
  await tab.close();

  // The deployment is recorded, so the next publish updates the same content.
  const records = fs.readdirSync(path.join(person.workspace, '.posit', 'publish', 'deployments'));
  assert.equal(records.length, 1, 'one deployment record in .posit/publish/deployments');
}
