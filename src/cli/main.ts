// The CLI's router: one module per verb under commands/; this file only routes and turns errors into exit codes.
import { CliAuth } from './cliAuth';
import { connectionCommand } from './commands/connection';
import { connectionsCommand } from './commands/connections';
import { doctorCommand } from './commands/doctor';
import { keypairCommand } from './commands/keypair';
import { patCommand } from './commands/pat';
import { runPublishCli } from './commands/publish';
import { testCommand } from './commands/test';
import { tokenCommand } from './commands/token';
import { reportError, type CliIo, type CliOptions } from './io';

export type { CliIo } from './io';

const USAGE = `Usage: posit-snowflake <command>
  connections [--json]                      list the connections the Snowflake clients would see
  test <name>                               log in and print user, role and warehouse
  token <name> [--ingress <host>] [--role <role>]
                                            print a REST token, or an SPCS ingress token
  doctor [<name>] [--offline]               explain where each connection comes from and what is wrong
                                            (--offline: no login attempt)
  keypair generate <name> [--user U --account A] [--via <name>] [--unencrypted]
                                            create a key, set it on the user, write the connection
  keypair rotate <name> [--unencrypted]     replace the connection's key (free slot, verified, old one unset)
  pat create <name> [--days N] [--role R] [--name TOKEN] [--as NEW | --switch]
                                            create a PAT over the connection's sign-in, write a connection for it
  connection remove <name>                  delete the connection's table from its file
  publish <dir> --server <url> [--snowflake-connection <name>] [--api-key-env <VAR>]
                                            publish a project to Posit Connect
`;

type AuthVerb = (args: readonly string[], io: CliIo, auth: CliAuth, opts: CliOptions) => Promise<number>;

const AUTH_VERBS: Readonly<Record<string, AuthVerb>> = {
  connections: connectionsCommand,
  test: testCommand,
  token: tokenCommand,
  doctor: doctorCommand,
  keypair: keypairCommand,
  pat: patCommand,
  connection: connectionCommand,
};

export async function runCli(argv: readonly string[], io: CliIo, opts: CliOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'publish') return runPublishCli(rest, io, opts);
  const verb = AUTH_VERBS[command];
  if (!verb) {
    io.stderr.write(`posit-snowflake: unknown command '${command}'.\n${USAGE}`);
    return 2;
  }
  const auth = new CliAuth(io, opts);
  try {
    return await verb(rest, io, auth, opts);
  } catch (err) {
    return reportError(err, io, { prefix: 'posit-snowflake' });
  } finally {
    auth.dispose();
  }
}
