// Add Connection without the prompts: which file it writes, what goes in the file and what goes to SecretStorage, and
// that a refused input writes nothing at all.
import * as assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SecretStore } from '../../../src/core/auth/secretStore';
import { TestSecretStorage } from '../../support/testSecretStorage';
import type { AuthService, ConnectionProfile } from '../../../src/core/auth/types';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import {
  addConnection,
  accountProblem,
  normaliseAccount,
  type AddConnectionOptions,
} from '../../../src/core/connections/edit/addConnection';

/** Where the fake auth service keeps secrets (each test's fresh store). */
let secrets: SecretStore;

function fakeAuth(
  directory: string,
  connections: Partial<ConnectionProfile>[] = [],
): AuthService & { reloads: number } {
  const resolved = async () => ({
    connections: connections as ConnectionProfile[],
    defaultName: 'default',
    directory,
    files: [],
    diagnostics: [],
  });
  const auth = {
    reloads: 0,
    connections: resolved,
    reload: async () => {
      auth.reloads++;
      return resolved();
    },
    setSecret: async (connection: string, kind: 'keyPassphrase' | 'pat' | 'oauthClientSecret', value?: string) => {
      if (value === undefined) await secrets.delete({ kind, id: connection });
      else await secrets.set({ kind, id: connection }, value);
    },
  };
  return auth as unknown as AuthService & { reloads: number };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

describe('addConnection (editor flow without prompts)', () => {
  let dir: string;
  let home: string;
  let raw: TestSecretStorage;
  let encryptedKey: string;
  let plainKey: string;
  const passphrase = crypto.randomBytes(9).toString('base64url');

  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'psf-add-'));
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    encryptedKey = path.join(dir, 'enc.p8');
    plainKey = path.join(dir, 'plain.p8');
    await fsp.writeFile(
      encryptedKey,
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }),
      { mode: 0o600 },
    );
    await fsp.writeFile(plainKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    home = await fsp.mkdtemp(path.join(dir, 'home-'));
    raw = new TestSecretStorage();
    secrets = new SecretStore(raw);
  });

  const keyPair = (o: Partial<AddConnectionOptions> = {}): AddConnectionOptions => ({
    name: 'prod',
    account: 'myorg-prod',
    user: 'ALICE',
    authenticator: 'SNOWFLAKE_JWT',
    privateKeyFile: encryptedKey,
    passphrase,
    role: 'ANALYST',
    ...o,
  });

  it('writes the table to connections.toml (0600) and the passphrase only to SecretStorage', async () => {
    const auth = fakeAuth(home);
    const res = await addConnection(auth, keyPair());
    assert.equal(auth.reloads, 1, 'the auth service re-reads the files at once (a new directory is not watched yet)');
    assert.equal(res.file, path.join(home, 'connections.toml'));
    assert.equal(res.created, true);
    const text = await fsp.readFile(res.file, 'utf8');
    assert.equal(
      text,
      `[prod]\naccount = "myorg-prod"\nuser = "ALICE"\nauthenticator = "SNOWFLAKE_JWT"\nprivate_key_file = ${JSON.stringify(encryptedKey)}\nrole = "ANALYST"\n`,
    );
    assert.equal((await fsp.stat(res.file)).mode & 0o777, 0o600);
    assert.equal(await secrets.get({ kind: 'keyPassphrase', id: 'prod' }), passphrase);
    for (const f of await listFiles(dir))
      assert.ok(!(await fsp.readFile(f, 'utf8')).includes(passphrase), `${f} holds no passphrase`);
  });

  it('refuses a wrong passphrase before writing or storing anything', async () => {
    await assert.rejects(
      addConnection(fakeAuth(home), keyPair({ passphrase: 'not-it' })),
      (err: unknown) => err instanceof SnowflakeExtError && err.code === 'badPassphrase',
    );
    assert.deepEqual(await fsp.readdir(home), []);
    assert.equal(raw.data.size, 0);
  });

  it('refuses a key file that does not exist or is a public key', async () => {
    await assert.rejects(
      addConnection(fakeAuth(home), keyPair({ privateKeyFile: path.join(dir, 'missing.p8') })),
      /missing\.p8 cannot be read \(ENOENT\)/,
    );
    const pub = path.join(dir, 'pub.pem');
    await fsp.writeFile(
      pub,
      crypto.createPublicKey(await fsp.readFile(plainKey, 'utf8')).export({ type: 'spki', format: 'pem' }),
    );
    await assert.rejects(
      addConnection(fakeAuth(home), keyPair({ privateKeyFile: pub, passphrase: undefined })),
      /holds a public key, not the private key/,
    );
    assert.deepEqual(await fsp.readdir(home), []);
  });

  it('keeps a PAT out of the file', async () => {
    const pat = `pat_${crypto.randomBytes(12).toString('hex')}`;
    const res = await addConnection(fakeAuth(home), {
      name: 'svc',
      account: 'myorg-prod',
      authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
      pat,
    });
    const text = await fsp.readFile(res.file, 'utf8');
    assert.equal(text, '[svc]\naccount = "myorg-prod"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\n');
    assert.equal(await secrets.get({ kind: 'pat', id: 'svc' }), pat);
  });

  it('adds to config.toml when that is where the connections are (a new connections.toml would hide them)', async () => {
    const config = '# mine\ndefault_connection_name = "old"\n\n[connections.old]\naccount = "o"\n';
    await fsp.writeFile(path.join(home, 'config.toml'), config, { mode: 0o600 });
    const res = await addConnection(fakeAuth(home), keyPair({ privateKeyFile: plainKey, passphrase: undefined }));
    assert.equal(res.file, path.join(home, 'config.toml'));
    const text = await fsp.readFile(res.file, 'utf8');
    assert.ok(text.startsWith(config));
    assert.match(text.slice(config.length), /^\n\[connections\.prod\]\naccount = "myorg-prod"\n/);
    assert.deepEqual(await fsp.readdir(home), ['config.toml']);
  });

  it('creates connections.toml when config.toml has no connections', async () => {
    await fsp.writeFile(path.join(home, 'config.toml'), 'default_connection_name = "prod"\n');
    const res = await addConnection(fakeAuth(home), keyPair({ privateKeyFile: plainKey, passphrase: undefined }));
    assert.equal(res.file, path.join(home, 'connections.toml'));
    assert.equal(await fsp.readFile(path.join(home, 'config.toml'), 'utf8'), 'default_connection_name = "prod"\n');
  });

  it('refuses the directory Posit Workbench manages, since Workbench rewrites its file', async () => {
    const wb = path.join(home, 'posit-workbench');
    await fsp.mkdir(wb);
    await fsp.writeFile(
      path.join(wb, 'connections.toml'),
      '[workbench]\naccount = "a"\ntoken = "t"\nauthenticator = "oauth"\n',
    );
    const auth = fakeAuth(wb, [{ name: 'workbench', source: 'workbench', file: path.join(wb, 'connections.toml') }]);
    await assert.rejects(
      addConnection(auth, keyPair()),
      (err: unknown) =>
        err instanceof SnowflakeExtError &&
        err.kind === 'notSupported' &&
        /managed by Posit Workbench/.test(err.message),
    );
    assert.equal(
      await fsp.readFile(path.join(wb, 'connections.toml'), 'utf8'),
      '[workbench]\naccount = "a"\ntoken = "t"\nauthenticator = "oauth"\n',
    );
  });

  it('maps a Snowsight address to <org>-<account> (or <locator>.<region>), and refuses one naming no account', () => {
    assert.equal(normaliseAccount('https://app.snowflake.com/acme/prod_eu/#/homepage'), 'acme-prod_eu');
    assert.equal(normaliseAccount('app.snowflake.com/acme2/analytics/worksheets'), 'acme2-analytics');
    assert.equal(normaliseAccount('https://app.snowflake.com/east-us-2.azure/xy12345/'), 'xy12345.east-us-2.azure');
    assert.equal(normaliseAccount('https://app.snowflake.com/us-west-2/xy12345'), 'xy12345');
    assert.equal(accountProblem(normaliseAccount('https://app.snowflake.com/acme/prod_eu')), undefined);
    const bare = normaliseAccount('https://app.snowflake.com/');
    assert.match(accountProblem(bare) ?? '', /Snowsight address does not name an account.*<org>-<account>/);
  });

  it('accepts a pasted Snowflake URL as the account and refuses what is not an account', async () => {
    assert.equal(normaliseAccount(' https://MyOrg-Prod.snowflakecomputing.com/console '), 'MyOrg-Prod');
    // China-region URLs end in .cn; the form cuts them as connection files are cut (cleanAccount).
    assert.equal(normaliseAccount('https://xy12345.cn-northwest-1.snowflakecomputing.cn/'), 'xy12345.cn-northwest-1');
    const res = await addConnection(
      fakeAuth(home),
      keyPair({
        account: 'https://xy12345.eu-west-1.snowflakecomputing.com',
        privateKeyFile: plainKey,
        passphrase: undefined,
      }),
    );
    assert.match(await fsp.readFile(res.file, 'utf8'), /^account = "xy12345\.eu-west-1"$/m);
    await assert.rejects(
      addConnection(fakeAuth(home), keyPair({ name: 'x', account: 'my org' })),
      (err: SnowflakeExtError) =>
        /"my org" is not an account identifier/.test(err.message) &&
        /'my org' may hold only letters, digits, '_' and '-'/.test(err.fix?.text ?? ''),
    );
  });

  it('says the connection was added but the secret was not when the keychain refuses the write', async () => {
    raw.failWrites = true;
    await assert.rejects(
      addConnection(fakeAuth(home), keyPair()),
      (err: unknown) =>
        err instanceof SnowflakeExtError &&
        /^Connection "prod" was added to .*connections\.toml, but the editor's secret storage refused the secret\. Run 'Snowflake: Set Key Passphrase' to try again\.$/.test(
          err.userText,
        ),
    );
    assert.match(await fsp.readFile(path.join(home, 'connections.toml'), 'utf8'), /^\[prod\]$/m);
  });
});
