// The emulated Snowflake account: users, keys, roles and grants, warehouses, PATs, OAuth clients, and every token the
// emulator has minted (sessions, OAuth access/refresh tokens, ingress tokens) with its validity.
import crypto from 'node:crypto';
import type http from 'node:http';
import { Catalog } from './catalog';
import { fingerprintOf, normaliseAccount, type KeyLookup } from './jwt';
import { authenticateRest, type RestAuthResult } from './restAuth';

export interface UserRecord {
  readonly name: string;
  defaultRole: string;
  defaultWarehouse?: string;
  readonly roles: Set<string>;
  /** Registered RSA public keys by `SHA256:` fingerprint (Snowflake allows two: RSA_PUBLIC_KEY and _2). */
  readonly keys: Map<string, crypto.KeyObject>;
  /** Which fingerprint is in RSA_PUBLIC_KEY [0] and RSA_PUBLIC_KEY_2 [1] (DESCRIBE USER shows them by slot). */
  readonly keySlots: [string | undefined, string | undefined];
  disabled?: boolean;
}

export interface RoleRecord {
  readonly name: string;
  readonly databases: Set<string>;
}

export interface OAuthClient {
  readonly id: string;
  readonly secret: string;
  /**
   * 'loopback' = any http://127.0.0.1|localhost:<port>[/path]: only Snowflake's built-in LOCAL_APPLICATION
   * (docs.snowflake.com/en/user-guide/oauth-local-applications). A custom integration: its one OAUTH_REDIRECT_URI
   * (docs.snowflake.com/en/sql-reference/sql/create-security-integration-oauth-snowflake).
   */
  readonly redirectUris: readonly string[] | 'loopback';
  readonly enforcePkce: boolean;
  readonly blockedRoles: ReadonlySet<string>;
  readonly refreshValiditySeconds: number;
}

export interface Grant {
  user: string;
  role: string;
  expiresAt: number;
  revoked?: boolean;
}
export interface AccessToken extends Grant {
  readonly clientId: string;
  readonly scope: string;
  /** The refresh token it was issued with (revoking that one revokes this too, RFC 7009 §2.1). */
  readonly refreshToken?: string;
}
export interface RefreshToken extends Grant {
  readonly clientId: string;
  readonly scope: string;
}
export interface Pat extends Grant {
  readonly name: string;
  readonly roleRestriction?: string;
  readonly comment?: string;
  readonly createdOn: number;
  /** Who ran ALTER USER … ADD PAT (an administrator may create one for another user). */
  readonly createdBy: string;
  readonly minsToBypassNetworkPolicy?: number;
}

/** What ALTER USER … ADD PROGRAMMATIC ACCESS TOKEN may say besides the role and lifetime (userPats.ts). */
export interface PatOptions {
  readonly name?: string;
  readonly comment?: string;
  readonly createdBy?: string;
  readonly minsToBypassNetworkPolicy?: number;
}
export interface IngressToken extends Grant {
  readonly host: string;
}
export interface AuthCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly user: string;
  readonly role: string;
  readonly scope: string;
  readonly challenge?: string;
  readonly expiresAt: number;
  used?: boolean;
}

export interface Session {
  readonly id: number;
  token: string;
  readonly masterToken: string;
  readonly user: string;
  role: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  tokenExpiresAt: number;
  masterExpiresAt: number;
  closed?: boolean;
  /** How the session was opened: ingress accepts sessions from OAuth/PAT logins. */
  readonly via: string;
}

export interface StateOptions {
  accessTokenTtlSeconds?: number;
  sessionTtlSeconds?: number;
  masterTtlSeconds?: number;
}

export const ACCOUNT_ORG_NAME = 'sandbox-demo';
export const ACCOUNT_LOCATOR = 'xy12345';
export const ADMIN_ROLES = ['ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN'];

export class EmulatorState implements KeyLookup {
  readonly account = ACCOUNT_ORG_NAME;
  readonly accountLocator = ACCOUNT_LOCATOR;
  readonly users = new Map<string, UserRecord>();
  readonly roles = new Map<string, RoleRecord>();
  readonly warehouses = new Set<string>(['DEMO_WH', 'BIG_WH']);
  readonly clients = new Map<string, OAuthClient>();
  readonly sessions = new Map<string, Session>();
  readonly masterTokens = new Map<string, Session>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly authCodes = new Map<string, AuthCode>();
  readonly pats = new Map<string, Pat>();
  readonly ingressTokens = new Map<string, IngressToken>();
  /** `ROLE|USER` pairs granted MODIFY PROGRAMMATIC AUTHENTICATION METHODS ON USER (see userKeys.ts). */
  readonly modifyAuthGrants = new Set<string>();
  readonly catalog = new Catalog();
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  masterTtlSeconds: number;
  /** Tests: skip the consent page of /oauth/authorize. */
  autoApprove = false;
  /** User who "signs in" on the consent page (the emulator has no password form). */
  browserUser = 'DEMO_USER';
  private clockOffsetMs = 0;
  private nextSessionId = 1_000_001;

  constructor(opts: StateOptions = {}) {
    this.accessTokenTtlSeconds = opts.accessTokenTtlSeconds ?? 600;
    this.sessionTtlSeconds = opts.sessionTtlSeconds ?? 3600;
    this.masterTtlSeconds = opts.masterTtlSeconds ?? 4 * 3600;
    this.seed();
  }

  private seed(): void {
    this.addRole('PUBLIC', []);
    this.addRole('ANALYST', ['SALES_DB', 'BIG_DB']);
    this.addRole('FINANCE', ['FINANCE_DB']);
    this.addRole('ACCOUNTADMIN', ['SALES_DB', 'BIG_DB', 'FINANCE_DB', 'SNOWFLAKE']);
    this.addUser('DEMO_USER', { roles: ['ANALYST', 'FINANCE'], defaultRole: 'ANALYST', defaultWarehouse: 'DEMO_WH' });
    this.addUser('ADMIN_USER', {
      roles: ['ACCOUNTADMIN', 'ANALYST'],
      defaultRole: 'ACCOUNTADMIN',
      defaultWarehouse: 'DEMO_WH',
    });
    this.clients.set('LOCAL_APPLICATION', {
      id: 'LOCAL_APPLICATION',
      secret: 'LOCAL_APPLICATION',
      redirectUris: 'loopback',
      enforcePkce: false,
      blockedRoles: new Set(),
      refreshValiditySeconds: 90 * 86400,
    });
    this.clients.set('HEX_CLIENT', {
      id: 'HEX_CLIENT',
      secret: crypto.randomBytes(18).toString('base64url'),
      redirectUris: ['http://127.0.0.1:8765/oauth/callback'],
      enforcePkce: true,
      blockedRoles: new Set(ADMIN_ROLES),
      refreshValiditySeconds: 7 * 86400,
    });
  }

  // ---- time -------------------------------------------------------------------------------------------------
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }
  /** Moves the emulator's clock forward (tests: expire tokens without waiting). */
  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  // ---- directory ----------------------------------------------------------------------------------------------
  addRole(name: string, databases: readonly string[]): RoleRecord {
    const role = { name, databases: new Set(databases.map((d) => d.toUpperCase())) };
    this.roles.set(name, role);
    return role;
  }

  addUser(
    name: string,
    opts: { roles?: readonly string[]; defaultRole?: string; defaultWarehouse?: string } = {},
  ): UserRecord {
    const roles = new Set(['PUBLIC', ...(opts.roles ?? [])]);
    const user: UserRecord = {
      name: name.toUpperCase(),
      roles,
      keys: new Map(),
      keySlots: [undefined, undefined],
      defaultRole: opts.defaultRole ?? opts.roles?.[0] ?? 'PUBLIC',
      defaultWarehouse: opts.defaultWarehouse,
    };
    this.users.set(user.name, user);
    return user;
  }

  user(name: string | undefined): UserRecord | undefined {
    return name ? this.users.get(name.toUpperCase()) : undefined;
  }

  /**
   * Registers a public key (PEM, public or private) for a user; returns its fingerprint. Without a slot it takes the
   * first free one of the two (RSA_PUBLIC_KEY, RSA_PUBLIC_KEY_2); with one it replaces what that slot held.
   */
  addPublicKey(userName: string, pem: string | crypto.KeyObject, slot?: 0 | 1): string {
    const user = this.mustUser(userName);
    const key =
      typeof pem === 'string'
        ? crypto.createPublicKey(pem)
        : pem.type === 'private'
          ? crypto.createPublicKey(pem)
          : pem;
    const fp = fingerprintOf(key);
    if (user.keySlots.includes(fp) && slot === undefined) return fp;
    const at = slot ?? user.keySlots.findIndex((s) => s === undefined);
    if (at < 0) throw new Error(`User ${user.name} already has two public keys (RSA_PUBLIC_KEY, RSA_PUBLIC_KEY_2)`);
    const replaced = user.keySlots[at];
    if (replaced !== undefined) this.removePublicKey(user.name, replaced);
    user.keySlots[at] = fp;
    user.keys.set(fp, key);
    return fp;
  }

  removePublicKey(userName: string, fingerprint: string): void {
    const user = this.mustUser(userName);
    user.keys.delete(fingerprint);
    user.keySlots.forEach((s, i) => {
      if (s === fingerprint) user.keySlots[i] = undefined;
    });
  }

  /** Is this the emulated account, in any of its accepted spellings (org-account, locator, with region suffix)? */
  isAccount(name: string | undefined): boolean {
    if (!name) return false;
    const n = normaliseAccount(name);
    return n === this.account.toUpperCase() || n === this.accountLocator.toUpperCase();
  }

  /** KeyLookup for the JWT verifier. */
  publicKey(userName: string, fingerprint: string): crypto.KeyObject | undefined {
    return this.user(userName)?.keys.get(fingerprint);
  }

  hasRole(userName: string, role: string): boolean {
    return this.user(userName)?.roles.has(role) ?? false;
  }

  /** Databases visible to a role; PUBLIC is inherited by every role. */
  databasesFor(role: string): Set<string> {
    const out = new Set<string>(this.roles.get(role)?.databases ?? []);
    for (const d of this.roles.get('PUBLIC')?.databases ?? []) out.add(d);
    return out;
  }

  private mustUser(name: string): UserRecord {
    const u = this.user(name);
    if (!u) throw new Error(`No such user ${name}`);
    return u;
  }

  // ---- credentials ------------------------------------------------------------------------------------------
  /**
   * A programmatic access token (optionally restricted to one role). Default validity 15 days (DAYS_TO_EXPIRY's
   * default: docs.snowflake.com/en/sql-reference/sql/alter-user-add-programmatic-access-token).
   */
  addPat(userName: string, role?: string, ttlSeconds = 15 * 86400, opts: PatOptions = {}): string {
    const user = this.mustUser(userName);
    const token = `pat_${randomToken(40)}`;
    const now = this.now();
    this.pats.set(token, {
      user: user.name,
      role: role ?? user.defaultRole,
      roleRestriction: role,
      name: opts.name ?? `PAT_${this.pats.size + 1}`,
      expiresAt: now + ttlSeconds * 1000,
      createdOn: now,
      createdBy: opts.createdBy ?? user.name,
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
      ...(opts.minsToBypassNetworkPolicy !== undefined
        ? { minsToBypassNetworkPolicy: opts.minsToBypassNetworkPolicy }
        : {}),
    });
    return token;
  }

  /** The user's PATs by name (names are unique per user), with their secrets as the map keys. */
  patsOf(userName: string): [string, Pat][] {
    const name = userName.toUpperCase();
    return [...this.pats].filter(([, p]) => p.user === name);
  }

  issueOAuthAccessToken(
    userName: string,
    role?: string,
    ttlSeconds = this.accessTokenTtlSeconds,
    clientId = 'LOCAL_APPLICATION',
    refreshToken?: string,
  ): string {
    const user = this.mustUser(userName);
    const r = role ?? user.defaultRole;
    const token = `ver:1-hint:${this.nextSessionId}-oat_${randomToken(48)}`;
    this.accessTokens.set(token, {
      user: user.name,
      role: r,
      clientId,
      scope: `session:role:${r}`,
      expiresAt: this.now() + ttlSeconds * 1000,
      ...(refreshToken ? { refreshToken } : {}),
    });
    return token;
  }

  issueRefreshToken(userName: string, role: string, clientId: string, scope: string): string {
    const client = this.clients.get(clientId);
    const token = `ver:2-hint:${this.nextSessionId}-ort_${randomToken(48)}`;
    this.refreshTokens.set(token, {
      user: userName,
      role,
      clientId,
      scope,
      expiresAt: this.now() + (client?.refreshValiditySeconds ?? 86400) * 1000,
    });
    return token;
  }

  revokeRefreshTokens(userName?: string): number {
    let n = 0;
    for (const t of this.refreshTokens.values())
      if (!userName || t.user === userName.toUpperCase()) {
        t.revoked = true;
        n++;
      }
    return n;
  }

  issueIngressToken(userName: string, role: string, host: string, ttlSeconds = 3600): string {
    const token = `ingress_${randomToken(48)}`;
    this.ingressTokens.set(token, {
      user: userName,
      role,
      host: host.toLowerCase(),
      expiresAt: this.now() + ttlSeconds * 1000,
    });
    return token;
  }

  openSession(
    userName: string,
    role: string,
    via: string,
    ctx: { warehouse?: string; database?: string; schema?: string } = {},
  ): Session {
    const s: Session = {
      id: this.nextSessionId++,
      token: `ver:1-hint:st-${randomToken(40)}`,
      masterToken: `ver:1-hint:mt-${randomToken(40)}`,
      user: userName,
      role,
      via,
      ...ctx,
      tokenExpiresAt: this.now() + this.sessionTtlSeconds * 1000,
      masterExpiresAt: this.now() + this.masterTtlSeconds * 1000,
    };
    this.sessions.set(s.token, s);
    this.masterTokens.set(s.masterToken, s);
    return s;
  }

  renewSession(s: Session): void {
    this.sessions.delete(s.token);
    s.token = `ver:1-hint:st-${randomToken(40)}`;
    s.tokenExpiresAt = this.now() + this.sessionTtlSeconds * 1000;
    this.sessions.set(s.token, s);
  }

  /** Expires every session token and OAuth access token now (the control API's "tokens expired now"). */
  expireAllTokens(opts: { masters?: boolean } = {}): void {
    const past = this.now() - 1000;
    for (const s of this.sessions.values()) {
      s.tokenExpiresAt = past;
      if (opts.masters) s.masterExpiresAt = past;
    }
    for (const t of this.accessTokens.values()) t.expiresAt = past;
    for (const t of this.ingressTokens.values()) t.expiresAt = past;
  }

  /** Authenticates a REST call (Cortex, Connect ingress) from its headers, the way Snowflake's REST API does. */
  authenticateRest(headers: http.IncomingHttpHeaders): Promise<RestAuthResult> {
    return authenticateRest(this, headers);
  }

  /** What the control API's /info shows. */
  describe(): Record<string, unknown> {
    return {
      account: this.account,
      accountLocator: this.accountLocator,
      users: [...this.users.keys()],
      roles: [...this.roles.keys()],
      warehouses: [...this.warehouses],
      clients: [...this.clients.keys()],
      accessTokenTtlSeconds: this.accessTokenTtlSeconds,
      autoApprove: this.autoApprove,
    };
  }

  static adminRoles(): readonly string[] {
    return ADMIN_ROLES;
  }
}

export function randomToken(bytes: number): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
