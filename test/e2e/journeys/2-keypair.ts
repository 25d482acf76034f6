// Journey 2: a newcomer with an encrypted key-pair key adds a connection through the guided form, types the key's
// passphrase once, tests the connection (user, role, warehouse) and reads the key's fingerprint in Show Diagnostics.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Person, SandboxInfo } from '../harness';

const NAME = 'analytics';

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
  return { SNOWFLAKE_HOME: home, [`${prefix}HOST`]: url.hostname, [`${prefix}PORT`]: url.port, [`${prefix}PROTOCOL`]: url.protocol.replace(':', '') };
}

/** Fails at once, with a clear message, if the editor asks for the key's passphrase again while `work` runs. */
async function withoutPassphrasePrompt<T>(person: Person, what: string, work: () => Promise<T>): Promise<T> {
  const prompt = person.page.locator('.quick-input-widget').filter({ hasText: /passphrase/i });
  const asked = prompt.waitFor({ state: 'visible', timeout: 60_000 }).then(
    () => { throw new Error(`${what} asked for the key's passphrase again, although the guided form had stored it`); },
    () => new Promise<never>(() => undefined),
  );
  return Promise.race([work(), asked]);
}

export async function journey(person: Person): Promise<void> {
  const { page, sandbox } = person;
  const account = sandbox.workbenchEnv.SNOWFLAKE_ACCOUNT ?? 'sandbox-demo';

  // The Snowflake view says there is no connection yet and offers to add one.
  await person.openSnowflakeView();
  await person.waitForText('No Snowflake connection was found.');
  await person.screenshot('no-connection-yet');
  await page.locator('[id="workbench.view.extension.positSnowflake"] a.monaco-button', { hasText: 'Add Connection' }).first().click();

  // The guided form, answered the way a person would.
  await person.answerStep('name', NAME);
  await person.answerStep('account', account);
  await person.waitForText('how do you sign in?');
  await person.screenshot('add-connection-methods');
  await person.pick('Key pair');
  await person.answerStep('user', sandbox.user as string);
  await person.chooseFile('private key file', sandbox.keyFiles.encrypted);
  await person.answerStep('key passphrase', sandbox.passphrase);
  await person.answerStep('role', 'ANALYST');
  await person.answerStep('warehouse', 'DEMO_WH');
  await person.answerStep('database', '');

  const added = await person.notification(`Added connection "${NAME}"`);
  await person.screenshot('connection-added');
  const written = fs.readFileSync(path.join(person.runDir, 'snowflake-home', 'connections.toml'), 'utf8');
  assert.match(written, new RegExp(`\\[${NAME}\\]`), 'the connection was written to connections.toml');
  assert.doesNotMatch(written, new RegExp(escapeRegExp(sandbox.passphrase)), 'the passphrase is not in connections.toml');

  // Test Connection from the notification's button: no second passphrase prompt; who we are on screen.
  await added.locator('a.monaco-button', { hasText: 'Test Connection' }).click();
  const connected = await withoutPassphrasePrompt(person, 'Test Connection', () => person.notification(/Connected to .* as DEMO_USER/, 60_000));
  const text = (await connected.innerText()).replace(/\s+/g, ' ');
  assert.match(text, new RegExp(`Connected to ${account} as DEMO_USER · ANALYST · DEMO_WH`), `the notification names user, role and warehouse: ${text}`);
  await person.screenshot('test-connection');

  // Show Diagnostics: the key's fingerprint, to compare with DESCRIBE USER.
  await person.runCommand('Snowflake: Show Diagnostics');
  await withoutPassphrasePrompt(person, 'Show Diagnostics', () => person.waitForText(`Connection '${NAME}'`, 60_000));
  await page.locator('.editor-instance .view-lines').getByText(sandbox.fingerprints.encrypted).first().waitFor({ state: 'visible', timeout: 30_000 });
  const report = await person.editorText();
  assert.match(report, new RegExp(`fingerprint: ${escapeRegExp(sandbox.fingerprints.encrypted)}`), `the report shows the key's fingerprint:\n${report}`);
  assert.match(report, /login: OK as DEMO_USER, role ANALYST, warehouse DEMO_WH/, `the report shows the login test:\n${report}`);
  assert.match(report, /passphrase from/, `the report says where the passphrase came from:\n${report}`);
  await person.screenshot('show-diagnostics-fingerprint');
}
