// Bad inputs, each with the exact message the user sees, and proof that nothing was lost or written (files and
// SecretStore unchanged) and that no secret appears in the message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { loginProbe } from '../../../src/core/auth/diagnostics/loginProbe';
import { toExtError } from '../../../src/core/shared/errors';
import type { AuthService } from '../../../src/core/auth/types';
import {
  fsWithUnreadable,
  makeAuth,
  newRsaKey,
  snapshotDir,
  startAuthWorld,
  table,
  writeHome,
  type AuthWorld,
  type TestAuth,
} from './authHarness';

const PASS = crypto.randomBytes(12).toString('base64url');
const rsa = newRsaKey();
const stranger = newRsaKey();
const pem = (k: crypto.KeyObject, type: 'pkcs8' | 'spki' | 'sec1' = 'pkcs8', passphrase?: string): string =>
  k.export({ type, format: 'pem', ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}) } as never).toString();
const KEYS = {
  plain: pem(rsa.privateKey),
  encrypted: pem(rsa.privateKey, 'pkcs8', PASS),
  stranger: pem(stranger.privateKey),
  publicKey: pem(rsa.publicKey, 'spki'),
  dsa: pem(crypto.generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey),
  ec: pem(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'sec1'),
};

interface Ctx {
  readonly w: AuthWorld;
  readonly t: TestAuth;
  readonly dir: string;
  conn(name?: string): ReturnType<AuthService['getConnection']>;
}

interface BadCase {
  readonly name: string;
  /** connections.toml text; `$DIR` is the case's directory. */
  readonly toml: (w: AuthWorld) => string;
  readonly files?: Record<string, { text: string; mode?: number }>;
  readonly env?: Record<string, string>;
  readonly secrets?: (w: AuthWorld) => Record<string, string>;
  readonly unreadable?: readonly string[];
  /** Named pipes to make in the case's directory. */
  readonly fifos?: readonly string[];
  readonly setup?: (w: AuthWorld) => void;
  readonly act?: (c: Ctx) => Promise<unknown>;
  /** The exact text shown (message and fix); `$DIR` is the case's directory, `[id]` a server request id. */
  readonly expect: string;
  /** The case deletes what it seeded in the SecretStore (a refused refresh token), instead of leaving it unchanged. */
  readonly clearsSecrets?: boolean;
}

const JWT = { user: 'DEMO_USER', authenticator: 'SNOWFLAKE_JWT', role: 'ANALYST', warehouse: 'DEMO_WH' };
const rest = async (c: Ctx): Promise<unknown> => c.t.auth.forRest(await c.conn());
const probe = async (c: Ctx): Promise<unknown> => loginProbe(c.t.auth, await c.conn(), { silent: true });
const diagnostic =
  (severity: string) =>
  async (c: Ctx): Promise<string> => {
    const r = await c.t.auth.connections();
    const d =
      r.diagnostics.find((x) => x.severity === severity && x.connection !== undefined) ??
      r.diagnostics.find((x) => x.severity === severity);
    return d ? `${d.message}${d.fix ? ` ${d.fix}` : ''}` : 'no diagnostic';
  };

const cases: BadCase[] = [
  {
    name: 'malformed TOML names the file and line',
    toml: () => '[c]\naccount = "acct"\ntoken = "abc\n',
    expect:
      "Connection 'c' cannot be found, known ones are []. $DIR/connections.toml is not valid TOML at line 3, column 13: expected printable text (a control character is in a string or comment). None of its connections can be used until it is fixed. Fix line 3, column 13 of $DIR/connections.toml.",
  },
  {
    name: 'unknown authenticator',
    toml: (w) => table(w, 'c', { user: 'u', authenticator: 'kerberos' }),
    expect:
      "Connection 'c': authenticator 'kerberos' is not one Snowflake knows (the Python connector says \"Unknown authenticator\"). Use one of snowflake, externalbrowser, snowflake_jwt, oauth, oauth_authorization_code, oauth_client_credentials, username_password_mfa, workload_identity, programmatic_access_token, pat_with_external_session, or your Okta URL (https://<org>.okta.com).",
  },
  {
    name: 'missing key file',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/nope.p8' }),
    expect:
      "The private key file $DIR/nope.p8 (private_key_file of connection 'c') does not exist. Fix private_key_file in connection 'c'.",
  },
  {
    name: 'unreadable key file',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.plain } },
    unreadable: ['k.p8'],
    expect: 'The private key file $DIR/k.p8 could not be read (EACCES). Make it readable by you: chmod 0600 $DIR/k.p8',
  },
  {
    name: 'wrong passphrase in PRIVATE_KEY_PASSPHRASE: a config error before any request',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.encrypted } },
    env: { PRIVATE_KEY_PASSPHRASE: 'definitely-wrong' },
    act: probe,
    expect:
      'The passphrase from PRIVATE_KEY_PASSPHRASE does not decrypt the private key $DIR/k.p8. Fix PRIVATE_KEY_PASSPHRASE, or unset it to be asked.',
  },
  {
    name: 'wrong passphrase in the connection file',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8', private_key_file_pwd: 'definitely-wrong' }),
    files: { 'k.p8': { text: KEYS.encrypted } },
    expect:
      "The passphrase from private_key_file_pwd of connection 'c' does not decrypt the private key $DIR/k.p8. Fix private_key_file_pwd of connection 'c', or unset it to be asked.",
  },
  {
    name: 'encrypted key with an empty passphrase',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8', private_key_file_pwd: '' }),
    files: { 'k.p8': { text: KEYS.encrypted } },
    expect:
      "The private key $DIR/k.p8 is encrypted and private_key_file_pwd of connection 'c' is empty; an empty passphrase is not accepted. Set private_key_file_pwd of connection 'c' to the key's passphrase.",
  },
  {
    name: 'encrypted key, no passphrase anywhere, nobody to ask (the CLI)',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.encrypted } },
    expect:
      "The private key $DIR/k.p8 is encrypted and no passphrase is set. Run 'Snowflake: Set Key Passphrase', or set PRIVATE_KEY_PASSPHRASE.",
  },
  {
    name: 'a DSA key',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.dsa } },
    expect:
      'The private key $DIR/k.p8 is a DSA key; Snowflake key-pair authentication needs an RSA key. Create an RSA key: openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt',
  },
  {
    name: 'an EC key',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.ec } },
    expect:
      'The private key $DIR/k.p8 is an EC key; Snowflake key-pair authentication needs an RSA key. Create an RSA key: openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt',
  },
  {
    name: 'a public key given as the private key',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.pub' }),
    files: { 'k.pub': { text: KEYS.publicKey } },
    expect:
      'The private key $DIR/k.pub holds a public key, not the private key. Use the private key here; the public key is what you set on the user with ALTER USER … SET RSA_PUBLIC_KEY.',
  },
  {
    name: 'a public key pasted into private_key_raw',
    toml: (w) => table(w, 'c', { ...JWT, private_key_raw: KEYS.publicKey.replace(/\n/g, '\\n') }),
    expect:
      "The private key in private_key_raw of connection 'c' holds a public key, not the private key. Use the private key here; the public key is what you set on the user with ALTER USER … SET RSA_PUBLIC_KEY.",
  },
  {
    name: 'a world-writable connections file is not used',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token: 'tok-world-writable' }),
    files: { 'connections.toml': { text: '', mode: 0o666 } },
    expect:
      "Connection 'c' cannot be found, known ones are []. The connections file $DIR/connections.toml is writable by group or others (mode 0666), so it is not used: anyone could change your connection. Run: chmod 0600 $DIR/connections.toml",
  },
  {
    name: 'an org-account with a region left in (warning)',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token: 't', account: 'myorg-myacct.us-east-1' }),
    act: diagnostic('warning'),
    expect:
      "Connection 'c': account 'myorg-myacct.us-east-1' mixes the org-account form with a region (us-east-1); org-account identifiers take no region. Set account = \"myorg-myacct\".",
  },
  {
    name: 'an account that is not an identifier',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token: 't', account: 'my account!' }),
    expect:
      "Connection 'c': account 'my account!' is not valid: 'my account!' may hold only letters, digits, '_' and '-'. Use the account identifier from Snowsight (Account → View account details), e.g. myorg-myaccount.",
  },
  {
    name: 'an expired Workbench token',
    toml: () => '',
    setup: (w) => {
      w.emu.rotateWorkbenchToken();
      w.emu.state.accessTokens.get(w.emu.workbench.current!)!.expiresAt = 0;
    },
    env: { WORKBENCH: '1' },
    act: async (c) => loginProbe(c.t.auth, await c.t.auth.getConnection('workbench'), { silent: true }),
    expect:
      "The Posit Workbench token of connection 'workbench' has expired and Workbench has not written a new one (code 390318). Snowflake said: OAuth access token expired. [id] Check the Snowflake sign-in on the Posit Workbench home page, or start a new session.",
  },
  {
    name: 'a revoked refresh token',
    toml: (w) => table(w, 'c', { authenticator: 'oauth_authorization_code', role: 'ANALYST' }),
    secrets: (w) => ({
      oauthRefreshToken: w.emu.state.issueRefreshToken('DEMO_USER', 'ANALYST', 'LOCAL_APPLICATION', 'refresh_token'),
    }),
    setup: (w) => {
      w.emu.state.revokeRefreshTokens('DEMO_USER');
    },
    act: async (c) => {
      const err = await rest(c).catch((e: unknown) => e);
      assert.equal(await c.t.auth.isSignedIn(await c.conn()), false, 'no longer shown as signed in');
      throw err;
    },
    clearsSecrets: true,
    expect:
      "The Snowflake sign-in of connection 'c' (role ANALYST) has expired or was revoked. Sign in again ('Snowflake: Sign In').",
  },
  {
    name: 'a 429 from the token endpoint that does not clear',
    toml: (w) => table(w, 'c', { authenticator: 'oauth_authorization_code', role: 'ANALYST' }),
    secrets: (w) => ({
      oauthRefreshToken: w.emu.state.issueRefreshToken('DEMO_USER', 'ANALYST', 'LOCAL_APPLICATION', 'refresh_token'),
    }),
    setup: (w) =>
      w.emu.servers.snowflake.addFault({ route: 'POST /oauth/token-request', status: 429, retryAfter: 0, times: 5 }),
    expect: "Snowflake's token endpoint is rate limiting requests for connection 'c' (HTTP 429). Try again in 1 s.",
  },
  {
    name: 'a key Snowflake does not know (fingerprint mismatch)',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.stranger } },
    act: probe,
    expect: `The public key registered for user DEMO_USER does not match the private key of connection 'c' (code 394304). Snowflake said: JWT token is invalid: public key fingerprint mismatch (${fp(stranger.publicKey)} is not registered for user DEMO_USER). [id] Our key's fingerprint is ${fp(stranger.publicKey)}; compare it with RSA_PUBLIC_KEY_FP in DESCRIBE USER DEMO_USER, and set the public key with ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='...'.`,
  },
  {
    name: 'a clock 10 minutes ahead of Snowflake',
    toml: (w) => table(w, 'c', { ...JWT, user: 'CLOCK_USER', private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.plain } },
    setup: (w) => {
      w.emu.state.addUser('CLOCK_USER', { roles: ['ANALYST'], defaultRole: 'ANALYST', defaultWarehouse: 'DEMO_WH' });
      w.emu.state.addPublicKey('CLOCK_USER', rsa.publicKey);
      w.emu.state.advanceClock(-600);
      w.emu.servers.snowflake.addFault({ route: 'POST /session/v1/login-request', dateSkewSeconds: -600, times: 2 });
    },
    act: async (c) => {
      try {
        return await probe(c);
      } finally {
        c.w.emu.state.advanceClock(600);
      }
    },
    expect:
      "Snowflake found the key-pair JWT of connection 'c' not yet valid (code 394302). Snowflake said: JWT token is not yet valid (issued in the future). [id] Your clock is 10 minutes ahead of Snowflake's. Set the computer's clock to the right time (enable automatic time), then try again.",
  },
  {
    name: 'a PAT Snowflake refuses (with the network policy hint)',
    toml: (w) =>
      table(w, 'c', { authenticator: 'programmatic_access_token', token: 'pat_not_a_real_one', user: 'DEMO_USER' }),
    act: probe,
    expect:
      "Snowflake did not accept the programmatic access token of connection 'c': it may be wrong, expired or revoked (code 394400). Snowflake said: Programmatic access token is invalid. Create a new PAT and run 'Snowflake: Set PAT'. A PAT also needs a network policy on the user (ALTER USER … SET NETWORK_POLICY) unless an authentication policy exempts it.",
  },
  {
    name: 'a PAT connection with no PAT',
    toml: (w) => table(w, 'c', { authenticator: 'programmatic_access_token', user: 'DEMO_USER' }),
    expect:
      "Connection 'c' uses a programmatic access token, but none is set. Run 'Snowflake: Set PAT', or add token_file_path to the connection.",
  },
  {
    name: 'an OAuth connection with no token',
    toml: (w) => table(w, 'c', { authenticator: 'oauth' }),
    expect:
      "Connection 'c' uses OAuth but has no token. Add token_file_path (or token) to connection 'c', or set authenticator = \"oauth_authorization_code\" to sign in with the browser.",
  },
  {
    name: 'a token file that does not exist',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token_file_path: '$DIR/missing-token' }),
    expect:
      "Connection 'c': the token file $DIR/missing-token does not exist. Create it, or fix the path in connection 'c'.",
  },
  {
    name: 'an empty token file',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token_file_path: '$DIR/tok' }),
    files: { tok: { text: '\n  \n' } },
    expect: "Connection 'c': the token file $DIR/tok holds no token. Write the token into $DIR/tok.",
  },
  {
    name: 'a token file others can write',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token_file_path: '$DIR/tok' }),
    files: { tok: { text: 'tok-secret-abc', mode: 0o646 } },
    expect:
      'The token file $DIR/tok is writable by group or others (mode 0646), so it is not used: anyone could change your connection. Run: chmod 0600 $DIR/tok',
  },
  {
    name: 'a connection that does not exist',
    toml: (w) =>
      table(w, 'a', { authenticator: 'oauth', token: 't' }) + table(w, 'b', { authenticator: 'oauth', token: 't' }),
    expect:
      "Connection 'c' cannot be found, known ones are ['a', 'b']. Check the name, or add it to $DIR/connections.toml ('Snowflake: Add Connection').",
  },
  {
    name: 'an authenticator not supported yet',
    toml: (w) => table(w, 'c', { user: 'u', authenticator: 'username_password_mfa' }),
    expect:
      "Connection 'c' uses authenticator username_password_mfa, which this extension does not support yet. Use one of snowflake_jwt, oauth, programmatic_access_token, oauth_authorization_code.",
  },
  {
    name: 'a key pair without a user',
    toml: (w) => table(w, 'c', { authenticator: 'snowflake_jwt', private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: KEYS.plain } },
    expect: "Connection 'c' uses a key pair but has no user. Add user = \"<your Snowflake user>\" to connection 'c'.",
  },
  {
    name: 'SNOWFLAKE_CONNECTIONS that is not TOML',
    toml: () => '',
    env: { SNOWFLAKE_CONNECTIONS: '[c]\naccount = ' },
    expect:
      'Connection \'c\' cannot be found, known ones are []. SNOWFLAKE_CONNECTIONS is not valid TOML at line 2, column 11: expected a value: text in double quotes ("..."), a number, true or false (all lower case), or a date. None of its connections can be used until it is fixed. Fix or unset the SNOWFLAKE_CONNECTIONS environment variable.',
  },
  {
    name: 'a role the user does not have',
    toml: (w) =>
      table(w, 'c', {
        authenticator: 'programmatic_access_token',
        token: 'PAT',
        user: 'DEMO_USER',
        role: 'SYSADMIN',
      }).replace('"PAT"', JSON.stringify(patFor)),
    act: probe,
    expect:
      "The role 'SYSADMIN' of connection 'c' is not granted to user DEMO_USER (code 390189). Snowflake said: Role 'SYSADMIN' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC. Fix role in the connection (SHOW GRANTS TO USER lists the roles you have).",
  },
  {
    name: 'OAuth from a silent caller with no sign-in',
    toml: (w) => table(w, 'c', { authenticator: 'oauth_authorization_code' }),
    act: async (c) => c.t.auth.forRest(await c.conn(), { silent: true }),
    expect: "Connection 'c' is not signed in to Snowflake. Run 'Snowflake: Sign In'.",
  },
  {
    name: 'a token file that is a named pipe (no hang)',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token_file_path: '$DIR/tok' }),
    fifos: ['tok'],
    expect:
      "Connection 'c': the token file $DIR/tok is not a regular file (it is a pipe, socket or device). Fix the path in connection 'c'. It must name the file that holds the token.",
  },
  {
    name: 'a token file that is /dev/zero (no chmod advice, nothing read)',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token_file_path: '/dev/zero' }),
    expect:
      "Connection 'c': the token file /dev/zero is not a regular file (it is a pipe, socket or device). Fix the path in connection 'c'. It must name the file that holds the token.",
  },
  {
    name: 'a token file that is a folder',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token_file_path: '$DIR' }),
    expect:
      "Connection 'c': the token file $DIR is not a regular file (it is a folder). Fix the path in connection 'c'. It must name the file that holds the token.",
  },
  {
    name: 'a private key file that is a named pipe (no hang)',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    fifos: ['k.p8'],
    expect:
      "The private key file $DIR/k.p8 is not a regular file (it is a pipe, socket or device). Fix private_key_file in connection 'c'. It must name the file that holds the private key.",
  },
  {
    name: 'a private key file that is /dev/zero',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '/dev/zero' }),
    expect:
      "The private key file /dev/zero is not a regular file (it is a pipe, socket or device). Fix private_key_file in connection 'c'. It must name the file that holds the private key.",
  },
  {
    name: 'a private key file far too large to be a key',
    toml: (w) => table(w, 'c', { ...JWT, private_key_file: '$DIR/k.p8' }),
    files: { 'k.p8': { text: `${KEYS.plain}\n${'#'.repeat(70_000)}\n` } },
    expect:
      "The private key file $DIR/k.p8 is larger than 64 KiB, far more than a private key takes, so it is not read. Fix private_key_file in connection 'c'. It must name the file that holds the private key.",
  },
  {
    name: 'a port out of range names the connection and the key',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token: 't', port: 99999 }),
    expect:
      "Connection 'c': port 99999 is not a port number (1 to 65535). Fix port in connection 'c', or remove it to use the protocol's default.",
  },
  {
    name: 'a port that is not a number names the connection and the key',
    toml: (w) => table(w, 'c', { authenticator: 'oauth', token: 't', port: 'abc' }),
    expect:
      "Connection 'c': port \"abc\" is not a port number (1 to 65535). Fix port in connection 'c', or remove it to use the protocol's default.",
  },
  {
    name: 'an ingress host that does not parse (token --ingress http://)',
    toml: (w) => table(w, 'c', { authenticator: 'programmatic_access_token', token: 'PAT', user: 'DEMO_USER' }),
    act: async (c) => c.t.auth.forIngress(await c.conn(), 'http://'),
    expect:
      "'http://' is not the host of an app: no host name can be read from it. Give the host name or URL of the Snowflake app, e.g. https://abc123-myorg-myacct.snowflakecomputing.app.",
  },
];

let patFor = '';

function fp(k: crypto.KeyObject): string {
  return `SHA256:${crypto
    .createHash('sha256')
    .update(k.export({ type: 'spki', format: 'der' }))
    .digest('base64')}`;
}

describe('bad inputs: exact messages, nothing lost or written, no secret shown', () => {
  let w: AuthWorld;
  before(async () => {
    w = await startAuthWorld();
    patFor = w.emu.state.addPat('DEMO_USER');
  });
  after(async () => {
    await w.close();
  });

  it(`has at least 25 cases (${cases.length})`, () => assert.ok(cases.length >= 25));

  cases.forEach((bad, i) => {
    it(bad.name, async () => {
      const caseName = `bad${i}`;
      const dir = path.join(w.dir, caseName);
      const sub = (s: string): string => s.split('$DIR').join(dir);
      const files = Object.fromEntries(
        Object.entries(bad.files ?? {})
          .filter(([k]) => k !== 'connections.toml')
          .map(([k, v]) => [k, { ...v, text: sub(v.text) }]),
      );
      writeHome(w, caseName, sub(bad.toml(w)), files);
      for (const f of bad.fifos ?? []) execFileSync('mkfifo', [path.join(dir, f)]);
      const modeOverride = bad.files?.['connections.toml']?.mode;
      if (modeOverride !== undefined)
        (await import('node:fs')).chmodSync(path.join(dir, 'connections.toml'), modeOverride);
      const env = bad.env?.WORKBENCH ? { ...w.emu.home!.workbenchEnv } : { SNOWFLAKE_HOME: dir, ...(bad.env ?? {}) };
      const t = makeAuth(w, env, {
        ...(bad.unreadable ? { fs: fsWithUnreadable(new Set(bad.unreadable.map((f) => path.join(dir, f)))) } : {}),
      });
      const seeded = bad.secrets?.(w) ?? {};
      for (const [kind, value] of Object.entries(seeded)) await t.secrets.set({ kind: kind as never, id: 'c' }, value);
      bad.setup?.(w);
      const filesBefore = snapshotDir(w.dir);
      const secretsBefore = JSON.stringify([...t.raw.data.entries()]);
      let shown: string;
      try {
        const result = await (bad.act ?? rest)({ w, t, dir, conn: (n = 'c') => t.auth.getConnection(n) });
        shown = typeof result === 'string' ? result : assert.fail(`no error; got ${JSON.stringify(result)}`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        shown = toExtError(err).userText;
      } finally {
        w.emu.servers.snowflake.faults.splice(0);
      }
      assert.equal(shown.replace(/\[[0-9a-f-]{36}\]/g, '[id]'), sub(bad.expect));
      assert.equal(snapshotDir(w.dir), filesBefore, 'no file was written or changed');
      if (bad.clearsSecrets) {
        // What stays is at most the mark that the sign-in expired (the tree says so), never the refused token.
        const left = [...t.raw.data.values()].join('\n');
        for (const value of Object.values(seeded)) assert.ok(!left.includes(value), 'the refused secret is deleted');
      } else assert.equal(JSON.stringify([...t.raw.data.entries()]), secretsBefore, 'the SecretStore is unchanged');
      const secrets = [
        PASS,
        patFor,
        w.emu.home!.pat,
        w.emu.workbench.current!,
        'definitely-wrong',
        'tok-secret-abc',
        'tok-world-writable',
        ...Object.values(seeded),
        KEYS.plain.split('\n')[3]!,
        KEYS.encrypted.split('\n')[3]!,
        KEYS.stranger.split('\n')[3]!,
      ];
      for (const s of secrets) assert.ok(!shown.includes(s), `the message shows a secret: ${s.slice(0, 6)}…`);
    });
  });
});
