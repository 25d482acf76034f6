// `posit-snowflake publish <dir> --server <url> [--snowflake-connection <name>] [--api-key-env <VAR>] …`: the same
// pipeline as the editor's command, for CI. Progress and task lines go to stderr, the content URL to stdout. Secrets'
// values come from environment variables of the same name, never from arguments.
import path from 'node:path';
import { CliAuth } from '../cliAuth';
import { parseArgs, reportError, UsageError, type CliIo, type CliOptions } from '../io';
import { isSnowflakeIngressUrl, normaliseServerUrl } from '../../core/publish/connect/connectServers';
import { publish, TaskFailedError } from '../../core/publish/publishPipeline';
import { isAppMode, type ConnectServer, type ContentOverride, type PublishEvent } from '../../core/publish/types';

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
  --integration <guid or name>   a Connect OAuth integration the content needs (repeatable); also read from the
                                 configuration's [[integration_requests]]
  --env <NAME=value>             an environment variable for the content (repeatable)
  --secret <NAME>                a secret for the content, its value read from $NAME (repeatable; never written to
                                 a file); the configuration's secrets are read the same way
  --draft                        deploy without activating (Connect keeps serving the current bundle)
  --quarto-version <version>     the Quarto version Connect should use when Quarto is not installed here
  --configuration <name>         deploy with .posit/publish/<name>.toml instead of the one the record names
`;

const REPEATABLE = ['integration', 'env', 'secret'] as const;

/** Takes the repeatable options out of the arguments (parseArgs keeps one value per option). */
function repeated(args: readonly string[]): { rest: string[]; values: Record<(typeof REPEATABLE)[number], string[]> } {
  const values = { integration: [] as string[], env: [] as string[], secret: [] as string[] };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.slice(2) as (typeof REPEATABLE)[number];
    if (!args[i]!.startsWith('--') || !REPEATABLE.includes(name)) {
      rest.push(args[i]!);
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value.`);
    values[name].push(value);
  }
  return { rest, values };
}

function envVar(text: string): { name: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--env ${text}: give NAME=value.`);
  return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

function describe(e: PublishEvent): string | undefined {
  switch (e.type) {
    case 'phase':
      return e.message;
    case 'detected':
      return `Detected ${e.detection.appmode} (entrypoint ${e.detection.entrypoint}).`;
    case 'warning':
      return `Warning: ${e.message}`;
    case 'info':
      return e.message;
    case 'bundled':
      return `Bundle: ${e.files} files, ${(e.size / (1024 * 1024)).toFixed(1)} MB, md5 ${e.md5}.`;
    case 'uploaded':
      return `Uploaded bundle ${e.bundleId}.`;
    case 'taskLine':
      return `  ${e.line}`;
    default:
      return undefined;
  }
}

interface Parsed {
  readonly dir: string;
  readonly server: ConnectServer;
  readonly keyVar: string;
  readonly override?: ContentOverride;
  readonly title?: string;
  readonly newContent: boolean;
  readonly integrations: string[];
  readonly environment: { name: string; value: string }[];
  readonly secrets: string[];
  readonly draft: boolean;
  readonly quartoVersion?: string;
  readonly configurationName?: string;
}

async function parse(args: readonly string[], auth: CliAuth): Promise<Parsed> {
  const { rest, values } = repeated(args);
  const { positional, options: o } = parseArgs(
    rest,
    ['server', 'api-key-env', 'snowflake-connection', 'entrypoint', 'type', 'title', 'quarto-version', 'configuration'],
    ['new', 'snowflake', 'draft'],
  );
  if (positional.length !== 1) throw new UsageError('Give exactly one project folder.');
  if (typeof o.server !== 'string') throw new UsageError('--server <url> is required.');
  if (o.type !== undefined && !isAppMode(o.type))
    throw new UsageError(`--type ${String(o.type)} is not a Connect app mode.`);
  const url = normaliseServerUrl(o.server);
  const snowflake = o.snowflake === true || typeof o['snowflake-connection'] === 'string' || isSnowflakeIngressUrl(url);
  const connection =
    typeof o['snowflake-connection'] === 'string'
      ? o['snowflake-connection']
      : snowflake
        ? (await auth.service.connections()).defaultName
        : undefined;
  const override: ContentOverride = {
    ...(isAppMode(o.type) ? { appmode: o.type } : {}),
    ...(typeof o.entrypoint === 'string' ? { entrypoint: o.entrypoint } : {}),
  };
  return {
    dir: path.resolve(positional[0]!),
    server: {
      url,
      ...(snowflake ? { snowflake: true } : {}),
      ...(connection ? { snowflakeConnection: connection } : {}),
    },
    keyVar: typeof o['api-key-env'] === 'string' ? o['api-key-env'] : 'CONNECT_API_KEY',
    ...(override.appmode || override.entrypoint ? { override } : {}),
    ...(typeof o.title === 'string' ? { title: o.title } : {}),
    newContent: o.new === true,
    integrations: values.integration,
    environment: values.env.map(envVar),
    secrets: values.secret,
    draft: o.draft === true,
    ...(typeof o['quarto-version'] === 'string' ? { quartoVersion: o['quarto-version'] } : {}),
    ...(typeof o.configuration === 'string' ? { configurationName: o.configuration } : {}),
  };
}

/** Runs the publish subcommand; returns the exit code (0 ok, 1 failed, 2 usage, 130 cancelled). */
export async function runPublishCli(args: readonly string[], io: CliIo, opts: CliOptions = {}): Promise<number> {
  const auth = new CliAuth(io, opts);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  if (!opts.signal) process.once('SIGINT', onSigint);
  try {
    const p = await parse(args, auth);
    const apiKey = io.env[p.keyVar];
    if (!apiKey)
      throw new UsageError(
        `The Connect API key is not in $${p.keyVar}; set it, or name another variable with --api-key-env.`,
      );
    const result = await publish({
      dir: p.dir,
      server: p.server,
      apiKey,
      ...(p.server.snowflake ? { auth: auth.service } : {}),
      ...(p.override ? { override: p.override } : {}),
      ...(p.title ? { title: p.title } : {}),
      newContent: p.newContent,
      integrations: p.integrations,
      environment: p.environment,
      secrets: p.secrets,
      // A secret's value comes from the variable of the same name, so it is never on the command line or in a file.
      secretValue: async (name) => io.env[name] || undefined,
      ...(p.draft ? { activate: false } : {}),
      ...(p.quartoVersion ? { quartoVersion: p.quartoVersion } : {}),
      ...(p.configurationName ? { configurationName: p.configurationName } : {}),
      signal: opts.signal ?? controller.signal,
      clientVersion: 'posit-snowflake-cli',
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.probe ? { probe: opts.probe } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      onEvent: (e) => {
        const line = describe(e);
        if (line) io.stderr.write(`${line}\n`);
      },
    });
    io.stderr.write(
      `Deployed ${result.created ? 'new' : 'existing'} content ${result.contentGuid}${p.draft ? ' as a draft (not activated)' : ''}; record ${path.relative(p.dir, result.recordPath)}, configuration ${result.configurationName}.\n`,
    );
    io.stdout.write(`${result.contentUrl}\n`);
    return 0;
  } catch (err) {
    return reportError(err, io, {
      prefix: 'posit-snowflake publish',
      usage: PUBLISH_USAGE,
      cancelled: 'cancelled; nothing was recorded.',
      detail: (e) =>
        e instanceof TaskFailedError
          ? `Last lines of the deployment log:\n${e.lastLines.map((l) => `  ${l}`).join('\n')}\n`
          : undefined,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    auth.dispose();
  }
}
