// `posit-snowflake publish <dir> --server <url> [--snowflake-connection <name>] [--api-key-env <VAR>]`: the same
// pipeline as the editor's command, for CI. Progress and task lines go to stderr, the content URL to stdout.
import path from 'node:path';
import { createAuthService } from '../core/auth/authService';
import { cliHost, parseArgs } from './authCommands';
import { MemorySecretStorage, SecretStore } from '../core/auth/secretStore';
import type { AuthService } from '../core/auth/types';
import type { CliIo } from './main';
import { isCancelled, toExtError } from '../core/shared/errors';
import { nullLogger, type Logger } from '../core/shared/logger';
import { isSnowflakeIngressUrl, normaliseServerUrl } from '../core/publish/connect/connectServers';
import { publish, TaskFailedError } from '../core/publish/publishPipeline';
import type { RuntimeProbe } from '../core/publish/content/runtimeVersions';
import { isAppMode, type ConnectServer, type ContentOverride, type PublishEvent } from '../core/publish/types';

export const PUBLISH_USAGE = `Usage: posit-snowflake publish <dir> --server <url> [options]
  --server <url>                 the Posit Connect server
  --api-key-env <VAR>            environment variable holding the Connect API key (default CONNECT_API_KEY)
  --snowflake-connection <name>  Snowflake connection that opens the ingress of a Connect inside Snowflake
                                 (default: the default connection, when the host is a Snowflake app host)
  --snowflake                    the server runs inside Snowflake (PrivateLink or custom domain)
  --entrypoint <file>            the file to run or render (skips detection)
  --type <appmode>               Connect app mode, e.g. python-streamlit, quarto-static, static
  --title <title>                content title (first deployment)
  --new                          create new content even if the project was published before
`;

export interface CliPublishOptions {
  readonly fetch?: typeof fetch;
  readonly homedir?: string;
  readonly logger?: Logger;
  readonly probe?: RuntimeProbe;
  readonly signal?: AbortSignal;
  /** Tests supply their own auth service (with its emulator fetch). */
  readonly auth?: AuthService;
}

class UsageError extends Error {}

function describe(e: PublishEvent): string | undefined {
  switch (e.type) {
    case 'phase': return e.message;
    case 'detected': return `Detected ${e.detection.appmode} (entrypoint ${e.detection.entrypoint}).`;
    case 'warning': return `Warning: ${e.message}`;
    case 'bundled': return `Bundle: ${e.files} files, ${(e.size / (1024 * 1024)).toFixed(1)} MB, md5 ${e.md5}.`;
    case 'uploaded': return `Uploaded bundle ${e.bundleId}.`;
    case 'taskLine': return `  ${e.line}`;
    default: return undefined;
  }
}

interface Parsed {
  readonly dir: string;
  readonly server: ConnectServer;
  readonly keyVar: string;
  readonly override?: ContentOverride;
  readonly title?: string;
  readonly newContent: boolean;
}

async function parse(args: readonly string[], io: CliIo, auth: () => AuthService): Promise<Parsed> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args, ['server', 'api-key-env', 'snowflake-connection', 'entrypoint', 'type', 'title'], ['new', 'snowflake']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { positional, options: o } = parsed;
  if (positional.length !== 1) throw new UsageError('Give exactly one project folder.');
  if (typeof o.server !== 'string') throw new UsageError('--server <url> is required.');
  if (o.type !== undefined && !isAppMode(o.type)) throw new UsageError(`--type ${String(o.type)} is not a Connect app mode.`);
  const url = normaliseServerUrl(o.server);
  const snowflake = o.snowflake === true || typeof o['snowflake-connection'] === 'string' || isSnowflakeIngressUrl(url);
  const connection = typeof o['snowflake-connection'] === 'string' ? o['snowflake-connection'] : snowflake ? (await auth().connections()).defaultName : undefined;
  const override: ContentOverride = { ...(isAppMode(o.type) ? { appmode: o.type } : {}), ...(typeof o.entrypoint === 'string' ? { entrypoint: o.entrypoint } : {}) };
  return {
    dir: path.resolve(positional[0]!),
    server: { url, ...(snowflake ? { snowflake: true } : {}), ...(connection ? { snowflakeConnection: connection } : {}) },
    keyVar: typeof o['api-key-env'] === 'string' ? o['api-key-env'] : 'CONNECT_API_KEY',
    ...(override.appmode || override.entrypoint ? { override } : {}),
    ...(typeof o.title === 'string' ? { title: o.title } : {}),
    newContent: o.new === true,
  };
}

/** Runs the publish subcommand; returns the exit code (0 ok, 1 failed, 2 usage, 130 cancelled). */
export async function runPublishCli(args: readonly string[], io: CliIo, opts: CliPublishOptions = {}): Promise<number> {
  let auth = opts.auth;
  const getAuth = (): AuthService => {
    auth ??= createAuthService({ host: cliHost(io, opts.homedir ? { homedir: opts.homedir } : {}), secrets: new SecretStore(new MemorySecretStorage()), logger: opts.logger ?? nullLogger, watch: false, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    return auth;
  };
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  if (!opts.signal) process.once('SIGINT', onSigint);
  try {
    const p = await parse(args, io, getAuth);
    const apiKey = io.env[p.keyVar];
    if (!apiKey) throw new UsageError(`The Connect API key is not in $${p.keyVar}; set it, or name another variable with --api-key-env.`);
    const result = await publish({
      dir: p.dir, server: p.server, apiKey, ...(p.server.snowflake ? { auth: getAuth() } : {}),
      ...(p.override ? { override: p.override } : {}), ...(p.title ? { title: p.title } : {}), newContent: p.newContent,
      signal: opts.signal ?? controller.signal, clientVersion: 'posit-snowflake-cli',
      ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.probe ? { probe: opts.probe } : {}), ...(opts.logger ? { logger: opts.logger } : {}),
      onEvent: (e) => {
        const line = describe(e);
        if (line) io.stderr.write(`${line}\n`);
      },
    });
    io.stderr.write(`Deployed ${result.created ? 'new' : 'existing'} content ${result.contentGuid}; record ${path.relative(p.dir, result.recordPath)}.\n`);
    io.stdout.write(`${result.contentUrl}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`posit-snowflake publish: ${err.message}\n${PUBLISH_USAGE}`);
      return 2;
    }
    if (isCancelled(err)) {
      io.stderr.write('posit-snowflake publish: cancelled; nothing was recorded.\n');
      return 130;
    }
    const e = toExtError(err);
    if (e instanceof TaskFailedError) io.stderr.write(`Last lines of the deployment log:\n${e.lastLines.map((l) => `  ${l}`).join('\n')}\n`);
    io.stderr.write(`posit-snowflake publish: ${e.userText}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (!opts.auth) (auth as { dispose?: () => void } | undefined)?.dispose?.();
  }
}
