// Plays Posit Workbench's part for managed Snowflake credentials: keeps `<workbenchHome>/connections.toml` holding a
// `[workbench]` OAuth token, rewrites it with a fresh token on a schedule, and expires the old one after a grace period.
import fs from 'node:fs';
import path from 'node:path';
import { stringifyToml as stringify } from './toml';
import type { EmulatorState } from './state';

export interface WorkbenchOptions {
  /** Rotate every N seconds; undefined = only when asked (tests). */
  readonly rotateSeconds?: number;
  /** How long the previous token keeps working after a rotation. */
  readonly graceSeconds?: number;
  readonly user?: string;
  readonly role?: string;
}

export interface WorkbenchTarget {
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
}

export class WorkbenchTokens {
  home?: string;
  current?: string;
  rotations = 0;
  private timer?: NodeJS.Timeout;
  private target?: WorkbenchTarget;

  constructor(
    private readonly state: EmulatorState,
    private readonly opts: WorkbenchOptions = {},
  ) {}

  /** Starts managing `<home>/connections.toml` (0600) and writes the first token. */
  attach(home: string, target: WorkbenchTarget): string {
    this.home = home;
    this.target = target;
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const token = this.rotate();
    if (this.opts.rotateSeconds && !this.timer) {
      this.timer = setInterval(() => {
        try {
          this.rotate();
        } catch {
          /* home removed: keep serving */
        }
      }, this.opts.rotateSeconds * 1000);
      this.timer.unref();
    }
    return token;
  }

  get file(): string | undefined {
    return this.home ? path.join(this.home, 'connections.toml') : undefined;
  }

  /** Issues a fresh token, rewrites the file atomically, and lets the previous token live only for the grace period. */
  rotate(): string {
    if (!this.home || !this.target) throw new Error('No Workbench home: call writeSandboxHome (or attach) first.');
    const user = this.opts.user ?? 'DEMO_USER';
    const ttl = Math.max(
      this.state.accessTokenTtlSeconds,
      (this.opts.rotateSeconds ?? 0) + (this.opts.graceSeconds ?? 30),
    );
    const token = this.state.issueOAuthAccessToken(user, this.opts.role, ttl);
    const previous = this.current ? this.state.accessTokens.get(this.current) : undefined;
    if (previous)
      previous.expiresAt = Math.min(previous.expiresAt, this.state.now() + (this.opts.graceSeconds ?? 30) * 1000);
    const toml = stringify({
      workbench: {
        account: this.state.account,
        token,
        authenticator: 'oauth',
        host: this.target.host,
        port: this.target.port,
        protocol: this.target.protocol,
      },
    });
    const tmp = `${this.file!}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `# Managed by Posit Workbench (emulated). Rewritten while the session lives.\n${toml}`, {
      mode: 0o600,
    });
    fs.renameSync(tmp, this.file!);
    this.current = token;
    this.rotations++;
    return token;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
