// The CLI's dispatcher: each subcommand lives with its capability; this file only routes and reports.
import { AUTH_COMMANDS, runAuthCli } from './authCommands';
import { runPublishCli } from './publishCommand';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = `Usage: posit-snowflake <command>
  connections [--json]                      list the connections the Snowflake clients would see
  test <name>                               log in and print user, role and warehouse
  token <name> [--ingress <host>] [--role <role>]
                                            print a REST token, or an SPCS ingress token
  doctor [<name>]                           explain where each connection comes from and what is wrong
  publish <dir> --server <url> [--snowflake-connection <name>] [--api-key-env <VAR>]
                                            publish a project to Posit Connect
`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (AUTH_COMMANDS.has(command)) return runAuthCli(argv, io);
  if (command === 'publish') return runPublishCli(argv.slice(1), io);
  io.stderr.write(`posit-snowflake: unknown command '${command}'.\n${USAGE}`);
  return 2;
}
