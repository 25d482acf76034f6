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
  /** The user's own Snowflake home (connections.toml with keypair, encrypted_key, pat, oauth_code). */
  readonly env: Record<string, string>;
  /** A Posit Workbench session: SNOWFLAKE_HOME is the Workbench-managed folder with a rotating `[workbench]` token. */
  readonly workbenchEnv: Record<string, string>;
  readonly [key: string]: unknown;
}

/** True when this run refreshes the README's pictures under media/ (`npm run screenshots`). */
export function readmeShots(): boolean {
  return process.env.POSIT_SNOWFLAKE_README_SHOTS === '1';
}

/** What a file in test/e2e/journeys exports. */
export interface JourneyModule {
  readonly journey: Journey;
  /** Whose machine the editor runs on: a Posit Workbench session or a user with their own connections (default). */
  readonly env?: 'workbench' | 'user';
  /**
   * Extra environment for the editor (over the chosen one), e.g. an empty SNOWFLAKE_HOME for a newcomer; `editor.port`
   * is the port code-server will listen on (e.g. for a VSCODE_PROXY_URI that names a host in front of it).
   */
  readonly editorEnv?: (sandbox: SandboxInfo, runDir: string, editor: { port: number }) => Record<string, string>;
  /** Extra Chromium switches, e.g. a host name resolved to 127.0.0.1 (`--host-resolver-rules`). */
  readonly chromiumArgs?: readonly string[];
  /** User settings written before the editor starts. */
  readonly settings?: Record<string, unknown>;
  /** User keybindings (keybindings.json) written before the editor starts. */
  readonly keybindings?: (sandbox: SandboxInfo) => { key: string; command: string; args?: unknown }[];
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

  /** Saves a screenshot under the run folder, and under media/ when `readmeName` is given and readmeShots() is on. */
  async screenshot(name: string, readmeName?: string): Promise<string> {
    const file = path.join(this.shotsDir, `${String(++this.shotIndex).padStart(2, '0')}-${name}.png`);
    await this.page.waitForTimeout(400); // let toasts and hovers finish their fade-in
    await this.page.screenshot({ path: file });
    if (readmeName && readmeShots()) fs.copyFileSync(file, path.join(ROOT, 'media', readmeName));
    return file;
  }

  /**
   * Calls the emulator's control API (`<snowflake>/__emulator/<route>`), e.g. `emulator('POST', 'workbench/rotate')`
   * or `emulator('POST', 'clock', { advanceSeconds: 31 })`. Throws on a non-2xx answer; returns the JSON body.
   */
  async emulator<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE',
    route: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${this.sandbox.snowflake}/__emulator/${route.replace(/^\//, '')}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${route} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Runs a command from the command palette by its title, e.g. "Snowflake: Test Connection" (clicks its row). */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    // The palette sometimes opens inert (focus was in a webview-like editor such as a walkthrough): close, try again.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(`>${title}`, { timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await this.page.keyboard.press('Escape');
        await this.page
          .locator('.monaco-workbench .part.statusbar')
          .click({ position: { x: 5, y: 5 } })
          .catch(() => undefined);
      }
    }
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    const shown = await row.waitFor({ state: 'visible', timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (!shown) {
      // The palette's matcher misses some long "Category: Title" queries (a repeated word); type the title alone.
      await input.fill(`>${title.replace(/^[^:]*:\s*/, '')}`);
      const alone = await row.waitFor({ state: 'visible', timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (!alone) {
        // On a busy machine the extension's commands can reach the palette late: reopen it once they have.
        await this.page.keyboard.press('Escape');
        await this.page.waitForTimeout(5_000);
        await this.page.keyboard.press('F1');
        await input.fill(`>${title}`);
        await row.waitFor({ state: 'visible', timeout: 30_000 });
      }
    }
    await row.click();
  }

  /** The journey's run folder (screenshots, logs, workspace). */
  get runDir(): string {
    return path.dirname(this.shotsDir);
  }

  /**
   * Answers the open input box once its title contains `step`, as a person reads the question before
   * typing. An empty answer presses Enter on an empty box (an optional step skipped).
   */
  async answerStep(step: string | RegExp, text: string): Promise<void> {
    const widget = this.page
      .locator('.quick-input-widget')
      .filter({ has: this.page.locator('.quick-input-title', { hasText: step }) });
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    const input = widget.locator('input.input').first();
    await input.fill(text);
    await input.press('Enter');
  }

  /** The quick input whose title matches, once it is on screen. */
  private async step(step: string | RegExp): Promise<Locator> {
    const widget = this.page
      .locator('.quick-input-widget')
      .filter({ has: this.page.locator('.quick-input-title', { hasText: step }) });
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    return widget;
  }

  /** Presses the Back button of a form's step. */
  async stepBack(step: string | RegExp): Promise<void> {
    const widget = await this.step(step);
    await widget
      .locator('.quick-input-left-action-bar .action-label, .action-label[aria-label^="Back"]')
      .first()
      .click();
    await widget
      .locator('.quick-input-title', { hasText: step })
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
  }

  /** What a form's step shows in its input (the answer kept from before, after Back). */
  async stepValue(step: string | RegExp): Promise<string> {
    return (await this.step(step)).locator('input.input').first().inputValue();
  }

  /**
   * Chooses a file in the editor's file dialog (code-server's quick-input dialog whose title contains `step`): types
   * the path, waits until the dialog lists the file, then presses OK.
   */
  async chooseFile(step: string | RegExp, file: string): Promise<void> {
    const widget = this.page
      .locator('.quick-input-widget')
      .filter({ has: this.page.locator('.quick-input-title', { hasText: step }) });
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    // The dialog fills in its start folder and lists it a moment after it opens; typing before that gets mixed in.
    await widget.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 15_000 });
    const input = widget.locator('input.input').first();
    for (let attempt = 1; ; attempt++) {
      await input.fill(file);
      const listed = await widget
        .locator('.monaco-list-row', { hasText: path.basename(file) })
        .first()
        .waitFor({ state: 'visible', timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
      if (listed && (await input.inputValue()) === file) break;
      if (attempt >= 3)
        throw new Error(`the file dialog did not take the path ${file} (it shows "${await input.inputValue()}")`);
    }
    await widget.locator('.monaco-button', { hasText: 'OK' }).first().click();
    await widget.locator('.quick-input-title', { hasText: step }).waitFor({ state: 'hidden', timeout: 15_000 });
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

  /** Dismisses every notification toast, as a person does before looking at the screen. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page
      .locator('.notification-toast')
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
  }

  async openSnowflakeView(): Promise<void> {
    await this.page
      .locator('.activitybar a[aria-label^="Snowflake"], .activitybar .action-label[aria-label^="Snowflake"]')
      .first()
      .click();
    // With one view in the container its pane header is hidden; the container's title says "Snowflake: Connections".
    await this.page.locator('[id="workbench.view.extension.positSnowflake"]').first().waitFor({ state: 'visible' });
    await this.page
      .locator('.composite.title', { hasText: /Snowflake/ })
      .first()
      .waitFor({ state: 'visible' });
  }

  /** A row of the Connections tree whose label contains the text. */
  treeRow(text: string | RegExp): Locator {
    return this.page
      .locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row')
      .filter({ hasText: text })
      .first();
  }

  /** The row of the Connections tree whose label is exactly `label` (its description is not part of the match). */
  treeItem(label: string): Locator {
    const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return this.page
      .locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
  }

  /** Expands a tree row (a label to find with treeRow, or a row) unless it is expanded already. */
  async expand(text: string | RegExp | Locator, timeout = 30_000): Promise<void> {
    const row = typeof text === 'string' || text instanceof RegExp ? this.treeRow(text) : text;
    await row.waitFor({ state: 'visible', timeout });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await this.moveMouseAway();
  }

  /** Right-clicks a row and chooses an item of its context menu, e.g. "Preview Table". */
  async contextMenu(row: Locator, item: string | RegExp): Promise<void> {
    await row.click({ button: 'right' });
    const entry = this.page
      .locator('.context-view .action-item', { has: this.page.locator('.action-label', { hasText: item }) })
      .first();
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    // A menu ignores a click that comes right after it opened (a guard against accidental picks): pause as a person does.
    await this.page.waitForTimeout(300);
    await entry.hover();
    await entry.click();
    const closed = await this.page
      .locator('.context-view .monaco-menu')
      .first()
      .waitFor({ state: 'hidden', timeout: 3_000 })
      .then(
        () => true,
        () => false,
      );
    if (!closed) await this.page.keyboard.press('Enter');
  }

  /** Moves the pointer to the empty middle of the status bar, so no hover covers what a person clicks or looks at. */
  async moveMouseAway(): Promise<void> {
    const size = this.page.viewportSize() ?? { width: 1400, height: 900 };
    await this.page.mouse.move(size.width / 2, size.height - 4);
  }

  /** The text of the active editor as a person reads it: lines in screen order, non-breaking spaces as spaces. */
  async editorText(): Promise<string> {
    const editor = this.page.locator('.editor-group-container.active .editor-instance .view-lines').first();
    await editor.waitFor({ state: 'visible', timeout: 30_000 });
    return monacoText(editor);
  }

  async waitForText(text: string | RegExp, timeout = 30_000): Promise<Locator> {
    const loc = this.page.getByText(text).first();
    await loc.waitFor({ state: 'visible', timeout });
    return loc;
  }
}

export type Journey = (person: Person) => Promise<void>;

/** The rendered lines of a Monaco editor (an editor, a chat code block) in screen order, with plain spaces. */
export async function monacoText(viewLines: Locator): Promise<string> {
  return viewLines.evaluate((el) =>
    Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n'),
  );
}
