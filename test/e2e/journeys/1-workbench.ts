// Journey 1: a Posit Workbench user opens the Snowflake view and finds the Workbench-managed connection with nothing
// configured, expands it down to a table's columns and previews the table; Workbench then rotates the token and the
// old one expires, and browsing goes on (refresh, expand again). The same user's own connections (~/.snowflake): an
// encrypted key whose row asks for its passphrase, Set as Default explained, the managed file read-only with its token
// masked; then a token Workbench does not replace, shown in the row with Test Connection's explanation.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import type { Person, SandboxInfo } from '../harness';

export const env = 'workbench';

/** The user's own connections in ~/.snowflake (the sandbox home), beside Workbench's folder. */
export function editorEnv(sandbox: SandboxInfo, runDir: string): Record<string, string> {
  const home = path.join(runDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const own = path.join(home, '.snowflake');
  if (!fs.existsSync(own)) fs.symlinkSync(sandbox.home, own);
  return { HOME: home };
}

export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

/** The preview opens in a webview: its document is two frames deep. */
function previewFrame(person: Person): FrameLocator {
  return person.page.frameLocator('iframe.webview.ready').first().frameLocator('iframe').first();
}

/** Expands the path of rows one after another (each row is found by its exact label below the previous one). */
async function expandPath(person: Person, labels: readonly string[]): Promise<void> {
  for (const label of labels) {
    await person.expand(person.treeItem(label), 60_000);
    await person.page.waitForTimeout(1000);
  }
}

export async function journey(person: Person): Promise<void> {
  const { page } = person;

  // Nothing configured: the Workbench-managed connection is there.
  await person.openSnowflakeView();
  const workbench = person.treeItem('workbench');
  await workbench.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await workbench.innerText(), /Posit Workbench/, 'the connection says it comes from Posit Workbench');

  // Down to columns.
  await expandPath(person, ['workbench', 'SALES_DB', 'PUBLIC', 'Tables', 'CUSTOMERS']);
  await person.treeItem('CUSTOMER_ID').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await person.treeItem('CUSTOMER_ID').innerText(), /NUMBER/, 'a column shows its type');
  assert.match(
    await workbench.innerText(),
    /connected as DEMO_USER · ANALYST/,
    `the connection says who is connected, with the role: ${await workbench.innerText()}`,
  );
  await person.screenshot('tree-columns');

  // Preview a table from its context menu.
  await person.contextMenu(person.treeItem('ORDERS'), 'Preview Table');
  const preview = previewFrame(person);
  await preview
    .getByText(/SALES_DB\.PUBLIC\.ORDERS/)
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  // The preview opens in the results grid: its row count, and rows with their values.
  const note = preview.locator('.grid .toolbar .note').first();
  await note.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await note.innerText(), /^50 rows$/, 'the preview says how many rows it shows');
  const firstRow = preview.locator('.grid .rows .row').first();
  await firstRow.locator('.cell').nth(1).getByText(/^\d+$/).waitFor({ state: 'visible', timeout: 30_000 });
  await person.moveMouseAway();
  // The "Loading Preview…" progress is gone once the rows are on screen (no stale toast in the picture).
  await page
    .locator('.notification-toast', { hasText: /Loading Preview/ })
    .first()
    .waitFor({ state: 'hidden', timeout: 15_000 });
  await person.screenshot('table-preview', 'screenshot-tree.png');

  // Workbench rotates the token, and the old one and its sessions die: refresh and browse again.
  const rotatedAt = Date.now();
  await person.emulator('POST', 'tokens/expire', { masters: true });
  const rotated = await person.emulator<{ rotations: number }>('POST', 'workbench/rotate');
  assert.ok(rotated.rotations >= 2, 'the emulator rotated the Workbench token');
  await person.contextMenu(workbench, /^Refresh$/);
  await expandPath(person, ['workbench', 'SALES_DB', 'PUBLIC', 'Tables', 'PRODUCTS']);
  await person.treeItem('PRODUCT_ID').waitFor({ state: 'visible', timeout: 60_000 });
  const rows = await page.locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row').allInnerTexts();
  assert.ok(
    !rows.some((r) => /error|expired|invalid/i.test(r)),
    `no error in the tree after the rotation:\n${rows.join('\n')}`,
  );
  const logins = await person.emulator<{ method: string; path: string }[]>(
    'GET',
    `requests?server=snowflake&since=${rotatedAt}`,
  );
  assert.ok(
    logins.some((r) => r.method === 'POST' && r.path === '/session/v1/login-request'),
    'the editor logged in again, with the new token (the old one is dead)',
  );
  await person.screenshot('after-rotation');

  // Everything collapsed, as a person tidies the view before looking at the other connections.
  await page
    .locator(
      '[id="workbench.view.extension.positSnowflake"] .action-label[aria-label^="Collapse All"], .composite.title .action-label[aria-label^="Collapse All"]',
    )
    .first()
    .click();
  await person.treeItem('encrypted_key').waitFor({ state: 'visible', timeout: 15_000 });

  // The tooltip shows the account and file as written: no stray backslashes.
  await workbench.hover();
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Account' }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  const tip = await hover.innerText();
  assert.match(tip, /Account: sandbox-demo/, `the tooltip names the account:\n${tip}`);
  assert.doesNotMatch(tip, /\\/, `no backslash in the tooltip:\n${tip}`);
  await person.moveMouseAway();

  // The user's own connection with an encrypted key: the row says what to do, and clicking it asks for the passphrase.
  await person.expand(person.treeItem('encrypted_key'), 30_000);
  const fixRow = person.treeRow(/Set Key Passphrase: /);
  await fixRow.waitFor({ state: 'visible', timeout: 60_000 });
  await untilText(person.treeItem('encrypted_key'), /key passphrase needed/);
  await person.screenshot('error-row-fix');
  const dbRows = async (): Promise<number> =>
    page
      .locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: /^BIG_DB$/ }) })
      .count();
  const before = await dbRows();
  await fixRow.click();
  await person.answerStep('passphrase for connection "encrypted_key"', person.sandbox.passphrase);
  await person.notification('Saved the key passphrase for "encrypted_key"');
  await fixRow.waitFor({ state: 'hidden', timeout: 60_000 });
  await expectCount(dbRows, before + 1, 'the connection lists its databases once the passphrase is set');

  // Its context menu offers the fix commands of its kind; Set as Default explains what Workbench does instead.
  await person.contextMenu(person.treeItem('encrypted_key'), 'Set as Default Connection');
  await person.notification(/default Snowflake connection is "workbench".*nothing was changed/);
  await person.clearNotifications();

  // The Workbench-managed file opens read-only, its token hidden.
  await person.contextMenu(workbench, 'Open Connections File');
  await page.locator('.tab', { hasText: 'read-only' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const managed = await person.editorText();
  assert.match(managed, /token = "\*\*\*"/, `the token is masked:\n${managed}`);
  await person.screenshot('managed-file-masked');

  // Workbench has not written a new token after the old one expired: the row says so, as Test Connection would.
  await person.emulator('POST', 'tokens/expire', { masters: true });
  await person.contextMenu(workbench, /^Refresh$/);
  await person.expand(workbench, 30_000);
  await person
    .treeRow(/has expired and Workbench has not written a new one/)
    .waitFor({ state: 'visible', timeout: 60_000 });
  await untilText(workbench, /token expired \(390318\)/);
  const tree = await page.locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row').allInnerTexts();
  assert.ok(!tree.some((r) => /terminated connection/i.test(r)), `no driver text in the tree:\n${tree.join('\n')}`);
  await person.screenshot('expired-workbench-token');
  await person.emulator('POST', 'workbench/rotate');
}

async function expectCount(count: () => Promise<number>, want: number, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await count()) !== want) {
    if (Date.now() > deadline) throw new Error(`${what}: ${await count()} rows, expected ${want}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until a row's text (label and description) matches, as a person waits for the view to settle. */
async function untilText(row: Locator, want: RegExp): Promise<void> {
  const deadline = Date.now() + 30_000;
  let text = '';
  while (!want.test((text = await row.innerText()))) {
    if (Date.now() > deadline) throw new Error(`the row says "${text}", not ${String(want)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
