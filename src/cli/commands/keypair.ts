// `posit-snowflake keypair generate|rotate <connection>`: key-pair sign-in set up or rotated from a terminal. The CLI
// keeps no secrets: an encrypted key's passphrase comes from PRIVATE_KEY_PASSPHRASE, as every Snowflake client reads it.
import { keyDeps } from '../../core/auth/keys/keyDeps';
import { setUpKeyPair, type KeySetupResult } from '../../core/auth/keys/keyPairSetup';
import { rotateKey, type KeyRotationResult } from '../../core/auth/keys/keyRotation';
import { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import { createSnowflakeSdkDriver } from '../../core/snowflake/snowflakeSdkDriver';
import { nullLogger } from '../../core/shared/logger';
import { SnowflakeExtError } from '../../core/shared/errors';
import { parseArgs, stringOption, UsageError, type CliIo, type CliOptions } from '../io';
import type { CliAuth } from '../cliAuth';

const USAGE =
  'Usage: posit-snowflake keypair generate <connection> [--user U --account A] [--via <connection>] [--unencrypted]\n' +
  '       posit-snowflake keypair rotate <connection> [--unencrypted]';

/** The passphrase for a new encrypted key: only from the environment (the CLI neither asks nor stores). */
function passphraseOf(io: CliIo, unencrypted: boolean): string | undefined {
  if (unencrypted) return undefined;
  const p = io.env.PRIVATE_KEY_PASSPHRASE;
  if (!p)
    throw new SnowflakeExtError(
      'config',
      'An encrypted key needs a passphrase, and PRIVATE_KEY_PASSPHRASE is not set.',
      {
        text: 'Set PRIVATE_KEY_PASSPHRASE to the passphrase to encrypt it with (and keep it set for later runs), or pass --unencrypted.',
      },
    );
  return p;
}

function printSetup(io: CliIo, r: KeySetupResult): number {
  io.stdout.write(`Key file: ${r.keyFile} (${r.encrypted ? 'encrypted PKCS#8' : 'unencrypted PKCS#8'}, mode 0600)\n`);
  io.stdout.write(`Fingerprint: ${r.fingerprint}\nConnection '${r.connection}' written to ${r.connectionsFile}.\n`);
  if (r.encrypted)
    io.stdout.write('The key is encrypted with PRIVATE_KEY_PASSPHRASE: keep it set to use this connection.\n');
  if (!r.registeredVia) {
    io.stdout.write(`The public key is not set on the user yet: ${r.notRegistered ?? ''}\n`);
    io.stdout.write(`Ask an administrator to run:\n\n${r.statement};\n\n`);
    io.stdout.write(
      `Then check with DESCRIBE USER that RSA_PUBLIC_KEY_FP is ${r.fingerprint}, and run 'posit-snowflake test ${r.connection}'.\n`,
    );
    return 0;
  }
  io.stdout.write(`Set on the user over '${r.registeredVia}'; DESCRIBE USER shows the same fingerprint.\n`);
  if (r.login) {
    io.stdout.write(`Logged in with the new key as ${r.login.user}, role ${r.login.role}.\n`);
    return 0;
  }
  io.stderr.write(`The login with the new key failed: ${r.loginError ?? ''}\n`);
  return 1;
}

function printRotation(io: CliIo, r: KeyRotationResult): number {
  io.stdout.write(`New key ${r.fingerprint} in ${r.slot}: ${r.keyFile}\n`);
  io.stdout.write(`Switched to it: ${r.switched.join(', ')}\n`);
  if (r.leftAlone.length > 0)
    io.stdout.write(`Also use the old key file (another user or account, unchanged): ${r.leftAlone.join(', ')}\n`);
  if (r.oldSlotKept) {
    io.stderr.write(`The old key (${r.oldFingerprint}) is still set in ${r.oldSlot}: ${r.oldSlotKept}\n`);
    return 1;
  }
  io.stdout.write(
    `The old key (${r.oldFingerprint}) was unset from ${r.oldSlot}; ${r.oldKeyFile} is no longer used by these connections.\n`,
  );
  return 0;
}

export async function keypairCommand(
  args: readonly string[],
  io: CliIo,
  auth: CliAuth,
  opts: CliOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, options } = parseArgs(rest, ['user', 'account', 'via'], ['unencrypted']);
  if ((sub !== 'generate' && sub !== 'rotate') || positional.length !== 1) throw new UsageError(USAGE);
  const unencrypted = options.unencrypted === true;
  const passphrase = passphraseOf(io, unencrypted);
  const logger = opts.logger ?? nullLogger;
  const sessions = new SqlSessionManager({ auth: auth.service, driver: createSnowflakeSdkDriver(logger), logger });
  const deps = keyDeps(auth.service, { setSecret: async () => undefined }, sessions, auth.host, {
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const secret = { ...(passphrase !== undefined ? { passphrase } : {}), unencrypted };
  try {
    if (sub === 'rotate') {
      if (options.user || options.account || options.via) throw new UsageError(USAGE);
      return printRotation(io, await rotateKey(deps, { connection: positional[0]!, ...secret }));
    }
    const user = stringOption(options, 'user');
    const account = stringOption(options, 'account');
    const via = stringOption(options, 'via');
    const result = await setUpKeyPair(deps, {
      connection: positional[0]!,
      ...secret,
      ...(user ? { user } : {}),
      ...(account ? { account } : {}),
      ...(via ? { via } : {}),
    });
    return printSetup(io, result);
  } finally {
    sessions.dispose();
  }
}
