// Journey 5: browser sign-in from a remote editor. code-server sits behind a host name (its forwarded addresses are
// http://editor.remote.test:<port>/proxy/<port>/, as behind Posit Workbench or a hosted code-server), so the sign-in's
// loopback callback is not reachable and Snowflake's built-in client would refuse the forwarded one. The person clicks
// Sign In in the tree, is told so, pastes the address the browser shows after approving on the consent page (reached
// through code-server's /proxy/), and the tree lists the databases. Then the same connection is set up with a custom
// OAuth client whose redirect is the forwarded address: the browser comes back through the proxy by itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Person, SandboxInfo } from '../harness';

const HOST = 'editor.remote.test';
const NAME = 'oauth_code';

export const env = 'user';
/** The browser resolves the editor's host name to this machine (code-server still listens on 127.0.0.1 only). */
export const chromiumArgs = [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`];

/** A copy of the sandbox's connections (this journey edits oauth_code), and code-server's forwarded addresses named. */
export function editorEnv(sandbox: SandboxInfo, runDir: string, editor: { port: number }): Record<string, string> {
  const home = path.join(runDir, 'snowflake-home');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  for (const f of ['connections.toml', 'config.toml']) fs.copyFileSync(path.join(sandbox.home, f), path.join(home, f));
  for (const f of ['connections.toml', 'config.toml']) fs.chmodSync(path.join(home, f), 0o600);
  return { SNOWFLAKE_HOME: home, VSCODE_PROXY_URI: `http://${HOST}:${editor.port}/proxy/{{port}}/` };
}

/**
 * A picture of the browser tab for the run's record (not an assertion). A tab that just landed on an unreachable
 * address can refuse a capture while Chromium swaps in its error page: wait for it to settle and try again.
 */
async function tabShot(person: Person, tab: Page, name: string): Promise<void> {
  const file = path.join(person.runDir, 'screenshots', `tab-${name}.png`);
  for (let attempt = 1; ; attempt++) {
    await tab.waitForLoadState('load').catch(() => undefined);
    try {
      await tab.screenshot({ path: file });
      return;
    } catch (err) {
      if (attempt === 3) {
        process.stderr.write(`    (no picture of the tab for ${name}: ${(err as Error).message.split('\n')[0]})\n`);
        return;
      }
      await tab.waitForTimeout(500);
    }
  }
}

/** Answers code-server's "open external website?" when it asks, and returns the tab the browser opened. */
async function openedTab(person: Person, trigger: () => Promise<void>): Promise<Page> {
  const opened = person.context.waitForEvent('page', { timeout: 60_000 });
  opened.catch(() => undefined);
  await trigger();
  const confirm = person.page.locator('.monaco-dialog-box a.monaco-button', { hasText: /^Open$/ }).first();
  const asked = await confirm.waitFor({ state: 'visible', timeout: 10_000 }).then(
    () => true,
    () => false,
  );
  if (asked) await confirm.click();
  return opened;
}

/** The consent page, reached through code-server's proxy: checks where it is, then Allow. */
async function approve(person: Person, tab: Page, name: string): Promise<void> {
  await tab.waitForLoadState('domcontentloaded');
  const emulatorPort = new URL(person.sandbox.snowflake).port;
  assert.match(
    tab.url(),
    new RegExp(`^http://${HOST.replace(/\./g, '\\.')}:\\d+/proxy/${emulatorPort}/oauth/authorize\\?`),
    `the authorize page is reached through the editor's proxy: ${tab.url()}`,
  );
  const consent = await tab
    .getByText('Allow access to Snowflake?')
    .waitFor({ state: 'visible', timeout: 30_000 })
    .then(
      () => true,
      () => false,
    );
  assert.ok(consent, `the consent page is shown, not: ${await tab.locator('body').innerText()} (at ${tab.url()})`);
  await tabShot(person, tab, `${name}-consent`);
  await tab.locator('#allow').click();
}

/** The code was exchanged at the token endpoint with PKCE (the verifier sent) and answered with tokens. */
async function expectExchange(person: Person, since: number): Promise<void> {
  const log = await person.emulator<{ method: string; path: string; status: number; body: string }[]>(
    'GET',
    `requests?since=${since}`,
  );
  const exchanges = log.filter((r) => r.method === 'POST' && r.path === '/oauth/token-request');
  assert.equal(exchanges.length, 1, 'one code exchange');
  assert.equal(exchanges[0]!.status, 200);
  const form = new URLSearchParams(exchanges[0]!.body);
  assert.equal(form.get('grant_type'), 'authorization_code');
  assert.ok(form.has('code_verifier'), 'PKCE: the verifier goes with the code');
}

async function expectDatabases(person: Person): Promise<void> {
  await person.expand(person.treeItem(NAME), 60_000);
  for (const db of ['SALES_DB', 'BIG_DB']) await person.treeItem(db).waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await person.treeItem('FINANCE_DB').count(), 0, 'only the role ANALYST’s databases are listed');
}

async function pasteWay(person: Person): Promise<void> {
  const { page } = person;
  await person.openSnowflakeView();
  await person.expand(person.treeItem(NAME), 60_000);
  const signIn = person.treeRow('Sign in to browse this connection');
  await signIn.waitFor({ state: 'visible', timeout: 60_000 });
  await person.screenshot('remote-sign-in-row');
  const since = Date.now();
  await signIn.click();

  // Told that the editor is remote, and offered both ways out.
  await person.waitForText('from a remote editor');
  const widget = page.locator('.quick-input-widget');
  const offer = await widget.innerText();
  const question = (await widget.locator('input.input').first().getAttribute('placeholder')) ?? '';
  assert.match(question, /This editor is remote; Snowflake's built-in client returns only to 127\.0\.0\.1\./);
  assert.match(offer, new RegExp(`http://${HOST.replace(/\./g, '\\.')}:\\d+/proxy/\\d+/`), 'it shows the address');
  await person.screenshot('remote-sign-in-choice');

  let landed = '';
  const tab = await openedTab(person, () => person.pick('Paste the address from the browser'));
  tab.on('request', (r) => {
    if (/^http:\/\/127\.0\.0\.1:\d+\/?\?/.test(r.url())) landed = r.url();
  });
  await approve(person, tab, 'paste');
  // The built-in client sends the browser to a loopback address nobody answers on this side.
  const deadline = Date.now() + 30_000;
  while (!landed && Date.now() < deadline) await tab.waitForTimeout(100);
  assert.match(landed, /\?code=[^&]+&state=/, `the browser was sent to the loopback address: ${landed}`);
  await tabShot(person, tab, 'paste-unreachable');

  // A foreign address is refused with a clear message, the right one signs in.
  const box = page.locator('.quick-input-widget').filter({ hasText: 'paste the address' });
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  const forged = new URL(landed);
  forged.searchParams.set('state', 'from-another-tab');
  const input = box.locator('input.input').first();
  assert.equal(await input.getAttribute('type'), 'text', 'the address box shows what is pasted');
  await input.fill(forged.toString());
  await input.press('Enter');
  await person.waitForText(/its state does not match the one this editor started/);
  await person.screenshot('remote-paste-foreign');
  await input.fill(landed);
  await input.press('Enter');
  await person.notification(
    /Signed in to "oauth_code" as DEMO_USER .*with the address you pasted \(Snowflake's built-in/,
    60_000,
  );
  await tab.close();
  await expectExchange(person, since);
  await expectDatabases(person);
  await person.screenshot('remote-paste-databases');
}

async function customClientWay(person: Person): Promise<void> {
  const { page } = person;
  await person.clearNotifications();
  await person.runCommand('Snowflake: Sign Out');
  await person.notification(/Signed out of "oauth_code"/);
  const since = Date.now();
  await person.runCommand('Snowflake: Sign In');
  const pickConnection = await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: NAME })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 })
    .then(
      () => true,
      () => false,
    );
  if (pickConnection) await person.pick(NAME);
  await person.waitForText('from a remote editor');
  // Chosen with the keyboard: the first item's hover (its detail) covers the second item.
  await person.answer('Set up an OAuth client');

  // The statement for an administrator, with this editor's forwarded address as the redirect.
  await person.waitForText('CREATE SECURITY INTEGRATION', 30_000);
  const sql = await person.editorText();
  const redirect = new RegExp(`OAUTH_REDIRECT_URI = '(http://${HOST.replace(/\./g, '\\.')}:\\d+/proxy/\\d+/)'`).exec(
    sql,
  )?.[1];
  assert.ok(redirect, `the statement names the forwarded redirect:\n${sql}`);
  assert.match(sql, /OAUTH_CLIENT = CUSTOM/);
  assert.match(sql, /OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE/, 'an http address needs the non-TLS switch');
  await person.screenshot('remote-custom-client-sql');
  // The administrator runs it; Snowflake answers a client id and secret.
  const created = await person.emulator<{ clientId: string; clientSecret: string }>('POST', 'oauth/integrations', {
    name: 'POSIT_OAUTH_CODE',
    redirectUri: redirect,
    allowNonTlsRedirect: true,
    enforcePkce: true,
  });
  await person.answerStep(/Set Up OAuth Client for "oauth_code" \(1\/2\)/, created.clientId);
  const tab = await openedTab(person, () =>
    person.answerStep(/Set Up OAuth Client for "oauth_code" \(2\/2\)/, created.clientSecret),
  );
  await approve(person, tab, 'custom');
  // The browser comes back through code-server's proxy to the editor's listener.
  await tab.getByText('Signed in to Snowflake').waitFor({ state: 'visible', timeout: 30_000 });
  assert.ok(tab.url().startsWith(redirect), `the browser returned to the registered address: ${tab.url()}`);
  await tabShot(person, tab, 'custom-returned');
  await person.notification(
    new RegExp(`Signed in to "oauth_code" as DEMO_USER .*\\(OAuth client ${escape(created.clientId)}, returning to`),
    60_000,
  );
  await tab.close();
  const file = fs.readFileSync(path.join(person.runDir, 'snowflake-home', 'connections.toml'), 'utf8');
  assert.ok(file.includes(`oauth_client_id = "${created.clientId}"`), file);
  assert.ok(file.includes(`oauth_redirect_uri = "${redirect}"`), file);
  assert.match(file, /oauth_socket_uri = "http:\/\/127\.0\.0\.1:\d+"/);
  assert.ok(!file.includes(created.clientSecret), 'the client secret is not in the file');
  await expectExchange(person, since);
  await expectDatabases(person);
  await person.screenshot('remote-custom-databases');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function journey(person: Person): Promise<void> {
  await pasteWay(person);
  await customClientWay(person);
}
