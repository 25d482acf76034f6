// Test harness for the auth service against the emulator: a temporary home with the emulator's sandbox connections,
// helpers to write more connections, an auth service per test, and snapshots proving nothing was written.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/index';
import { runCli } from '../../../src/cli/main';
import { createAuthService, type AuthServiceOptions } from '../../../src/core/auth/authService';
import { nodeFileSystem } from '../../../src/core/shared/nodeFileSystem';
import { MemorySecretStorage, SecretStore } from '../../../src/core/auth/secretStore';
import { MemoryLogger } from '../../support/memoryLogger';
import type { AuthPrompter, AuthService, FileSystem, HostEnvironment } from '../../../src/core/auth/types';
import type { Disposable } from '../../../src/core/shared/events';

export interface AuthWorld {
  readonly emu: Emulator;
  readonly dir: string;
  /** SNOWFLAKE_HOME of the sandbox (keypair, encrypted_key, pat, oauth_code). */
  readonly home: string;
  /** Parameters every emulator connection needs (account, host, port, protocol). */
  readonly common: Record<string, string | number>;
  close(): Promise<void>;
}

export async function startAuthWorld(): Promise<AuthWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-sf-auth-'));
  const emu = await startEmulator({ home: path.join(dir, 'home') });
  const url = new URL(emu.snowflakeUrl);
  return {
    emu,
    dir,
    home: emu.home!.home,
    common: { account: emu.state.account, host: url.hostname, port: Number(url.port), protocol: 'http' },
    close: async () => {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A FileSystem over node:fs where chosen files fail to read (tests run as root, so chmod cannot do it). */
export function fsWithUnreadable(unreadable: ReadonlySet<string>): FileSystem {
  return {
    readFile: async (p) => {
      if (unreadable.has(p))
        throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
      return nodeFileSystem.readFile(p);
    },
    stat: (p) => nodeFileSystem.stat(p),
  };
}

export interface TestAuth {
  readonly auth: AuthService & Disposable;
  readonly raw: MemorySecretStorage;
  readonly secrets: SecretStore;
  readonly log: MemoryLogger;
  readonly host: HostEnvironment;
}

export function makeAuth(
  world: AuthWorld,
  env: Record<string, string | undefined>,
  opts: Partial<AuthServiceOptions> & { prompter?: AuthPrompter; fs?: FileSystem; raw?: MemorySecretStorage } = {},
): TestAuth {
  const raw = opts.raw ?? new MemorySecretStorage();
  const secrets = new SecretStore(raw);
  const log = new MemoryLogger();
  const host: HostEnvironment = {
    env,
    homedir: world.dir,
    platform: process.platform,
    uid: process.getuid?.() ?? 0,
    fs: opts.fs ?? nodeFileSystem,
  };
  const auth = createAuthService({ host, secrets, logger: log, http: { retries: 1, backoffMs: 1 }, ...opts });
  return { auth, raw, secrets, log, host };
}

/** Writes a SNOWFLAKE_HOME with the given connections.toml text (0600) and returns its path. */
export function writeHome(
  world: AuthWorld,
  name: string,
  connectionsToml: string,
  extra: Record<string, { text: string; mode?: number }> = {},
): string {
  const home = path.join(world.dir, name);
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'connections.toml'), connectionsToml, { mode: 0o600 });
  fs.chmodSync(path.join(home, 'connections.toml'), 0o600);
  for (const [rel, f] of Object.entries(extra)) {
    const p = path.join(home, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.text, { mode: f.mode ?? 0o600 });
    fs.chmodSync(p, f.mode ?? 0o600);
  }
  return home;
}

/** A TOML table for an emulator connection. */
export function table(world: AuthWorld, name: string, params: Record<string, string | number>): string {
  const all = { ...world.common, ...params };
  const lines = Object.entries(all).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  return `[${name}]\n${lines.join('\n')}\n`;
}

/** Every file under a directory with its content hash and mode, to prove nothing changed. */
export function snapshotDir(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!st.isFile()) out.push(`${p} ${(st.mode & 0o777).toString(8)} not a file`);
      else
        out.push(
          `${p} ${(st.mode & 0o777).toString(8)} ${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`,
        );
    }
  };
  walk(dir);
  return out.join('\n');
}

/** A browser for the OAuth flow: follows the authorize redirect to the loopback listener, as a real browser would. */
export function browserPrompter(
  calls: { opened: string[]; mapped: string[]; landed: number[] } = { opened: [], mapped: [], landed: [] },
): AuthPrompter & { calls: typeof calls } {
  return {
    calls,
    asExternalUri: async (u) => {
      calls.mapped.push(u);
      return u;
    },
    openExternal: async (u) => {
      calls.opened.push(u);
      void (async () => {
        const first = await fetch(u, { redirect: 'manual' });
        const location = first.headers.get('location');
        if (location) calls.landed.push((await fetch(location)).status);
      })().catch(() => undefined);
      return true;
    },
  };
}

export function newRsaKey(): crypto.KeyPairKeyObjectResult {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Runs the CLI in-process with the given environment and returns its exit code and what it printed. */
export async function cli(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    env,
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

export { freeLoopbackPort as freePort } from '../../../src/core/auth/oauth/oauthLoopback';
