// Writes a sandbox Snowflake home pointing at a running emulator: key-pair (plain and encrypted key), PAT and OAuth
// connections in connections.toml, config.toml's default, and a Workbench-managed directory with a rotating token.
// Keys and tokens are generated at run time; nothing secret is checked in.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringifyToml as stringify } from './toml';
import type { EmulatorState } from './state';
import type { WorkbenchTokens } from './workbench';

export interface SandboxTarget {
  readonly snowflakeUrl: string;
  readonly state: EmulatorState;
  readonly workbench: WorkbenchTokens;
  /** Set to the written home, so the control API's /info can report it. */
  home?: SandboxHome;
}

export interface SandboxHome {
  /** SNOWFLAKE_HOME for the user's own connections. */
  readonly home: string;
  /** The Workbench-managed SNOWFLAKE_HOME (its path contains posit-workbench). */
  readonly workbenchHome: string;
  /** Environment for an editor using the sandbox home. */
  readonly env: Record<string, string>;
  /** Environment a Posit Workbench session would have. */
  readonly workbenchEnv: Record<string, string>;
  /** Passphrase of the `encrypted_key` connection's key (not written anywhere: tests type it). */
  readonly passphrase: string;
  readonly keyFiles: { readonly keypair: string; readonly encrypted: string };
  readonly fingerprints: { readonly keypair: string; readonly encrypted: string };
  readonly pat: string;
  readonly user: string;
  readonly connectionNames: readonly string[];
}

export const SANDBOX_USER = 'DEMO_USER';
export const SANDBOX_ROLE = 'ANALYST';
export const SANDBOX_WAREHOUSE = 'DEMO_WH';

function writePrivate(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export function writeSandboxHome(dir: string, emulator: SandboxTarget): SandboxHome {
  const { state } = emulator;
  const url = new URL(emulator.snowflakeUrl);
  const port = Number(url.port);
  const home = path.resolve(dir);
  fs.mkdirSync(path.join(home, 'keys'), { recursive: true, mode: 0o700 });

  const plain = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keypairFile = path.join(home, 'keys', 'rsa_key.p8');
  writePrivate(keypairFile, plain.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const passphrase = crypto.randomBytes(12).toString('base64url');
  const enc = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encryptedFile = path.join(home, 'keys', 'rsa_key_encrypted.p8');
  writePrivate(
    encryptedFile,
    enc.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString(),
  );
  const user = state.user(SANDBOX_USER)!;
  for (const fp of [...user.keys.keys()]) state.removePublicKey(SANDBOX_USER, fp);
  const fingerprints = {
    keypair: state.addPublicKey(SANDBOX_USER, plain.publicKey),
    encrypted: state.addPublicKey(SANDBOX_USER, enc.publicKey),
  };
  const pat = state.addPat(SANDBOX_USER, SANDBOX_ROLE);

  const common = {
    account: state.account,
    user: SANDBOX_USER,
    host: url.hostname,
    port,
    protocol: url.protocol.replace(':', ''),
    role: SANDBOX_ROLE,
    warehouse: SANDBOX_WAREHOUSE,
  };
  const connections = {
    keypair: {
      ...common,
      authenticator: 'SNOWFLAKE_JWT',
      private_key_file: keypairFile,
      database: 'SALES_DB',
      schema: 'PUBLIC',
    },
    encrypted_key: { ...common, authenticator: 'SNOWFLAKE_JWT', private_key_file: encryptedFile },
    pat: { ...common, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: pat },
    // LOCAL_APPLICATION is Snowflake's public built-in client; drivers only assume it for *.snowflakecomputing.com hosts.
    oauth_code: {
      ...common,
      authenticator: 'oauth_authorization_code',
      oauth_client_id: 'LOCAL_APPLICATION',
      oauth_client_secret: 'LOCAL_APPLICATION',
    },
  };
  writePrivate(
    path.join(home, 'connections.toml'),
    `# Sandbox connections for the posit-snowflake emulator (generated at run time).\n${stringify(connections)}`,
  );
  writePrivate(path.join(home, 'config.toml'), 'default_connection_name = "keypair"\n');

  const workbenchHome = path.join(home, 'posit-workbench', 'snowflake');
  emulator.workbench.attach(workbenchHome, { host: url.hostname, port, protocol: common.protocol });

  const written: SandboxHome = {
    home,
    workbenchHome,
    passphrase,
    pat,
    user: SANDBOX_USER,
    fingerprints,
    keyFiles: { keypair: keypairFile, encrypted: encryptedFile },
    connectionNames: Object.keys(connections),
    env: { SNOWFLAKE_HOME: home },
    workbenchEnv: {
      SNOWFLAKE_HOME: workbenchHome,
      SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'workbench',
      SNOWFLAKE_ACCOUNT: state.account,
      RS_SERVER_URL: 'http://127.0.0.1:8787/',
      RSTUDIO_PROGRAM_MODE: 'server',
      POSIT_PRODUCT: 'WORKBENCH',
    },
  };
  emulator.home = written;
  return written;
}
