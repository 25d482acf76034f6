// The shapes every feature shares: resolved connection profiles and what the auth service hands out.
import type { Event } from '../shared/events';
import type { CredentialLifetime } from './credentialLifetime';
import type { PatRecord } from './pat/patRecord';

export type ConnectionSource = 'workbench' | 'connections.toml' | 'config.toml' | 'environment';

/** Supported authenticators, upper-cased as Snowflake spells them. */
export type Authenticator =
  | 'SNOWFLAKE_JWT'
  | 'OAUTH'
  | 'PROGRAMMATIC_ACCESS_TOKEN'
  | 'OAUTH_AUTHORIZATION_CODE'
  | 'SNOWFLAKE'
  | 'EXTERNALBROWSER'
  | 'OAUTH_CLIENT_CREDENTIALS'
  | 'USERNAME_PASSWORD_MFA'
  | 'WORKLOAD_IDENTITY'
  | 'PAT_WITH_EXTERNAL_SESSION'
  | 'OKTA';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  /** The file the diagnostic is about, if any. */
  readonly file?: string;
  readonly connection?: string;
  /** What to do, in the user's terms. */
  readonly fix?: string;
  /** A stable name for the problem (errors carry one), e.g. `missingAccount`, `keyFileMissing`. */
  readonly code?: string;
}

/** A problem that makes using a connection fail, as `connections --json` and the tree show it. */
export interface ConnectionProblem {
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

/**
 * Every connection the files (or SNOWFLAKE_CONNECTIONS) define, usable or not, in listing order: the Python
 * connector and `snow connection list` list each table; only using a broken one fails.
 */
export interface ListedConnection {
  readonly name: string;
  readonly source: ConnectionSource;
  readonly file?: string;
  readonly isDefault: boolean;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** The sign-in method that will be used (upper case); undefined when the authenticator is not one Snowflake knows. */
  readonly authenticator?: Authenticator;
  /** Error diagnostics of this connection (empty when it looks usable). */
  readonly errors: readonly ConnectionProblem[];
  /** Present when the connection can be used; absent when one of `errors` prevents it. */
  readonly profile?: ConnectionProfile;
}

/** A connection as the official Snowflake clients would see it. Parameters keep the file's lower snake case keys. */
export interface ConnectionProfile {
  readonly name: string;
  readonly source: ConnectionSource;
  /** Absolute path of the file it came from; undefined for SNOWFLAKE_CONNECTIONS. */
  readonly file?: string;
  readonly isDefault: boolean;
  /** Resolved parameters, aliases folded (private_key_path → private_key_file, private_key_file_pwd kept). */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly authenticator: Authenticator;
  /** Account as written (may include region), e.g. "xy12345.ap-southeast-2" or "myorg-myacct". */
  readonly account: string;
  /** Base URL of the account, e.g. "https://myorg-myacct.snowflakecomputing.com" (host/port/protocol honoured). */
  readonly baseUrl: string;
  readonly user?: string;
  readonly role?: string;
  readonly warehouse?: string;
  readonly database?: string;
  readonly schema?: string;
}

export interface ResolvedConnections {
  /** The usable connections (those of `listed` that have a profile), Workbench-managed ones first. */
  readonly connections: readonly ConnectionProfile[];
  /** Every defined connection, usable or not, in the same order (unusable ones where the files have them). */
  readonly listed: readonly ListedConnection[];
  /** Name of the default connection (may not exist among connections; then a diagnostic says so). */
  readonly defaultName: string;
  /** The directory that was used, and the files read. */
  readonly directory: string;
  /**
   * In a Posit Workbench session: the directory of the user's own connection files (where the clients would look
   * without Workbench's SNOWFLAKE_HOME). Its connections are listed after the Workbench-managed ones, and new
   * connections are written there, never into the directory Workbench rewrites.
   */
  readonly userDirectory?: string;
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Headers for Snowflake REST APIs (Cortex, SQL API). */
export interface RestCredential {
  readonly headers: Readonly<Record<string, string>>;
  /** Epoch ms after which the credential must not be used. */
  readonly expiresAt: number;
}

/** What the SQL driver (snowflake-sdk) needs to log in. */
export type LoginCredential =
  | { readonly authenticator: 'SNOWFLAKE_JWT'; readonly privateKeyPem: string; readonly user: string }
  | {
      readonly authenticator: 'OAUTH';
      readonly token: string;
      readonly user?: string;
      /** The role a browser sign-in's token is limited to: the login must ask for that one. */
      readonly role?: string;
    }
  | { readonly authenticator: 'PROGRAMMATIC_ACCESS_TOKEN'; readonly token: string; readonly user?: string };

export interface AuthChange {
  /** Connection names affected; undefined means "anything may have changed" (files re-read). */
  readonly connections?: readonly string[];
  readonly reason: 'files' | 'secrets' | 'workbenchToken' | 'signIn' | 'signOut';
}

export interface AuthRequestOptions {
  readonly signal?: AbortSignal;
  /** Skip the cache (after a 401). */
  readonly forceRefresh?: boolean;
  /** True when the caller may not prompt the user (tree loading, silent model listing). */
  readonly silent?: boolean;
  /**
   * With forceRefresh: the credential the server just refused (as returned by forRest/forIngress). A cached
   * credential that differs from it was minted by a concurrent caller and is shared instead of minting again.
   */
  readonly rejected?: unknown;
}

/** What an OAuth sign-in produced (no secret). */
export interface SignInResult {
  readonly connection: string;
  /** The Snowflake user the token belongs to, when the server said. */
  readonly username?: string;
  readonly scope?: string;
  /** Epoch ms when the access token expires (a refresh token keeps the sign-in alive longer). */
  readonly expiresAt: number;
  /** How the browser's answer came back (set by a browser sign-in). */
  readonly way?: SignInWay;
  /** The role the sign-in is for ('' when it named none and Snowflake did not say). */
  readonly role?: string;
}

/** What Sign Out did: which roles' sign-ins were deleted here, and whether Snowflake confirmed the revocation. */
export interface SignOutResult {
  readonly connection: string;
  readonly roles: readonly string[];
  /** 'unconfirmed': Snowflake could not be reached or refused; the tokens were deleted here all the same. */
  readonly revocation: 'confirmed' | 'unconfirmed' | 'nothingToRevoke';
  /** Why the revocation could not be confirmed (no secret in it). */
  readonly problem?: string;
}

/** How a connection signs in, as the sign-ins list names it. */
export type SignInKind = 'oauthSignIn' | 'oauthToken' | 'workbench' | 'pat' | 'keyPair' | 'other';

/** One sign-in of a connection (no secret): what it is, for which role, when it was issued and when it expires. */
export interface SignInListing {
  readonly connection: string;
  readonly kind: SignInKind;
  /** The role it is for; '' for a sign-in that named none (the user's default role), undefined when not known. */
  readonly role?: string;
  /** OAuth sign-ins: the role's sign-in is the one the connection uses. */
  readonly active?: boolean;
  /** 'unknown': the credential cannot be read without asking (an encrypted key's passphrase, a missing file). */
  readonly status: 'valid' | 'expired' | 'signedOut' | 'unknown';
  /** Epoch ms the sign-in was made (0: before this was recorded). */
  readonly issuedAt?: number;
  /** Epoch ms the cached access token expires (a new one is minted from the refresh token when needed). */
  readonly accessExpiresAt?: number;
  readonly refreshExpiresAt?: number;
  /** A token file's, Workbench's or a PAT's expiry, when the token says (a JWT's exp) or its record does. */
  readonly tokenExpiresAt?: number;
  /** When Posit Workbench (or whoever) last wrote the token file. */
  readonly fileWrittenAt?: number;
  /** Key pair: the public key's fingerprint, to compare with DESCRIBE USER. */
  readonly fingerprint?: string;
  readonly username?: string;
  /** What this extension keeps for it in the secret storage (Sign Out deletes it), if anything. */
  readonly storedSecret?: 'oauthSignIn' | ConnectionSecretKind;
  /** Why a field is missing or how the credential renews, in a few words. */
  readonly note?: string;
}

/**
 * How a browser sign-in's answer reaches the editor: its loopback listener (a local editor, or a loopback address the
 * editor forwards), a custom client's registered external redirect, or the address the person pastes back.
 */
export type SignInWay = 'loopback' | 'registeredRedirect' | 'paste';

/** A connection's private key as the doctor and Test Connection describe it (no secret). */
export interface KeyInfo {
  /** Absolute path, or undefined for private_key_raw. */
  readonly file?: string;
  readonly format: string;
  /** `SHA256:...`, to compare with DESCRIBE USER's RSA_PUBLIC_KEY_FP. */
  readonly fingerprint: string;
  readonly bits?: number;
  /** Where the passphrase came from, when the key is encrypted. */
  readonly passphraseFrom?:
    'PRIVATE_KEY_PASSPHRASE' | 'private_key_file_pwd' | 'private_key_passphrase' | 'secretStorage' | 'prompt';
}

/** Secrets a person types for a connection, kept in the secret storage by the auth service. */
export type ConnectionSecretKind = 'keyPassphrase' | 'pat' | 'oauthClientSecret';

/** The one owner of every credential. Callers say what they need, never how to get it. */
export interface AuthService {
  /** Where connection files, key files and tokens are looked for (the doctor reports it). */
  readonly host: HostEnvironment;
  /** Current connections (re-resolved when files change). */
  connections(): Promise<ResolvedConnections>;
  /** Re-reads the connection files now (the Refresh command) and fires onDidChange. */
  reload(): Promise<ResolvedConnections>;
  getConnection(name: string): Promise<ConnectionProfile>;
  forRest(profile: ConnectionProfile, opts?: AuthRequestOptions): Promise<RestCredential>;
  forLogin(profile: ConnectionProfile, opts?: AuthRequestOptions): Promise<LoginCredential>;
  /** `Authorization: Snowflake Token="..."` header value for an SPCS app at `host`. */
  forIngress(profile: ConnectionProfile, host: string, role?: string, opts?: AuthRequestOptions): Promise<string>;
  /** Drop cached credentials of a connection (after a 401) so the next call mints anew. */
  invalidate(profile: ConnectionProfile, audience?: 'rest' | 'login' | 'ingress'): void;
  readonly onDidChange: Event<AuthChange>;
  /**
   * OAUTH_AUTHORIZATION_CODE: opens the browser and waits for the sign-in (timeout, cancellable), for `role` (default:
   * the role in use); sign-ins of other roles are kept, and this one becomes the one in use.
   */
  signIn(profile: ConnectionProfile, opts?: { signal?: AbortSignal; role?: string }): Promise<SignInResult>;
  /**
   * Revokes the connection's OAuth tokens at Snowflake (/oauth/revoke), then deletes them here (all roles, or one)
   * even when the revocation could not be confirmed (the result says so).
   */
  signOut(profile: ConnectionProfile, opts?: { role?: string }): Promise<SignOutResult>;
  /** True when an OAuth sign-in is stored for the connection's role in use (a refresh token in the SecretStore). */
  isSignedIn(profile: ConnectionProfile): Promise<boolean>;
  /** The OAuth sign-in in use: signed in, expired (Snowflake refused its refresh token) or not signed in. */
  signInStatus(profile: ConnectionProfile): Promise<'signedIn' | 'expired' | 'signedOut'>;
  /** Switches the connection to the sign-in of another role already signed in (no browser). */
  useSignIn(profile: ConnectionProfile, role: string): Promise<void>;
  /** Every sign-in of the connection (one per role for OAuth), without prompting; no secret in it. */
  signIns(profile: ConnectionProfile): Promise<SignInListing[]>;
  /** Mints a new token now (OAuth refresh, a new JWT, the token file read again), never prompting. */
  refreshNow(profile: ConnectionProfile): Promise<SignInListing[]>;
  /** SNOWFLAKE_JWT: the key's format and fingerprint (may prompt for a passphrase unless silent). */
  describeKey(profile: ConnectionProfile, opts?: AuthRequestOptions): Promise<KeyInfo>;
  /**
   * Stores a secret the person typed for a connection (undefined clears it), drops what was minted from the old one
   * and reports the change on onDidChange.
   */
  setSecret(connection: string, kind: ConnectionSecretKind, value: string | undefined): Promise<void>;
  /** Stores a PAT we created with what we know of it (the record holds no secret), and reports the change. */
  savePat(connection: string, secret: string, record: PatRecord): Promise<void>;
  /** What was recorded when we created the connection's PAT; undefined for one set by hand (expiry unknown). */
  patRecord(connection: string): Promise<PatRecord | undefined>;
  /** How long the connection's credential lasts, from what the service already holds (no minting, no prompt). */
  credentialLifetime(profile: ConnectionProfile): Promise<CredentialLifetime>;
  /** The API key of a Connect server (by its normalised URL), kept in the secret storage. */
  connectApiKey(serverUrl: string): Promise<string | undefined>;
  /** Stores (undefined: deletes) the API key of a Connect server. */
  setConnectApiKey(serverUrl: string, value: string | undefined): Promise<void>;
  /** A secret environment variable of published content (by server, folder and name), kept in the secret storage. */
  contentSecret(id: string): Promise<string | undefined>;
  setContentSecret(id: string, value: string | undefined): Promise<void>;
}

/** File-system access the resolvers need; node:fs in production, a map in tests. */
export interface FileSystem {
  /**
   * The file's text. With `maxBytes`, only a regular file is read (error code ENOTREG otherwise, without waiting on a
   * pipe) and one larger than that fails with EFBIG, however it grows while being read.
   */
  readFile(path: string, opts?: { readonly maxBytes?: number }): Promise<string>;
  stat(
    path: string,
  ): Promise<
    { mode: number; uid: number; mtimeMs: number; size?: number; isFile(): boolean; isDirectory(): boolean } | undefined
  >;
  /** Why stat found nothing: the error code (ENOENT, ENOTDIR, ELOOP, EACCES), for messages that say what it is. */
  statError?(path: string): Promise<string | undefined>;
}

/** Where the resolvers look: a pure description of the environment. */
export interface HostEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly platform: NodeJS.Platform;
  readonly uid?: number;
  readonly fs: FileSystem;
  /** The working directory a relative or empty SNOWFLAKE_HOME is taken from (process.cwd() when absent). */
  readonly cwd?: string;
}

/** How the auth service talks to the person, supplied by the editor (or the CLI). All may be absent. */
export interface AuthPrompter {
  /** Ask for a private key's passphrase; undefined when the user cancels. */
  askPassphrase?(connection: string, keyFile: string, retry: boolean): Promise<string | undefined>;
  /** Open the browser for an OAuth sign-in. */
  openExternal?(url: string): Promise<boolean>;
  /** Map a loopback URL so a browser outside a remote host can reach it (vscode.env.asExternalUri). */
  asExternalUri?(localUrl: string): Promise<string>;
  /**
   * The editor is remote (its callback maps to `callback`, not a loopback address) and the client accepts only
   * loopback redirects: paste the browser's address, or set up a custom OAuth client. Undefined: cancelled.
   */
  chooseRemoteSignIn?(connection: string, callback: string): Promise<RemoteSignInChoice | undefined>;
  /**
   * Asks for the address the browser shows after approving (an unreachable `redirectUri?code=…&state=…`). `check`
   * gives the problem with an answer (shown, and the question stays open) or undefined; undefined = cancelled.
   */
  askRedirectedAddress?(question: RedirectedAddressQuestion): Promise<string | undefined>;
}

export type RemoteSignInChoice = 'paste' | 'setUpClient';

export interface RedirectedAddressQuestion {
  readonly connection: string;
  readonly redirectUri: string;
  readonly check: (address: string) => string | undefined;
  /** Aborted when the sign-in ends another way (timeout, cancel): the question closes. */
  readonly signal: AbortSignal;
}
