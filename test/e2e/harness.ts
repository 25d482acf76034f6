// Drives the packaged extension through the real UI: code-server with the .vsix installed, the emulator behind it,
// headless Chromium. Helpers act as a person would (command palette, clicks, typing) and save screenshots.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RUN_DIR = path.join(ROOT, '.test-runs', 'e2e');

export interface SandboxInfo {
  readonly snowflake: string;
  readonly connect: string;
  readonly plainConnect: string;
  readonly connectApiKey: string;
  readonly passphrase: string;
  readonly home: string;
  readonly workbenchHome: string;
  readonly fingerprints: { readonly keypair: string; readonly encrypted: string };
  readonly keyFiles: { readonly keypair: string; readonly encrypted: string };
  readonly [key: string]: unknown;
}

export class Person {
  private shotIndex = 0;
  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly sandbox: SandboxInfo,
    readonly workspace: string,
    private readonly shotsDir: string,
  ) {}

  /** Saves a screenshot under the run folder, and under media/ when `readmeName` is given. */
  async screenshot(name: string, readmeName?: string): Promise<string> {
    const file = path.join(this.shotsDir, `${String(++this.shotIndex).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    if (readmeName) fs.copyFileSync(file, path.join(ROOT, 'media', readmeName));
    return file;
  }

  /** Runs a command from the command palette by its title, e.g. "Snowflake: Test Connection". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Picks an item of an open quick pick by its visible label. */
  async pick(label: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
  }

  /** Types into an open input box (quick input) and presses Enter. */
  async answer(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for a notification toast containing the text and returns it. */
  async notification(text: string | RegExp, timeout = 30_000): Promise<Locator> {
    const toast = this.page.locator('.notification-toast').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return toast;
  }

  async openSnowflakeView(): Promise<void> {
    await this.page.locator('.activitybar a[aria-label^="Snowflake"], .activitybar .action-label[aria-label^="Snowflake"]').first().click();
    await this.page.locator('.pane-header', { hasText: 'Connections' }).first().waitFor({ state: 'visible' });
  }

  /** A row of the Connections tree whose label contains the text. */
  treeRow(text: string | RegExp): Locator {
    return this.page.locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row').filter({ hasText: text }).first();
  }

  async expand(text: string | RegExp, timeout = 30_000): Promise<void> {
    const row = this.treeRow(text);
    await row.waitFor({ state: 'visible', timeout });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  }

  async waitForText(text: string | RegExp, timeout = 30_000): Promise<Locator> {
    const loc = this.page.getByText(text).first();
    await loc.waitFor({ state: 'visible', timeout });
    return loc;
  }
}

export type Journey = (person: Person) => Promise<void>;
