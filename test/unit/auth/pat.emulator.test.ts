// Create PAT over a key-pair sign-in against the emulator's ALTER USER … ADD PAT and login rules: the secret only in
// the secret store, its record, the connection written, and every refusal leaving files, secrets and the user's
// tokens as they were (a failure after Snowflake created the token removes it again).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createPat } from '../../../src/core/auth/pat/patCreation';
import { runDoctor } from '../../../src/core/auth/diagnostics/doctor';
import { patDeps } from '../../../src/core/auth/pat/patDeps';
import { MemorySecretStorage } from '../../../src/core/auth/secretStore';
import { createSnowflakeSdkDriver } from '../../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { nullLogger } from '../../../src/core/shared/logger';
import {
  cli,
  makeAuth,
  snapshotDir,
  startAuthWorld,
  table,
  writeHome,
  type AuthWorld,
  type TestAuth,
} from './authHarness';

describe('Create PAT over an existing sign-in (emulator)', function () {
  this.timeout(60_000);
  let w: AuthWorld;
  let keyFile: string;
  before(async () => {
    w = await startAuthWorld();
    keyFile = w.emu.home!.keyFiles.keypair; // registered on DEMO_USER by the sandbox
  });
  after(() => w.close());

  let n = 0;
  const setup = (raw?: MemorySecretStorage) => {
    const dir = writeHome(
      w,
      `pat${++n}`,
      `# mine\n${table(w, 'kp', { user: 'DEMO_USER', authenticator: 'SNOWFLAKE_JWT', private_key_file: keyFile, warehouse: 'DEMO_WH' })}`,
    );
    const t: TestAuth = makeAuth(w, { SNOWFLAKE_HOME: dir, HOME: w.dir }, raw ? { raw } : {});
    const sessions = new SqlSessionManager({
      auth: t.auth,
      driver: createSnowflakeSdkDriver(nullLogger),
      logger: nullLogger,
    });
    return { dir, t, sessions, deps: patDeps(t.auth, sessions), file: path.join(dir, 'connections.toml') };
  };
  const patsOfDemo = () =>
    w.emu.state
      .patsOf('DEMO_USER')
      .map(([, p]) => p.name)
      .sort();

  it('creates a role-restricted PAT from a key-pair sign-in: secret only in the store, record, new connection logs in', async () => {
    const s = setup();
    try {
      const before = fs.readFileSync(s.file, 'utf8');
      const r = await createPat(s.deps, { connection: 'kp', name: 'ci_one', role: 'FINANCE', days: 30 });
      assert.equal(r.connection, 'kp_pat');
      assert.deepEqual([r.login?.user, r.login?.role], ['DEMO_USER', 'FINANCE']);
      const [secret, pat] = w.emu.state.patsOf('DEMO_USER').find(([, p]) => p.name === 'CI_ONE')!;
      assert.equal(pat.roleRestriction, 'FINANCE');
      assert.equal(await s.t.secrets.get({ kind: 'pat', id: 'kp_pat' }), secret);
      const days = (r.record.expiresAt - r.record.createdAt) / 86400_000;
      assert.equal(Math.round(days), 30);
      assert.deepEqual(await s.t.auth.patRecord('kp_pat'), r.record);
      const after = fs.readFileSync(s.file, 'utf8');
      assert.ok(after.startsWith(before));
      assert.match(
        after,
        /\[kp_pat\]\naccount = .*\nuser = "DEMO_USER"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\nrole = "FINANCE"\n/,
      );
      assert.ok(!snapshotDir(s.dir).includes(secret) && !fs.readFileSync(s.file, 'utf8').includes(secret));
      assert.ok(!s.t.log.lines.join('\n').includes(secret), 'the log never holds the secret');
      const lifetime = await s.t.auth.credentialLifetime(await s.t.auth.getConnection('kp_pat'));
      assert.deepEqual(lifetime, { kind: 'pat', expiresAt: r.record.expiresAt, name: 'CI_ONE' });
      // Show Sign-Ins lists the PAT with the expiry and issue time its creation recorded.
      const [listed] = await s.t.auth.signIns(await s.t.auth.getConnection('kp_pat'));
      assert.deepEqual(
        [listed?.kind, listed?.role, listed?.issuedAt, listed?.tokenExpiresAt, listed?.note],
        ['pat', 'FINANCE', r.record.createdAt, r.record.expiresAt, undefined],
      );
      // The doctor says so in the last week (its clock given), not before.
      const at = async (now: number) =>
        (await runDoctor(s.t.host, s.t.auth, 'kp_pat', { skipLogin: true, now: () => now })).connections[0]!
          .diagnostics;
      assert.ok(!(await at(r.record.expiresAt - 8 * 86400_000)).some((d) => d.code === 'patExpiring'));
      const soon = (await at(r.record.expiresAt - 2 * 86400_000)).find((d) => d.code === 'patExpiring');
      assert.match(soon?.message ?? '', /CI_ONE of connection "kp_pat" expires in 2 days/);
      // A PAT set by hand replaces ours: its expiry is no longer known, so nothing warns about the old one.
      await s.t.auth.setSecret('kp_pat', 'pat', 'typed-by-hand');
      assert.equal(await s.t.auth.patRecord('kp_pat'), undefined);
    } finally {
      s.sessions.dispose();
    }
  });

  it('switches an existing connection to the PAT: key settings taken out, the same name logs in with it', async () => {
    const s = setup();
    try {
      const r = await createPat(s.deps, {
        connection: 'kp',
        name: 'switch_me',
        days: 7,
        target: { kind: 'update', name: 'kp' },
      });
      assert.equal(r.login?.role, 'ANALYST', 'the session’s role when the connection names none');
      const text = fs.readFileSync(s.file, 'utf8');
      assert.ok(!text.includes('private_key_file'));
      assert.match(text, /authenticator = "PROGRAMMATIC_ACCESS_TOKEN"/);
      assert.equal((await s.t.auth.getConnection('kp')).authenticator, 'PROGRAMMATIC_ACCESS_TOKEN');
    } finally {
      s.sessions.dispose();
    }
  });

  const refusedAndUnchanged = async (
    s: ReturnType<typeof setup>,
    run: () => Promise<unknown>,
    code: string | RegExp,
  ): Promise<SnowflakeExtError> => {
    const files = snapshotDir(s.dir);
    const pats = patsOfDemo();
    const err = (await run().then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    )) as SnowflakeExtError;
    assert.ok(err instanceof SnowflakeExtError, String(err));
    if (typeof code === 'string') assert.equal(err.code, code, err.message);
    else assert.match(err.message, code);
    assert.equal(snapshotDir(s.dir), files, 'no file changed');
    assert.deepEqual(patsOfDemo(), pats, 'no token left at Snowflake');
    assert.equal(await s.t.secrets.get({ kind: 'pat', id: 'kp_pat' }), undefined);
    assert.equal(await s.t.auth.patRecord('kp_pat'), undefined);
    return err;
  };

  it('bad input writes nothing: a name in use, days out of range, a connection name taken, a bad token name', async () => {
    const s = setup();
    try {
      w.emu.state.addPat('DEMO_USER', undefined, 86400, { name: 'TAKEN' });
      const e = await refusedAndUnchanged(s, () => createPat(s.deps, { connection: 'kp', name: 'taken' }), 'patExists');
      assert.match(e.userText, /already has a programmatic access token named TAKEN\. Choose another name/);
      await refusedAndUnchanged(s, () => createPat(s.deps, { connection: 'kp', days: 0 }), 'patDays');
      await refusedAndUnchanged(s, () => createPat(s.deps, { connection: 'kp', days: 366 }), 'patDays');
      await refusedAndUnchanged(s, () => createPat(s.deps, { connection: 'kp', name: 'has space' }), 'patName');
      await refusedAndUnchanged(
        s,
        () => createPat(s.deps, { connection: 'kp', target: { kind: 'new', name: 'kp' } }),
        'connectionExists',
      );
    } finally {
      s.sessions.dispose();
    }
  });

  it('no privilege and offline: a clear message, nothing written', async () => {
    const s = setup();
    try {
      const refusing = {
        ...s.deps,
        query: async (p: Parameters<typeof s.deps.query>[0], sql: string, what: string) => {
          if (/ ADD PROGRAMMATIC ACCESS TOKEN /.test(sql))
            throw new SnowflakeExtError(
              'permission',
              "Insufficient privileges to operate on user 'DEMO_USER'",
              undefined,
              '003001',
              {
                refusal: 'privilege',
              },
            );
          return s.deps.query(p, sql, what);
        },
      };
      const e = await refusedAndUnchanged(s, () => createPat(refusing, { connection: 'kp' }), 'patPrivilege');
      assert.match(e.userText, /Snowflake refused .* MODIFY PROGRAMMATIC AUTHENTICATION METHODS/);
      const offline = {
        ...s.deps,
        query: async () => {
          throw new SnowflakeExtError('network', 'Could not reach Snowflake at 127.0.0.1.', undefined, undefined, {
            refusal: 'network',
          });
        },
      };
      await refusedAndUnchanged(s, () => createPat(offline, { connection: 'kp' }), /Could not reach Snowflake/);
    } finally {
      s.sessions.dispose();
    }
  });

  it('CLI pat create: the secret in a new 0600 token file the connection reads, never printed; bad days change nothing', async () => {
    const s = setup();
    s.sessions.dispose();
    const env = { SNOWFLAKE_HOME: s.dir, HOME: w.dir };
    const files = snapshotDir(s.dir);
    const bad = await cli(['pat', 'create', 'kp', '--days', '400'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /A PAT lasts from 1 to 365 days; 400 is not allowed\. Give a whole number/);
    assert.equal((await cli(['pat', 'create', 'kp', '--days', 'ten'], env)).code, 2);
    assert.equal(snapshotDir(s.dir), files);

    const r = await cli(['pat', 'create', 'kp', '--days', '10', '--role', 'ANALYST', '--name', 'from_cli'], env);
    assert.equal(r.code, 0, r.err + r.out);
    const tokenFile = /Token file: (\S+) \(mode 0600\)/.exec(r.out)![1]!;
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
    const [secret] = w.emu.state.patsOf('DEMO_USER').find(([, p]) => p.name === 'FROM_CLI')!;
    assert.equal(fs.readFileSync(tokenFile, 'utf8').trim(), secret);
    assert.ok(!r.out.includes(secret) && !r.err.includes(secret));
    assert.match(r.out, /Logged in with it as DEMO_USER, role ANALYST/);
    assert.match(fs.readFileSync(s.file, 'utf8'), /\[kp_pat\][\s\S]*token_file_path = /);
    assert.equal((await cli(['test', 'kp_pat'], env)).code, 0);
  });

  it('a secret store that fails after Snowflake created the token: the token is removed and the file restored', async () => {
    class FailingStorage extends MemorySecretStorage {
      override async store(key: string, value: string): Promise<void> {
        if (key.startsWith('positSnowflake/pat/')) throw new Error('the keyring is locked');
        return super.store(key, value);
      }
    }
    const s = setup(new FailingStorage());
    try {
      await refusedAndUnchanged(
        s,
        () =>
          createPat(s.deps, { connection: 'kp', name: 'rolled_back' }).catch((e: unknown) => {
            throw new SnowflakeExtError('internal', (e as Error).message);
          }),
        /keyring is locked/,
      );
    } finally {
      s.sessions.dispose();
    }
  });
});
