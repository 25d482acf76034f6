// What the integration runner tells the editor about the emulator and the sandbox Snowflake home, plus small helpers
// for the suites: the emulator's control API, the test host's doors (raw SecretStorage, sessions, the tree), waiting on
// connections.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PositSnowflakeApi, PublicConnection } from '../../../src/api';
import type { SecretKind } from '../../../src/core/auth/secretStore';
import type { TestDoors, TestHostApi } from '../host/extension';

export const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

export interface SandboxInfo {
  readonly snowflake: string;
  readonly home: string;
  readonly passphrase: string;
  readonly pat: string;
  readonly user: string;
  readonly keyFiles: { readonly keypair: string; readonly encrypted: string };
  readonly fingerprints: { readonly keypair: string; readonly encrypted: string };
  readonly connectionNames: readonly string[];
}

export function sandbox(): SandboxInfo {
  const raw = process.env.POSIT_SNOWFLAKE_SANDBOX;
  assert.ok(raw, 'the runner passes POSIT_SNOWFLAKE_SANDBOX');
  return JSON.parse(raw) as SandboxInfo;
}

export async function api(): Promise<PositSnowflakeApi> {
  const ext = vscode.extensions.getExtension<PositSnowflakeApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  return ext.activate();
}

/** Keeps the sandbox's connections.toml as it was before the suite: read in `before`, written back in `after`. */
export function keepConnectionsFile(): void {
  const file = (): string => path.join(sandbox().home, 'connections.toml');
  let original: Buffer | undefined;
  before(async () => {
    await api();
    original = await fsp.readFile(file());
  });
  after(async () => {
    if (!original) return;
    // Put back in one step (a truncated file read by the watcher would list no connections for a moment), then wait
    // until the extension lists the file's connections again, so the next suite does not start on a stale list.
    const temp = `${file()}.restore`;
    await fsp.writeFile(temp, original, { mode: 0o600 });
    await fsp.rename(temp, file());
    const names = [...original.toString('utf8').matchAll(/^\[([^\]\s]+)\]/gm)].map((m) => m[1]!);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const listed = new Set((await (await api()).listConnections()).map((c) => c.name));
      if (names.every((n) => listed.has(n))) return;
      if (Date.now() > deadline)
        throw new Error(`the restored connections.toml is not listed again: ${names.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/** POSTs to the emulator's control API (/__emulator/*). */
export async function control(pathname: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(new URL(pathname, sandbox().snowflake), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${pathname} answered ${res.status}`);
  return res.json();
}

/** What the test host (test/integration/host) exports beside the public API; see scripts/testHost.mjs. */
export async function testDoors(): Promise<TestDoors> {
  const ext = vscode.extensions.getExtension<TestHostApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const doors = (await ext.activate()).testDoors;
  assert.ok(doors, 'the suites run against the test host (scripts/testHost.mjs), not the shipped bundle');
  return doors;
}

export const rawSecret = {
  get: async (key: string) => (await testDoors()).rawSecrets.get(key),
  store: async (key: string, value: string) => (await testDoors()).rawSecrets.store(key, value),
  delete: async (key: string) => (await testDoors()).rawSecrets.delete(key),
  /** Read through the extension's typed SecretStore (envelope validated). */
  typed: async (kind: string, id: string) => (await testDoors()).typedSecret(kind as SecretKind, id),
};

/** The sessions the provider hands out (with tokens), bypassing VS Code's per-extension access dialog. */
export async function providerSessions(scopes: readonly string[]): Promise<readonly vscode.AuthenticationSession[]> {
  return (await testDoors()).sessions(scopes);
}

/**
 * Types `answers` into the extension's input boxes, in order, while `run` runs (the suites share the extension's
 * vscode API object, so this is what the person would type); a prompt beyond them is cancelled. Returns the prompts'
 * titles with `run`'s result.
 */
export async function typingIntoPrompts<T>(
  answers: readonly string[],
  run: () => Thenable<T> | Promise<T>,
): Promise<{ result: T; asked: string[] }> {
  const win = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
  const saved = win.showInputBox;
  const queue = [...answers];
  const asked: string[] = [];
  win.showInputBox = (async (o?: vscode.InputBoxOptions) => {
    asked.push(o?.title ?? '');
    return queue.shift();
  }) as typeof win.showInputBox;
  try {
    return { result: await run(), asked };
  } finally {
    win.showInputBox = saved;
  }
}

/**
 * Chooses the items labelled `labels`, in order, in the extension's quick picks while `run` runs; a pick beyond them is
 * cancelled. Returns what each pick offered (label and description) with `run`'s result.
 */
export async function choosingInQuickPicks<T>(
  labels: readonly string[],
  run: () => Thenable<T> | Promise<T>,
): Promise<{ result: T; offered: string[][] }> {
  const win = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
  const saved = win.showQuickPick;
  const queue = [...labels];
  const offered: string[][] = [];
  win.showQuickPick = (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    const list = await items;
    offered.push(list.map((i) => (i.description ? `${i.label} (${i.description})` : i.label)));
    const wanted = queue.shift();
    return list.find((i) => i.label === wanted);
  }) as unknown as typeof win.showQuickPick;
  try {
    return { result: await run(), offered };
  } finally {
    win.showQuickPick = saved;
  }
}

/** Records the URLs the extension opens in the browser instead of opening them, while `run` runs. */
export async function catchingOpenedUrls<T>(
  run: () => Thenable<T> | Promise<T>,
): Promise<{ result: T; opened: string[] }> {
  const env = vscode.env as { openExternal: typeof vscode.env.openExternal };
  const saved = env.openExternal;
  const opened: string[] = [];
  env.openExternal = async (uri: vscode.Uri) => {
    opened.push(uri.toString(true));
    return true;
  };
  try {
    return { result: await run(), opened };
  } finally {
    env.openExternal = saved;
  }
}

/**
 * Runs a command that is expected to fail. A failing command shows its error and waits for the person to dismiss it,
 * so this dismisses notifications until the command settles; it returns what the command returned.
 */
export async function runDismissingErrors<T>(id: string, ...args: unknown[]): Promise<T | undefined> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand<T>(id, ...args)).finally(() => {
    settled = true;
  });
  while (!settled) {
    await new Promise((r) => setTimeout(r, 100));
    await vscode.commands.executeCommand('notifications.clearAll');
  }
  return run;
}

/** Waits until the public API lists connections satisfying `ok` (the file watcher may take a moment). */
export async function waitForConnections(
  ok: (list: PublicConnection[]) => boolean,
  what: string,
): Promise<PublicConnection[]> {
  const a = await api();
  let last: PublicConnection[] = [];
  for (let i = 0; i < 100; i++) {
    last = await a.listConnections();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}; the API lists ${JSON.stringify(last.map((c) => c.name))}`);
}
