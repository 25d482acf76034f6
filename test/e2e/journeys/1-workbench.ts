// Journey 1: a Posit Workbench user opens the Snowflake view and finds the Workbench-managed connection with nothing
// configured, expands it down to a table's columns and previews the table; Workbench then rotates the token and the
// old one expires, and browsing goes on (refresh, expand again).
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import type { Person } from '../harness';

export const env = 'workbench';

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
  const note = await preview.locator('p').first().innerText();
  assert.match(note, /50 rows|First \d+ rows/, `the preview says how many rows it shows: ${note}`);
  assert.ok((await preview.locator('tbody tr').count()) > 0, 'the preview shows rows');
  await person.moveMouseAway();
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
}
