// The CLI's auth subcommands (connections, test, token, doctor) over the same core and errors as the editor. The CLI
// keeps no secrets between runs and asks nothing: passphrases come from PRIVATE_KEY_PASSPHRASE or the connection.
import os from 'node:os';
import type { CliIo } from './main';
import { isCancelled, toExtError } from '../core/shared/errors';
import { nullLogger, type Logger } from '../core/shared/logger';
import { createAuthService } from '../core/auth/authService';
import { maskedParams } from '../core/connections/connectionParams';
import { runDoctor } from '../core/auth/diagnostics/doctor';
import { formatDoctorReport } from '../core/auth/diagnostics/formatDoctorReport';
import { loginProbe } from '../core/auth/diagnostics/loginProbe';
import { nodeFileSystem } from '../core/shared/nodeFileSystem';
import { MemorySecretStorage, SecretStore } from '../core/auth/secretStore';
import { tokenOfIngressHeader } from '../core/auth/credentials/ingress';
import type { AuthService, HostEnvironment } from '../core/auth/types';

/** A mistake in the command line itself (exit code 2, like the router's usage errors). */
class UsageError extends Error {}

export const AUTH_COMMANDS: ReadonlySet<string> = new Set(['connections', 'test', 'token', 'doctor']);

export interface CliAuthOptions {
  readonly fetch?: typeof fetch;
  readonly homedir?: string;
  readonly logger?: Logger;
}

export function cliHost(io: CliIo, opts: CliAuthOptions = {}): HostEnvironment {
  const uid = process.getuid?.();
  return {
    env: io.env,
    homedir: opts.homedir ?? io.env.HOME ?? io.env.USERPROFILE ?? os.homedir(),
    platform: process.platform,
    ...(uid !== undefined ? { uid } : {}),
    fs: nodeFileSystem,
  };
}

function createCliAuth(host: HostEnvironment, opts: CliAuthOptions): AuthService & { dispose(): void } {
  // No prompter: a command line run by a script must not wait for input.
  return createAuthService({ host, secrets: new SecretStore(new MemorySecretStorage()), logger: opts.logger ?? nullLogger, watch: false, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
}

/** Splits `--flag value` options from positional arguments; unknown flags are errors. */
export function parseArgs(args: readonly string[], flags: readonly string[], switches: readonly string[] = []): { positional: string[]; options: Record<string, string | true> } {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const name = a.slice(2);
    if (switches.includes(name)) options[name] = true;
    else if (flags.includes(name)) {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value.`);
      options[name] = value;
    } else throw new UsageError(`Unknown option ${a}.`);
  }
  return { positional, options };
}

async function connectionsCommand(auth: AuthService, io: CliIo, json: boolean): Promise<number> {
  const resolved = await auth.connections();
  const list = resolved.connections.map((c) => ({
    name: c.name,
    source: c.source,
    file: c.file ?? null,
    default: c.isDefault,
    params: maskedParams(c.params),
  }));
  if (json) io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  else if (list.length === 0) io.stdout.write(`No connections (directory ${resolved.directory}).\n`);
  else for (const c of resolved.connections) io.stdout.write(`${c.isDefault ? '*' : ' '} ${c.name}\t${c.source}\t${c.authenticator.toLowerCase()}\t${c.account}\t${c.file ?? '(environment)'}\n`);
  const errors = resolved.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.stderr.write(`posit-snowflake: ${d.message}${d.fix ? ` ${d.fix}` : ''}\n`);
  // Listing succeeds unless a file itself could not be used; a connection's own problem is for `doctor`.
  return errors.some((d) => d.connection === undefined) ? 1 : 0;
}

async function testCommand(auth: AuthService, io: CliIo, name: string, opts: CliAuthOptions): Promise<number> {
  const profile = await auth.getConnection(name);
  const who = await loginProbe(auth, profile, { silent: true, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  io.stdout.write(`Connection '${name}': logged in as ${who.user}, role ${who.role}, warehouse ${who.warehouse ?? '(none)'}.\n`);
  return 0;
}

async function tokenCommand(auth: AuthService, io: CliIo, name: string, ingress: string | undefined, role: string | undefined): Promise<number> {
  const profile = await auth.getConnection(name);
  if (ingress) {
    const header = await auth.forIngress(profile, ingress, role, { silent: true });
    io.stdout.write(`${tokenOfIngressHeader(header) ?? header}\n`);
    return 0;
  }
  if (role) throw new UsageError('--role applies to --ingress tokens only.');
  const cred = await auth.forRest(profile, { silent: true });
  io.stdout.write(`${(cred.headers.Authorization ?? '').replace(/^Bearer\s+/i, '')}\n`);
  return 0;
}

async function dispatch(auth: AuthService, host: HostEnvironment, argv: readonly string[], io: CliIo, opts: CliAuthOptions): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'connections': {
      const { options } = parseArgs(rest, [], ['json']);
      return connectionsCommand(auth, io, options.json === true);
    }
    case 'test': {
      const { positional } = parseArgs(rest, []);
      if (positional.length !== 1) throw new UsageError('Usage: posit-snowflake test <name>');
      return testCommand(auth, io, positional[0]!, opts);
    }
    case 'token': {
      const { positional, options } = parseArgs(rest, ['ingress', 'role']);
      if (positional.length !== 1) throw new UsageError('Usage: posit-snowflake token <name> [--ingress <host>] [--role <role>]');
      return tokenCommand(auth, io, positional[0]!, options.ingress as string | undefined, options.role as string | undefined);
    }
    case 'doctor': {
      const { positional } = parseArgs(rest, []);
      const report = await runDoctor(host, auth, positional[0], { ...(opts.fetch ? { fetch: opts.fetch } : {}) });
      io.stdout.write(formatDoctorReport(report));
      return report.problemCount === 0 ? 0 : 1;
    }
    default:
      throw new UsageError(`Unknown command '${command ?? ''}'.`);
  }
}

/** Runs one auth subcommand; errors go to stderr as message and fix, with a non-zero exit code. */
export async function runAuthCli(argv: readonly string[], io: CliIo, opts: CliAuthOptions = {}): Promise<number> {
  const host = cliHost(io, opts);
  const auth = createCliAuth(host, opts);
  try {
    return await dispatch(auth, host, argv, io, opts);
  } catch (err) {
    if (isCancelled(err)) {
      io.stderr.write('posit-snowflake: cancelled.\n');
      return 130;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`posit-snowflake: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`posit-snowflake: ${toExtError(err).userText}\n`);
    return 1;
  } finally {
    auth.dispose();
  }
}
