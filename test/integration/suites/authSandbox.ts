// What the integration runner tells the editor about the emulator and the sandbox Snowflake home, plus small helpers
// for the auth suite: the emulator's control API, raw SecretStorage through the test hook, waiting on connections.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PositSnowflakeApi, PublicConnection } from '../../../src/api';

export const EXTENSION_ID = 'posit-snowflake.posit-snowflake';
export const SECRETS_TEST_COMMAND = 'positSnowflake.test.secrets';

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

export const rawSecret = {
  get: (key: string) => vscode.commands.executeCommand<string | undefined>(SECRETS_TEST_COMMAND, { op: 'getRaw', key }),
  store: (key: string, value: string) =>
    vscode.commands.executeCommand<void>(SECRETS_TEST_COMMAND, { op: 'storeRaw', key, value }),
  delete: (key: string) => vscode.commands.executeCommand<void>(SECRETS_TEST_COMMAND, { op: 'deleteRaw', key }),
  /** Read through the extension's typed SecretStore (envelope validated). */
  typed: (kind: string, id: string) =>
    vscode.commands.executeCommand<string | undefined>(SECRETS_TEST_COMMAND, { op: 'get', kind, id }),
};

/** The sessions the provider hands out (with tokens), bypassing VS Code's per-extension access dialog. */
export function providerSessions(scopes: readonly string[]): Thenable<vscode.AuthenticationSession[]> {
  return vscode.commands.executeCommand<vscode.AuthenticationSession[]>(SECRETS_TEST_COMMAND, {
    op: 'sessions',
    scopes,
  });
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
