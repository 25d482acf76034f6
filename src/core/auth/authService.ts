// createAuthService: the composition of the auth core. Resolves connections (re-resolved when files change), hands
// out credentials for REST, SQL login and SPCS ingress from one cache, and reports every change on one event.
import path from 'node:path';
import type {
  AuthChange,
  AuthPrompter,
  AuthService,
  ConnectionProfile,
  HostEnvironment,
  ResolvedConnections,
} from './types';
import { secretKey, type SecretStore } from './secretStore';
import type { Logger } from '../shared/logger';
import { Emitter, type Disposable } from '../shared/events';
import { SnowflakeExtError } from '../shared/errors';
import { forgetOwnWrite, storeSecret, type AuthContext } from './authContext';
import { userPath } from '../connections/connectionDirectory';
import { stringParam } from '../connections/connectionParams';
import { DirectoryWatcher } from '../connections/connectionWatcher';
import { loginCredential, restCredential } from './credentials/credentials';
import { FileTokenReader } from './credentials/fileTokens';
import { ingressCredential } from './credentials/ingress';
import { connectionKey } from './credentials/keyPairCredential';
import { isSignedIn, signIn, signInStatus, useSignIn } from './oauth/oauthCredential';
import { signOut } from './oauth/oauthSignOut';
import { listSignIns } from './signInListing';
import { knownNames, resolveConnections } from '../connections/resolveConnections';
import { TokenCache } from './tokenCache';
import { credentialLifetime, patRecordOf } from './credentialLifetime';
import { serializePatRecord } from './pat/patRecord';

export interface AuthServiceOptions {
  readonly host: HostEnvironment;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly prompter?: AuthPrompter;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Watch connection files and the Workbench token for changes (the editor); the CLI reads once. */
  readonly watch?: boolean;
  /** Token endpoint retries (tests lower the backoff) and the editor's request time limits. */
  readonly http?: AuthContext['http'];
  /** How long a browser sign-in may take; default 5 minutes. */
  readonly signInTimeoutMs?: number;
}

/** "Connection 'x' cannot be found", or the error that kept it out of the list. */
export function connectionNotFound(resolved: ResolvedConnections, name: string): SnowflakeExtError {
  // A defined connection that cannot be used fails with its own problem (it is listed, with that problem).
  const problem = resolved.listed.find((c) => c.name === name && !c.profile)?.errors[0];
  if (problem)
    return new SnowflakeExtError(
      'config',
      problem.message,
      problem.fix ? { text: problem.fix } : undefined,
      'connectionInvalid',
    );
  const fileError = resolved.diagnostics.find(
    (d) => d.severity === 'error' && !d.connection && d.code !== 'defaultNotFound',
  );
  const known = knownNames(resolved.listed.map((c) => c.name));
  // The connector's wording for the default (config_manager.py _get_default_connection_params).
  const what = name === resolved.defaultName ? `Default connection with name '${name}'` : `Connection '${name}'`;
  return new SnowflakeExtError(
    'notFound',
    `${what} cannot be found, known ones are ${known}.${fileError ? ` ${fileError.message}` : ''}`,
    {
      text:
        fileError?.fix ??
        `Check the name, or add it to ${path.join(resolved.directory, 'connections.toml')} ('Snowflake: Add Connection').`,
      command: 'positSnowflake.addConnection',
    },
    'connectionNotFound',
  );
}

/** Directories whose files feed the connections: the Snowflake directory and those of token and key files. */
function watchedDirectories(host: HostEnvironment, resolved: ResolvedConnections): Set<string> {
  const dirs = new Set<string>([resolved.directory, ...(resolved.userDirectory ? [resolved.userDirectory] : [])]);
  for (const c of resolved.connections) {
    for (const key of ['token_file_path', 'private_key_file']) {
      const v = stringParam(c.params, key);
      if (v) dirs.add(path.dirname(userPath(host, v)));
    }
  }
  return dirs;
}

export function createAuthService(opts: AuthServiceOptions): AuthService & Disposable {
  const changed = new Emitter<AuthChange>();
  const now = opts.now ?? Date.now;
  const ctx: AuthContext = {
    host: opts.host,
    secrets: opts.secrets,
    logger: opts.logger,
    ...(opts.prompter ? { prompter: opts.prompter } : {}),
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    now,
    cache: new TokenCache(now),
    files: new FileTokenReader(opts.host),
    changed,
    ...(opts.http ? { http: opts.http } : {}),
    ...(opts.signInTimeoutMs !== undefined ? { signInTimeoutMs: opts.signInTimeoutMs } : {}),
    ownWrites: new Map(),
    keyFileChecks: new Map(),
  };
  let resolved: Promise<ResolvedConnections> | undefined;
  const watcher = opts.watch ? new DirectoryWatcher(() => void reload(), opts.logger) : undefined;

  const connections = (): Promise<ResolvedConnections> => {
    resolved ??= resolveConnections(opts.host).then(
      (r) => {
        watcher?.watch(watchedDirectories(opts.host, r));
        return r;
      },
      (err: unknown) => {
        resolved = undefined;
        throw err;
      },
    );
    return resolved;
  };
  const reload = async (): Promise<ResolvedConnections> => {
    resolved = undefined;
    ctx.keyFileChecks.clear();
    const r = await connections();
    changed.fire({ reason: 'files' });
    return r;
  };
  const secretsSubscription = opts.secrets.onDidChange((ref) => {
    if (ref.kind === 'connectApiKey' || ref.kind === 'contentSecret') return; // no connection's credential
    if (forgetOwnWrite(ctx.ownWrites, secretKey(ref))) return;
    // Another window may have signed in or changed a PAT: drop what was minted from the old secret.
    ctx.cache.invalidate(ref.id, ref.kind === 'keyPassphrase' ? ['key'] : undefined);
    changed.fire({ connections: [ref.id], reason: 'secrets' });
  });

  return {
    host: opts.host,
    connections,
    reload,
    async getConnection(name: string): Promise<ConnectionProfile> {
      const r = await connections();
      const found = r.connections.find((c) => c.name === name);
      if (!found) throw connectionNotFound(r, name);
      return found;
    },
    forRest: (profile, o) => restCredential(ctx, profile, o),
    forLogin: (profile, o) => loginCredential(ctx, profile, o),
    forIngress: (profile, host, role, o) => ingressCredential(ctx, profile, host, role, o),
    invalidate(profile, audience) {
      ctx.cache.invalidate(
        profile.name,
        audience === 'ingress' ? ['ingress'] : audience ? ['jwt', 'oauth'] : ['jwt', 'oauth', 'ingress'],
      );
    },
    onDidChange: changed.event,
    signIn: (profile, o) => signIn(ctx, profile, o),
    signOut: (profile, o) => signOut(ctx, profile, o),
    isSignedIn: (profile) => isSignedIn(ctx, profile),
    signInStatus: (profile) => signInStatus(ctx, profile),
    useSignIn: (profile, role) => useSignIn(ctx, profile, role),
    signIns: (profile) => listSignIns(ctx, profile),
    async refreshNow(profile) {
      // Never prompts: a sign-in that needs the browser says so (Sign In), and nothing cached is kept meanwhile.
      ctx.cache.invalidate(profile.name);
      await restCredential(ctx, profile, { forceRefresh: true, silent: true });
      return listSignIns(ctx, profile);
    },
    async describeKey(profile, o) {
      if (profile.authenticator !== 'SNOWFLAKE_JWT') {
        throw new SnowflakeExtError(
          'config',
          `Connection '${profile.name}' uses ${profile.authenticator.toLowerCase()}, not a key pair.`,
          undefined,
          'notKeyPair',
        );
      }
      return (await connectionKey(ctx, profile, o)).info;
    },
    async setSecret(connection, kind, value) {
      await storeSecret(ctx, { kind, id: connection }, value);
      // A PAT set by hand is not the one we recorded: its expiry is unknown.
      if (kind === 'pat') await storeSecret(ctx, { kind: 'patRecord', id: connection }, undefined);
      // Our own write is not reported by the store's event (see ownWrites), so the same happens here.
      ctx.cache.invalidate(connection);
      changed.fire({ connections: [connection], reason: 'secrets' });
    },
    async savePat(connection, secret, record) {
      await storeSecret(ctx, { kind: 'pat', id: connection }, secret);
      await storeSecret(ctx, { kind: 'patRecord', id: connection }, serializePatRecord(record));
      ctx.cache.invalidate(connection);
      changed.fire({ connections: [connection], reason: 'secrets' });
    },
    patRecord: (connection) => patRecordOf(ctx, connection),
    credentialLifetime: (profile) => credentialLifetime(ctx, profile),
    connectApiKey: (serverUrl) => opts.secrets.get({ kind: 'connectApiKey', id: serverUrl }),
    async setConnectApiKey(serverUrl, value) {
      // No credential is minted from a Connect key, so its change events are not tracked as own writes.
      const ref = { kind: 'connectApiKey', id: serverUrl } as const;
      if (value === undefined) await opts.secrets.delete(ref);
      else await opts.secrets.set(ref, value);
    },
    contentSecret: (id) => opts.secrets.get({ kind: 'contentSecret', id }),
    async setContentSecret(id, value) {
      const ref = { kind: 'contentSecret', id } as const;
      if (value === undefined) await opts.secrets.delete(ref);
      else await opts.secrets.set(ref, value);
    },
    dispose() {
      watcher?.dispose();
      secretsSubscription.dispose();
      changed.dispose();
    },
  };
}
