// Remove Connection / Edit Connection on the text: only the one table goes or changes; comments, other tables and
// their layout stay byte for byte; refusals leave the file unchanged. Also the key files Set Up writes.
import * as assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeTable, setTableValues, editConnection } from '../../../src/core/connections/edit/connectionTable';
import { generateKey, keyFileFor, writeNewKeyFile } from '../../../src/core/auth/keys/keyFiles';
import { setKeyStatement, freeSlot } from '../../../src/core/auth/keys/userKeys';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import type { ConnectionProfile } from '../../../src/core/auth/types';

const FILE = `# top comment
[dev]
account = "a-dev" # inline
user = "ME"

# prod: careful
[prod]
account = "a-prod"
# the prod user
user = "ALICE"

[prod.extra_params]
x = 1
`;

describe('connection tables: remove and edit', () => {
  it('removes the one table with its own lines; the next table keeps its comment', () => {
    const out = removeTable(FILE.replace(/\n\[prod\.extra_params\]\nx = 1\n/, ''), ['dev']);
    assert.equal(out, '# top comment\n# prod: careful\n[prod]\naccount = "a-prod"\n# the prod user\nuser = "ALICE"\n');
  });

  it('removes the last table and the comment inside it; config.toml tables by their [connections.x] path', () => {
    const simple = FILE.replace(/\n\[prod\.extra_params\]\nx = 1\n/, '');
    assert.equal(removeTable(simple, ['prod']), simple.slice(0, simple.indexOf('[prod]')));
    assert.equal(
      removeTable(`${simple}\n\n[new]\nx = 1\n`, ['new']),
      simple,
      'an appended table goes with its separator',
    );
    const config = 'default_connection_name = "b"\n[connections.a]\naccount = "x"\n\n[connections.b]\naccount = "y"\n';
    assert.equal(
      removeTable(config, ['connections', 'a']),
      'default_connection_name = "b"\n[connections.b]\naccount = "y"\n',
    );
  });

  it('refuses a missing table and one with sub-tables (the file is left as it was)', () => {
    assert.throws(
      () => removeTable(FILE, ['nope']),
      (e: unknown) => e instanceof SnowflakeExtError && /has no \[nope\]/.test(e.message),
    );
    assert.throws(() => removeTable(FILE, ['prod']), /left unchanged/);
  });

  it('edits values in place, adds missing ones after the last key, removes with undefined', () => {
    const out = setTableValues(FILE, ['dev'], { user: 'YOU', role: 'ANALYST', account: undefined });
    assert.equal(out, FILE.replace('account = "a-dev" # inline\nuser = "ME"\n', 'user = "YOU"\nrole = "ANALYST"\n'));
  });

  it('Edit Connection refuses secrets and connections it cannot edit, before touching a file', async () => {
    const profile = {
      name: 'w',
      source: 'workbench',
      file: '/x/connections.toml',
      params: {},
    } as unknown as ConnectionProfile;
    const auth = { getConnection: async () => profile, reload: async () => ({}) as never };
    await assert.rejects(editConnection(auth, 'w', { token: 'abc' }), /is a secret/);
    await assert.rejects(editConnection(auth, 'w', { role: 'R' }), /Posit Workbench manages it/);
  });
});

describe('key files and statements', () => {
  it('an encrypted PKCS#8 key decrypts with its passphrase; its fingerprint is the SPKI SHA-256 DESCRIBE USER shows', () => {
    const k = generateKey({ passphrase: 'pw-123456' });
    assert.match(k.privateKeyPem, /^-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/);
    assert.throws(() => crypto.createPrivateKey(k.privateKeyPem));
    const priv = crypto.createPrivateKey({ key: k.privateKeyPem, passphrase: 'pw-123456' });
    assert.equal(priv.asymmetricKeyDetails?.modulusLength, 2048);
    const der = crypto.createPublicKey(priv).export({ type: 'spki', format: 'der' });
    assert.equal(k.fingerprint, `SHA256:${crypto.createHash('sha256').update(der).digest('base64')}`);
    assert.equal(k.publicKeyBody, der.toString('base64'));
    assert.match(generateKey().privateKeyPem, /^-{5}BEGIN PRIVATE KEY-{5}/);
    assert.throws(() => generateKey({ bits: 1024 }), /1024 bits/);
  });

  it('the statement has the body without armour; the free slot is the one not in use', () => {
    const k = generateKey();
    const s = setKeyStatement('demo_user', 'RSA_PUBLIC_KEY', k.publicKeyBody);
    assert.equal(s, `ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='${k.publicKeyBody}'`);
    assert.ok(!s.includes('BEGIN') && !s.includes('\n'));
    assert.equal(
      setKeyStatement('jane@acme.com', 'RSA_PUBLIC_KEY_2', 'QQ=='),
      `ALTER USER "jane@acme.com" SET RSA_PUBLIC_KEY_2='QQ=='`,
    );
    assert.equal(freeSlot({ RSA_PUBLIC_KEY: 'a', RSA_PUBLIC_KEY_2: undefined }, 'a'), 'RSA_PUBLIC_KEY_2');
    assert.equal(freeSlot({ RSA_PUBLIC_KEY: undefined, RSA_PUBLIC_KEY_2: 'a' }, 'a'), 'RSA_PUBLIC_KEY');
  });

  it('writes 0600 under keys/ and never over an existing file', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keys-'));
    try {
      const file = keyFileFor(dir, 'my prod/../x');
      assert.equal(path.dirname(file), path.join(dir, 'keys'));
      await writeNewKeyFile(file, 'first');
      assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
      await assert.rejects(writeNewKeyFile(file, 'second'), /exists already/);
      assert.equal(await fsp.readFile(file, 'utf8'), 'first');
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
