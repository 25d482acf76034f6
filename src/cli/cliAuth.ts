// The CLI's auth service: the same core as the editor's, built once per run from the process's environment. The CLI
// keeps no secrets between runs and asks nothing: passphrases come from PRIVATE_KEY_PASSPHRASE or the connection.
import os from 'node:os';
import { createAuthService } from '../core/auth/authService';
import { MemorySecretStorage, SecretStore } from '../core/auth/secretStore';
import type { AuthService, HostEnvironment } from '../core/auth/types';
import { nullLogger } from '../core/shared/logger';
import { nodeFileSystem } from '../core/shared/nodeFileSystem';
import type { CliIo, CliOptions } from './io';

export function cliHost(io: CliIo, opts: Pick<CliOptions, 'homedir'> = {}): HostEnvironment {
  const uid = process.getuid?.();
  return {
    env: io.env,
    homedir: opts.homedir ?? io.env.HOME ?? io.env.USERPROFILE ?? os.homedir(),
    platform: process.platform,
    ...(uid !== undefined ? { uid } : {}),
    fs: nodeFileSystem,
  };
}

/** Builds the auth service on first use and disposes of it after the run, unless the caller supplied one. */
export class CliAuth {
  private built: (AuthService & { dispose(): void }) | undefined;
  readonly host: HostEnvironment;

  constructor(
    io: CliIo,
    private readonly opts: CliOptions,
  ) {
    this.host = cliHost(io, opts);
  }

  get service(): AuthService {
    if (this.opts.auth) return this.opts.auth;
    // No prompter: a command line run by a script must not wait for input.
    this.built ??= createAuthService({
      host: this.host,
      secrets: new SecretStore(new MemorySecretStorage()),
      logger: this.opts.logger ?? nullLogger,
      watch: false,
      ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
    });
    return this.built;
  }

  dispose(): void {
    this.built?.dispose();
  }
}
