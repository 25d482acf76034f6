// What every CLI command shares: the process's streams and environment, argument parsing, and one mapping from errors
// to what a script sees (a message on stderr and an exit code).
import { isCancelled, toExtError } from '../core/shared/errors';
import type { Logger } from '../core/shared/logger';
import type { AuthService } from '../core/auth/types';
import type { RuntimeProbe } from '../core/publish/content/runtimeVersions';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Seams the tests use: an emulator's fetch, a home folder, a runtime probe; a command takes what it needs. */
export interface CliOptions {
  readonly fetch?: typeof fetch;
  readonly homedir?: string;
  readonly logger?: Logger;
  readonly probe?: RuntimeProbe;
  readonly signal?: AbortSignal;
  /** An auth service built by the caller (tests with their emulator fetch); otherwise each run builds its own. */
  readonly auth?: AuthService;
}

/** A mistake in the command line itself: exit code 2 and the command's usage. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/** Splits `--flag value` options from positional arguments; unknown flags are usage errors. */
export function parseArgs(
  args: readonly string[],
  flags: readonly string[],
  switches: readonly string[] = [],
): { positional: string[]; options: Record<string, string | true> } {
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

export function stringOption(options: Record<string, string | true>, name: string): string | undefined {
  const v = options[name];
  return typeof v === 'string' ? v : undefined;
}

export interface ErrorReport {
  /** Prefix of every line, e.g. `posit-snowflake publish`. */
  readonly prefix: string;
  /** Printed after a usage error's message. */
  readonly usage?: string;
  /** Said on cancellation. */
  readonly cancelled?: string;
  /** Lines printed before the error's own text (a failed task's log tail). */
  readonly detail?: (err: unknown) => string | undefined;
}

/** Turns a thrown error into stderr text and an exit code: usage 2, cancelled 130, anything else 1. */
export function reportError(err: unknown, io: CliIo, how: ErrorReport): number {
  if (err instanceof UsageError) {
    io.stderr.write(`${how.prefix}: ${err.message}\n${how.usage ?? ''}`);
    return EXIT.usage;
  }
  if (isCancelled(err)) {
    io.stderr.write(`${how.prefix}: ${how.cancelled ?? 'cancelled.'}\n`);
    return EXIT.cancelled;
  }
  const e = toExtError(err);
  const detail = how.detail?.(e);
  if (detail) io.stderr.write(detail);
  io.stderr.write(`${how.prefix}: ${e.userText}\n`);
  return EXIT.failed;
}
