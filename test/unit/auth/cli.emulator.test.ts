// The CLI's auth subcommands end to end against the emulator: through runCli, and once as a real process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cli, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

describe('CLI: connections, test, token, doctor', () => {
  let w: AuthWorld;
  let env: Record<string, string>;
  before(async () => {
    w = await startAuthWorld();
    env = { ...w.emu.home!.env, HOME: w.dir };
  });
  after(async () => {
    await w.close();
  });

  it('connections --json: one object per connection, aliases resolved, secrets masked', async () => {
    const home = writeHome(
      w,
      'clijson',
      table(w, 'k', { user: 'u', private_key_path: '/keys/k.p8', private_key_file_pwd: 'pw-secret' }) +
        table(w, 'p', { authenticator: 'programmatic_access_token', token: 'pat-secret' }),
    );
    const r = await cli(['connections', '--json'], {
      SNOWFLAKE_HOME: home,
      HOME: w.dir,
      SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'p',
    });
    assert.equal(r.code, 0, r.err);
    const list = JSON.parse(r.out);
    const file = path.join(home, 'connections.toml');
    assert.deepEqual(list, [
      {
        name: 'k',
        source: 'connections.toml',
        file,
        default: false,
        authenticator: 'SNOWFLAKE_JWT',
        params: { ...w.common, user: 'u', private_key_file: '/keys/k.p8', private_key_file_pwd: '***' },
        errors: [
          {
            code: 'keyFileMissing',
            message: "Connection 'k': the private key /keys/k.p8 (private_key_file) does not exist.",
            fix: 'Fix private_key_file in the connection, or create the file.',
          },
        ],
      },
      {
        name: 'p',
        source: 'connections.toml',
        file,
        default: true,
        authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
        params: { ...w.common, authenticator: 'programmatic_access_token', token: '***' },
        errors: [],
      },
    ]);
    assert.ok(!r.out.includes('secret'));
  });

  it('connections --json labels Workbench connections', async () => {
    const r = await cli(['connections', '--json'], { ...w.emu.home!.workbenchEnv, HOME: w.dir });
    const [wb] = JSON.parse(r.out);
    assert.equal(wb.source, 'workbench');
    assert.equal(wb.default, true);
    assert.equal(wb.params.token, '***');
  });

  it('test <name> logs in and prints user, role and warehouse', async () => {
    const r = await cli(['test', 'keypair'], env);
    assert.deepEqual(r, {
      code: 0,
      out: "Connection 'keypair': logged in as DEMO_USER, role ANALYST, warehouse DEMO_WH.\n",
      err: '',
    });
  });

  it('token <name> prints the JWT alone; --ingress prints the ingress token alone', async () => {
    const r = await cli(['token', 'keypair'], env);
    assert.equal(r.code, 0);
    const jwt = r.out.trim();
    assert.equal(r.out, `${jwt}\n`);
    assert.equal(
      (
        await w.emu.state.authenticateRest({
          authorization: `Bearer ${jwt}`,
          'x-snowflake-authorization-token-type': 'KEYPAIR_JWT',
        })
      ).ok,
      true,
    );
    const ing = await cli(['token', 'keypair', '--ingress', w.emu.ingressHost, '--role', 'FINANCE'], env);
    assert.equal(ing.code, 0, ing.err);
    const token = ing.out.trim();
    assert.match(token, /^ingress_/);
    assert.equal(w.emu.state.ingressTokens.get(token)?.role, 'FINANCE');
  });

  it('an encrypted key needs PRIVATE_KEY_PASSPHRASE: the CLI asks nothing and says so', async () => {
    const r = await cli(['token', 'encrypted_key'], env);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(
      r.err,
      `posit-snowflake: The private key ${w.emu.home!.keyFiles.encrypted} is encrypted and no passphrase is set. Run 'Snowflake: Set Key Passphrase', or set PRIVATE_KEY_PASSPHRASE.\n`,
    );
    const ok = await cli(['test', 'encrypted_key'], { ...env, PRIVATE_KEY_PASSPHRASE: w.emu.home!.passphrase });
    assert.equal(ok.code, 0, ok.err);
  });

  it('doctor <name>: directory, key fingerprint, JWT account, host, clock and login', async () => {
    const r = await cli(['doctor', 'keypair'], env);
    assert.equal(r.code, 0, r.out + r.err);
    const text = r.out;
    assert.ok(text.includes(`Directory: ${w.emu.home!.home}\n  used because SNOWFLAKE_HOME points to it`));
    assert.ok(
      text.includes(
        `fingerprint: ${w.emu.home!.fingerprints.keypair} — compare with RSA_PUBLIC_KEY_FP in DESCRIBE USER DEMO_USER`,
      ),
    );
    assert.ok(text.includes('account: sandbox-demo (a key-pair JWT names it SANDBOX-DEMO)'));
    assert.ok(text.includes(`host: ${w.emu.snowflakeUrl}`));
    assert.ok(text.includes("clock: in step with Snowflake's (within a minute)"));
    assert.ok(text.includes('login: OK as DEMO_USER, role ANALYST, warehouse DEMO_WH'));
    assert.ok(text.endsWith('No problems found.\n'));
  });

  it('doctor without a name reports problems and exits non-zero', async () => {
    const r = await cli(['doctor'], env);
    assert.equal(r.code, 1);
    assert.ok(r.out.includes('✗ key: The private key'), r.out);
    assert.ok(r.out.includes("✗ login: Connection 'oauth_code' is not signed in to Snowflake."), r.out);
    assert.match(r.out, /2 problems found\.\n$/);
  });

  it('errors: unknown connection (1), usage (2)', async () => {
    const r = await cli(['test', 'nope'], env);
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      `posit-snowflake: Connection 'nope' cannot be found, known ones are ['keypair', 'encrypted_key', 'pat', 'oauth_code']. Check the name, or add it to ${w.emu.home!.home}/connections.toml ('Snowflake: Add Connection').\n`,
    );
    assert.equal((await cli(['token'], env)).code, 2);
    assert.equal((await cli(['token', 'pat', '--bogus'], env)).code, 2);
  });

  it('runs as a process: `tsx src/cli/index.ts token pat` prints the PAT and exits 0', async () => {
    const root = path.resolve(__dirname, '../../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src/cli/index.ts'), 'token', 'pat'],
      { cwd: root, env: { ...process.env, ...env } },
    );
    assert.equal(stdout, `${w.emu.home!.pat}\n`);
    const failed = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src/cli/index.ts'), 'test', 'nope'],
      { cwd: root, env: { ...process.env, ...env } },
    ).catch((e: { code: number; stderr: string }) => e);
    assert.equal((failed as { code: number }).code, 1);
    assert.match((failed as { stderr: string }).stderr, /^posit-snowflake: Connection 'nope' cannot be found/);
  });
});
