// Key-pair setup, rotation and Remove Connection through the CLI, against the emulator's ALTER USER / DESCRIBE USER and
// login rules; every refusal is checked to leave the files and the user's keys as they were.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { keyDeps } from '../../../src/core/auth/keys/keyDeps';
import { rotateKey } from '../../../src/core/auth/keys/keyRotation';
import { createSnowflakeSdkDriver } from '../../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import { CancelledError } from '../../../src/core/shared/errors';
import { nullLogger } from '../../../src/core/shared/logger';
import { cli, makeAuth, newRsaKey, snapshotDir, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

describe('key pairs: generate, rotate, remove (CLI over the emulator)', function () {
  this.timeout(60_000);
  let w: AuthWorld;
  let pat: string;
  const slots = () => [...w.emu.state.user('DEMO_USER')!.keySlots];
  before(async () => {
    w = await startAuthWorld();
    pat = w.emu.state.addPat('DEMO_USER', 'ANALYST');
  });
  after(() => w.close());
  beforeEach(() => {
    for (const fp of [...w.emu.state.user('DEMO_USER')!.keys.keys()]) w.emu.state.removePublicKey('DEMO_USER', fp);
  });

  const home = (name: string, extra = ''): { dir: string; env: Record<string, string> } => {
    const dir = writeHome(
      w,
      name,
      `# my connections\n${table(w, 'pat', { user: 'DEMO_USER', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: pat })}${extra}`,
    );
    return { dir, env: { SNOWFLAKE_HOME: dir, HOME: w.dir } };
  };

  it('generate: an encrypted key set over the PAT sign-in, DESCRIBE USER agrees, the new connection logs in; rotate moves it to the other slot', async () => {
    const h = home('gen');
    const before = fs.readFileSync(path.join(h.dir, 'connections.toml'), 'utf8');
    const env = { ...h.env, PRIVATE_KEY_PASSPHRASE: 'correct horse' };
    const r = await cli(['keypair', 'generate', 'kp', '--user', 'demo_user', '--account', w.emu.state.account], env);
    assert.equal(r.code, 0, r.err + r.out);
    const keyFile = path.join(h.dir, 'keys', 'kp_rsa_key.p8');
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(keyFile, 'utf8'), /^-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/);
    const fp = /Fingerprint: (SHA256:\S+)/.exec(r.out)![1]!;
    assert.deepEqual(slots(), [fp, undefined]);
    assert.match(r.out, /over 'pat'/);
    assert.match(r.out, /Logged in with the new key as DEMO_USER/);
    const after = fs.readFileSync(path.join(h.dir, 'connections.toml'), 'utf8');
    assert.ok(after.startsWith(before), 'the user text is kept as the prefix');
    assert.match(
      after,
      /\[kp\]\naccount = .*\nuser = "demo_user"\nauthenticator = "SNOWFLAKE_JWT"\nprivate_key_file = /,
    );
    assert.ok(!after.includes('correct horse'));
    assert.equal((await cli(['test', 'kp'], env)).code, 0);

    const rot = await cli(['keypair', 'rotate', 'kp'], env);
    assert.equal(rot.code, 0, rot.err + rot.out);
    const newFp = /New key (SHA256:\S+) in RSA_PUBLIC_KEY_2/.exec(rot.out)![1]!;
    assert.notEqual(newFp, fp);
    assert.deepEqual(slots(), [undefined, newFp], 'the old slot is unset after the switch');
    assert.match(rot.out, /Switched to it: kp\n/);
    assert.ok(fs.readFileSync(path.join(h.dir, 'connections.toml'), 'utf8').startsWith(before));
    const t = await cli(['test', 'kp'], env);
    assert.equal(t.code, 0, t.err);
  });

  it('rotate switches every connection of the same user that used the key file, and lists the others', async () => {
    const h = home('share');
    const env = { ...h.env, PRIVATE_KEY_PASSPHRASE: 'pw' };
    assert.equal(
      (await cli(['keypair', 'generate', 'a', '--user', 'DEMO_USER', '--account', w.emu.state.account], env)).code,
      0,
    );
    const keyFile = path.join(h.dir, 'keys', 'a_rsa_key.p8');
    const file = path.join(h.dir, 'connections.toml');
    fs.appendFileSync(
      file,
      `\n${table(w, 'b', { user: 'DEMO_USER', authenticator: 'SNOWFLAKE_JWT', private_key_file: keyFile })}`,
    );
    fs.appendFileSync(
      file,
      `\n${table(w, 'other', { user: 'ADMIN_USER', authenticator: 'SNOWFLAKE_JWT', private_key_file: keyFile })}`,
    );
    const rot = await cli(['keypair', 'rotate', 'a'], env);
    assert.equal(rot.code, 1, 'the old slot is kept while another user still uses the file');
    assert.match(rot.out, /Switched to it: a, b\n/);
    assert.match(rot.out, /another user or account, unchanged\): other/);
    assert.equal(slots().filter(Boolean).length, 2);
    assert.equal((await cli(['test', 'b'], env)).code, 0);
  });

  it('no user: refused before anything is written or sent', async () => {
    const h = home('nouser');
    const snap = snapshotDir(h.dir);
    const r = await cli(['keypair', 'generate', 'kp', '--account', w.emu.state.account, '--unencrypted'], h.env);
    assert.equal(r.code, 1);
    assert.match(r.err, /needs a Snowflake user/);
    assert.equal(snapshotDir(h.dir), snap);
    assert.deepEqual(slots(), [undefined, undefined]);
  });

  it('an encrypted key without PRIVATE_KEY_PASSPHRASE: told to set it or pass --unencrypted; nothing written', async () => {
    const h = home('nopass');
    const snap = snapshotDir(h.dir);
    const r = await cli(['keypair', 'generate', 'kp', '--user', 'DEMO_USER', '--account', w.emu.state.account], h.env);
    assert.equal(r.code, 1);
    assert.match(r.err, /PRIVATE_KEY_PASSPHRASE is not set.*--unencrypted/s);
    assert.equal(snapshotDir(h.dir), snap);
  });

  it('a key file that exists is refused and left as it was', async () => {
    const h = home('exists');
    fs.mkdirSync(path.join(h.dir, 'keys'));
    fs.writeFileSync(path.join(h.dir, 'keys', 'kp_rsa_key.p8'), 'mine', { mode: 0o600 });
    const snap = snapshotDir(h.dir);
    const r = await cli(
      ['keypair', 'generate', 'kp', '--user', 'DEMO_USER', '--account', w.emu.state.account, '--unencrypted'],
      h.env,
    );
    assert.equal(r.code, 1);
    assert.match(r.err, /kp_rsa_key\.p8 exists already/);
    assert.equal(snapshotDir(h.dir), snap);
    assert.deepEqual(slots(), [undefined, undefined]);
  });

  it('over an administrator sign-in whose role lacks the privilege: says so, keeps the statement, the user is unchanged', async () => {
    const adminPat = w.emu.state.addPat('ADMIN_USER', 'ANALYST');
    const h = home(
      'noprivilege',
      `\n${table(w, 'admin', { user: 'ADMIN_USER', role: 'ANALYST', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: adminPat })}`,
    );
    const r = await cli(
      [
        'keypair',
        'generate',
        'kp',
        '--user',
        'DEMO_USER',
        '--account',
        w.emu.state.account,
        '--via',
        'admin',
        '--unencrypted',
      ],
      h.env,
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /lack of privilege/);
    assert.match(r.out, /Insufficient privileges to operate on user 'DEMO_USER'/);
    const statement = /ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='[A-Za-z0-9+/=]+';/.exec(r.out)?.[0];
    assert.ok(statement, r.out);
    assert.deepEqual(slots(), [undefined, undefined]);
    // The kept statement is the right one: run by an administrator, the new connection logs in.
    const body = statement.slice(statement.indexOf("'") + 1, statement.lastIndexOf("'"));
    const fp = w.emu.state.addPublicKey('DEMO_USER', `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`);
    assert.match(r.out, new RegExp(fp.replace(/[+/]/g, '\\$&')));
    const t = await cli(['test', 'kp'], h.env);
    assert.equal(t.code, 0, t.err);
  });

  it('rotate refuses to overwrite a third key in the free slot, and a cancelled login test undoes the new key', async () => {
    const h = home('rotaterefusals');
    const env = { ...h.env, PRIVATE_KEY_PASSPHRASE: 'pw' };
    const gen = await cli(['keypair', 'generate', 'kp', '--user', 'DEMO_USER', '--account', w.emu.state.account], env);
    assert.equal(gen.code, 0, gen.err);
    const third = w.emu.state.addPublicKey('DEMO_USER', newRsaKey().publicKey);
    const snap = snapshotDir(h.dir);
    const refused = await cli(['keypair', 'rotate', 'kp'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /RSA_PUBLIC_KEY_2 of user DEMO_USER holds another key/);
    assert.equal(snapshotDir(h.dir), snap);
    w.emu.state.removePublicKey('DEMO_USER', third);
    const before = slots();

    // The person cancels the passphrase prompt of the trial login: the new key is unset again and its file removed.
    const { auth } = makeAuth(w, env);
    const sessions = new SqlSessionManager({ auth, driver: createSnowflakeSdkDriver(nullLogger), logger: nullLogger });
    const deps = keyDeps(auth, { setSecret: async () => undefined }, sessions, {
      homedir: w.dir,
      platform: process.platform,
    });
    await assert.rejects(
      rotateKey(
        { ...deps, testLogin: () => Promise.reject(new CancelledError()) },
        { connection: 'kp', passphrase: 'pw' },
      ),
      CancelledError,
    );
    sessions.dispose();
    auth.dispose();
    assert.deepEqual(slots(), before);
    assert.equal(snapshotDir(h.dir), snap);
  });

  it('connection remove: deletes the one table, keeps the comment and the other table, mode 0600', async () => {
    const h = home(
      'remove',
      `\n# the second one\n${table(w, 'second', { user: 'X', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: 't' })}`,
    );
    const file = path.join(h.dir, 'connections.toml');
    const before = fs.readFileSync(file, 'utf8');
    const r = await cli(['connection', 'remove', 'pat'], h.env);
    assert.equal(r.code, 0, r.err);
    const after = fs.readFileSync(file, 'utf8');
    assert.equal(after, before.replace(/\[pat\][\s\S]*?\n\n(?=# the second one)/, ''));
    assert.match(after, /^# my connections\n# the second one\n\[second\]/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const missing = await cli(['connection', 'remove', 'pat'], h.env);
    assert.equal(missing.code, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), after);
  });
});
