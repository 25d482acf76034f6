// Journey 2: a newcomer opens the getting-started walkthrough from the Welcome page, adds a connection with an
// encrypted key-pair key through the guided form, types the key's passphrase once, tests the connection (user, role,
// warehouse), sees the walkthrough tick the step, and reads the key's fingerprint in Show Diagnostics.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Person, SandboxInfo } from '../harness';

const NAME = 'analytics';
const WALKTHROUGH_TITLE = 'Get Started with Snowflake for Posit';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const env = 'user';

/**
 * A machine with no Snowflake connection yet (an empty SNOWFLAKE_HOME). The emulator stands where
 * <account>.snowflakecomputing.com would be, so the one connection this person adds is pointed at it with the Snowflake
 * CLI's per-connection variables (they apply only once a connection of that name exists in a file).
 */
export function editorEnv(sandbox: SandboxInfo, runDir: string): Record<string, string> {
  const home = path.join(runDir, 'snowflake-home');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const url = new URL(sandbox.snowflake);
  const prefix = `SNOWFLAKE_CONNECTIONS_${NAME.toUpperCase()}_`;
  return {
    SNOWFLAKE_HOME: home,
    [`${prefix}HOST`]: url.hostname,
    [`${prefix}PORT`]: url.port,
    [`${prefix}PROTOCOL`]: url.protocol.replace(':', ''),
  };
}

/** A walkthrough step shows a filled check once its completion event fired. */
async function isStepDone(step: Locator): Promise<boolean> {
  return step.evaluate((el) => el.querySelector('[data-done-step-id][aria-checked="true"]') !== null);
}

async function expectSoon(check: () => Promise<boolean>, what: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Not seen within ${timeout / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Fails at once, with a clear message, if the editor asks for the key's passphrase again while `work` runs. */
async function withoutPassphrasePrompt<T>(person: Person, what: string, work: () => Promise<T>): Promise<T> {
  const prompt = person.page.locator('.quick-input-widget').filter({ hasText: /passphrase/i });
  const asked = prompt.waitFor({ state: 'visible', timeout: 60_000 }).then(
    () => {
      throw new Error(`${what} asked for the key's passphrase again, although the guided form had stored it`);
    },
    () => new Promise<never>(() => undefined),
  );
  return Promise.race([work(), asked]);
}

export async function journey(person: Person): Promise<void> {
  const { page, sandbox } = person;
  const account = sandbox.workbenchEnv.SNOWFLAKE_ACCOUNT ?? 'sandbox-demo';

  // At 1280×800 with the chat open (the default layout) the editor is too narrow for a step's media: what the step
  // says, and its buttons, are in its description, which stays on screen.
  await page.setViewportSize({ width: 1280, height: 800 });
  // The Welcome page lists the extension's walkthrough; it opens with its title and first step.
  await person.runCommand('Help: Welcome');
  await page.locator('.getting-started-category', { hasText: WALKTHROUGH_TITLE }).first().click();
  await page
    .locator('.gettingStartedSlideDetails .category-title', { hasText: WALKTHROUGH_TITLE })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  const firstStep = page.locator('.getting-started-step', { hasText: 'Connect to Snowflake' }).first();
  await firstStep.waitFor({ state: 'visible' });
  assert.equal(await isStepDone(firstStep), false, 'the first step starts unchecked');
  await firstStep.locator('a.monaco-button', { hasText: 'Add Connection' }).waitFor({ state: 'visible' });
  assert.match(await firstStep.innerText(), /connections\.toml/, 'the step says where the connection goes');
  await person.screenshot('walkthrough');

  // The Snowflake view says there is no connection yet and offers to add one.
  await person.openSnowflakeView();
  await person.waitForText('No Snowflake connection was found.');
  await person.screenshot('no-connection-yet');

  // Add Connection from the walkthrough's first step.
  await firstStep.locator('a.monaco-button', { hasText: 'Add Connection' }).click();

  // The guided form, answered the way a person would: the account pasted from Snowsight's address bar, the public
  // key picked first by mistake, a mistyped passphrase, and a look back before going on.
  const publicKey = path.join(person.runDir, 'rsa_key_encrypted.pub');
  const encryptedPem = fs.readFileSync(sandbox.keyFiles.encrypted, 'utf8');
  fs.writeFileSync(
    publicKey,
    crypto
      .createPublicKey(crypto.createPrivateKey({ key: encryptedPem, format: 'pem', passphrase: sandbox.passphrase }))
      .export({ type: 'spki', format: 'pem' }),
  );
  const [org, accountName] = account.split('-');
  await person.answerStep(/Add Snowflake Connection: name \(1\/7\)/, NAME);
  await person.answerStep(/: account \(2\/7\)/, `https://app.snowflake.com/${org}/${accountName}/#/homepage`);
  await person.waitForText('how do you sign in?');
  await person.screenshot('add-connection-methods');
  await person.pick('Key pair');
  await person.answerStep(/: user \(4\/8\)/, sandbox.user as string);
  await person.answerStep(/: private key file \(5\/8\)/, publicKey);
  await person.waitForText(/is the public key\. Choose the private key/);
  await person.screenshot('add-connection-public-key');
  await person.answerStep(/: private key file \(5\/8\)/, sandbox.keyFiles.encrypted);
  await person.answerStep(/: key passphrase \(6\/9\)/, 'not the passphrase');
  await person.waitForText(/That passphrase does not decrypt/);
  await person.answerStep(/: key passphrase \(6\/9\)/, sandbox.passphrase);
  await person.stepBack(/: role \(optional\) \(7\/9\)/);
  assert.equal(
    await person.stepValue(/: key passphrase \(6\/9\)/),
    sandbox.passphrase,
    'Back shows the passphrase step with the answer kept',
  );
  await person.answerStep(/: key passphrase \(6\/9\)/, sandbox.passphrase);
  await person.answerStep(/: role \(optional\) \(7\/9\)/, 'ANALYST');
  await person.answerStep(/: warehouse \(optional\) \(8\/9\)/, 'DEMO_WH');
  await person.answerStep(/: database \(optional\) \(9\/9\)/, '');

  const added = await person.notification(`Added connection "${NAME}"`);
  await person.screenshot('connection-added');
  const written = fs.readFileSync(path.join(person.runDir, 'snowflake-home', 'connections.toml'), 'utf8');
  assert.match(written, new RegExp(`\\[${NAME}\\]`), 'the connection was written to connections.toml');
  assert.match(written, new RegExp(`account = "${escapeRegExp(account)}"`), 'the Snowsight address became the account');
  assert.doesNotMatch(
    written,
    new RegExp(escapeRegExp(sandbox.passphrase)),
    'the passphrase is not in connections.toml',
  );

  // Test Connection from the notification's button: no second passphrase prompt; who we are on screen.
  await added.locator('a.monaco-button', { hasText: 'Test Connection' }).click();
  const connected = await withoutPassphrasePrompt(person, 'Test Connection', () =>
    person.notification(/Connected to .* as DEMO_USER/, 60_000),
  );
  const text = (await connected.innerText()).replace(/\s+/g, ' ');
  assert.match(
    text,
    new RegExp(`Connected to ${account} as DEMO_USER · ANALYST · DEMO_WH`),
    `the notification names user, role and warehouse: ${text}`,
  );
  await person.screenshot('test-connection');
  await page.locator('.tab', { hasText: 'Walkthrough' }).first().click();
  // Coming back to the tab can show the Welcome page's list again: open the walkthrough from there.
  const card = page.locator('.getting-started-category', { hasText: WALKTHROUGH_TITLE }).first();
  if (await card.isVisible()) await card.click();
  await firstStep.waitFor({ state: 'visible', timeout: 15_000 });
  await expectSoon(
    () => isStepDone(firstStep),
    'the walkthrough ticks "Connect to Snowflake" once a connection is added and tested',
  );
  await person.screenshot('walkthrough-step-done');

  // Show Diagnostics: the key's fingerprint, to compare with DESCRIBE USER.
  await person.runCommand('Snowflake: Show Diagnostics');
  await withoutPassphrasePrompt(person, 'Show Diagnostics', () => person.waitForText(`Connection '${NAME}'`, 60_000));
  await page
    .locator('.editor-instance .view-lines')
    .getByText('fingerprint:')
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  // The report opens as Markdown with wrap on: long lines continue on the next screen line, none is cut off.
  const report = (await person.editorText()).replace(/\n(?!\S)/g, ' ').replace(/\n/g, ' ');
  const compact = report.replace(/\s+/g, '');
  assert.ok(
    compact.includes(`fingerprint:${sandbox.fingerprints.encrypted}`),
    `the report shows the key's fingerprint:\n${report}`,
  );
  assert.ok(
    compact.includes('login:OKasDEMO_USER,roleANALYST,warehouse'), // the line may wrap below the visible lines
    `the report shows the login test:\n${report}`,
  );
  assert.match(report, /passphrase from/, `the report says where the passphrase came from:\n${report}`);
  assert.equal(
    await page.locator('.statusbar-item', { hasText: /^Markdown$/ }).count(),
    1,
    'it is a Markdown document',
  );
  await person.screenshot('show-diagnostics-fingerprint');
}
