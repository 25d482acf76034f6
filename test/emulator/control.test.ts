// The control API, Workbench token rotation, the sandbox home, REST authentication for the Cortex/Connect routes,
// and the `npm run emulator` command line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signKeypairJwt } from './jwt';
import { startEmulator, type Emulator } from './index';
import { http, login, newKey, postJson } from './testClient';

describe('emulator: control API, Workbench, sandbox home', function () {
  let emu: Emulator;
  let dir: string;
  const ctl = (p: string): string => `${emu.snowflakeUrl}/__emulator${p}`;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-control-'));
    emu = await startEmulator({ home: path.join(dir, 'home'), workbenchGraceSeconds: 5 });
  });
  after(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a sandbox home: four connections, 0600 files, the default, and a Workbench directory', () => {
    const home = emu.home!;
    const toml = fs.readFileSync(path.join(home.home, 'connections.toml'), 'utf8');
    for (const name of ['keypair', 'encrypted_key', 'pat', 'oauth_code'])
      assert.match(toml, new RegExp(`^\\[${name}\\]$`, 'm'));
    assert.match(toml, /host = "127\.0\.0\.1"/);
    assert.match(toml, new RegExp(`port = ${new URL(emu.snowflakeUrl).port}\\b`));
    assert.match(toml, /authenticator = "oauth_authorization_code"/);
    assert.ok(!toml.includes(home.passphrase), 'the passphrase is not in the file');
    assert.match(fs.readFileSync(path.join(home.home, 'config.toml'), 'utf8'), /^default_connection_name = "keypair"/m);
    for (const f of [
      path.join(home.home, 'connections.toml'),
      home.keyFiles.keypair,
      home.keyFiles.encrypted,
      path.join(home.workbenchHome, 'connections.toml'),
    ]) {
      assert.equal(fs.statSync(f).mode & 0o777, 0o600, f);
    }
    assert.match(fs.readFileSync(home.keyFiles.encrypted, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.match(home.workbenchHome, /posit-workbench/);
    assert.equal(home.workbenchEnv.SNOWFLAKE_DEFAULT_CONNECTION_NAME, 'workbench');
    assert.equal(home.workbenchEnv.SNOWFLAKE_HOME, home.workbenchHome);
    assert.ok(home.workbenchEnv.RS_SERVER_URL);
  });

  it('the sandbox keys and PAT log in', async () => {
    const pem = fs.readFileSync(emu.home!.keyFiles.keypair, 'utf8');
    const jwt = signKeypairJwt(pem, emu.state.account, 'DEMO_USER');
    assert.equal(
      (await login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: jwt })).json.success,
      true,
    );
    assert.equal(
      (await login(emu, { AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', TOKEN: emu.home!.pat })).json.success,
      true,
    );
  });

  it('rotating the Workbench token rewrites the file; the old token works only during the grace period', async () => {
    const file = path.join(emu.home!.workbenchHome, 'connections.toml');
    const tokenIn = (): string => /^token = "([^"]+)"$/m.exec(fs.readFileSync(file, 'utf8'))![1]!;
    const before = tokenIn();
    assert.match(fs.readFileSync(file, 'utf8'), /^authenticator = "oauth"$/m);
    const r = await http(ctl('/workbench/rotate'), { method: 'POST' });
    assert.equal(r.json.ok, true);
    const after = tokenIn();
    assert.notEqual(after, before);
    assert.equal(
      (await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: before })).json.success,
      true,
      'still within grace',
    );
    emu.state.advanceClock(6);
    assert.equal((await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: before })).json.code, '390318');
    assert.equal((await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: after })).json.success, true);
  });

  it('faults can be aimed at the Snowflake server or the Connect servers, and cleared', async () => {
    await postJson(ctl('/faults'), { route: 'POST /session/v1/login-request', status: 503, retryAfter: 2 });
    const faulty = await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: 'x' });
    assert.equal(faulty.status, 503);
    assert.equal(faulty.headers.get('retry-after'), '2');
    await postJson(ctl('/faults'), { server: 'ingress', route: '/*', status: 429, times: 5 });
    assert.equal((await http(`${emu.connectUrl}/__api__/v1/user`)).status, 429);
    await http(ctl('/faults'), { method: 'DELETE' });
    assert.equal((await http(`${emu.connectUrl}/__api__/v1/user`)).status, 401);
    const bad = await postJson(ctl('/faults'), { server: 'nope', route: '/*' });
    assert.equal(bad.status, 500);
  });

  it('the request log is served with secrets masked', async () => {
    const token = emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', 600);
    await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: token });
    const log = (await http(ctl('/requests'))).json as { path: string; body: string }[];
    const entry = log.filter((e) => e.path === '/session/v1/login-request').pop()!;
    assert.ok(!entry.body.includes(token));
    assert.ok(!JSON.stringify(log).includes(token));
  });

  it('tokens/expire expires sessions and access tokens now; auto-approve toggles; info describes the servers', async () => {
    const token = emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', 600);
    await http(ctl('/tokens/expire'), { method: 'POST' });
    assert.equal((await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: token })).json.code, '390318');
    await postJson(ctl('/oauth/auto-approve'), { on: true });
    assert.equal(emu.state.autoApprove, true);
    const info = (await http(ctl('/info'))).json;
    assert.equal(info.connect, emu.connectUrl);
    assert.equal(info.snowflake, emu.snowflakeUrl);
    assert.equal(info.account, 'sandbox-demo');
  });

  it('authenticateRest: bearer JWT/OAuth/PAT and Snowflake Token, with 401 codes otherwise', async () => {
    const key = newKey();
    const user = emu.state.addUser('REST_USER', { roles: ['ANALYST'] });
    emu.state.addPublicKey(user.name, key.publicKey);
    const jwt = signKeypairJwt(key.privateKey, emu.state.account, 'REST_USER');
    assert.deepEqual(
      await emu.state.authenticateRest({
        authorization: `Bearer ${jwt}`,
        'x-snowflake-authorization-token-type': 'KEYPAIR_JWT',
      }),
      { ok: true, user: 'REST_USER', role: 'ANALYST', via: 'KEYPAIR_JWT' },
    );
    const oauth = emu.state.issueOAuthAccessToken('DEMO_USER', 'FINANCE', 600);
    assert.equal(
      (await emu.state.authenticateRest({ authorization: `Bearer ${oauth}` })).ok,
      true,
      'OAUTH is the default type',
    );
    const pat = emu.state.addPat('DEMO_USER');
    assert.equal(
      (
        await emu.state.authenticateRest({
          authorization: `Bearer ${pat}`,
          'x-snowflake-authorization-token-type': 'PROGRAMMATIC_ACCESS_TOKEN',
        })
      ).ok,
      true,
    );
    const s = await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: oauth });
    assert.equal(
      (await emu.state.authenticateRest({ authorization: `Snowflake Token="${s.json.data.token}"` })).ok,
      true,
    );
    const expired = await emu.state.authenticateRest({
      authorization: `Bearer ${emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', -1)}`,
    });
    assert.ok(!expired.ok && expired.status === 401 && expired.body.code === '390318');
    const wrongType = await emu.state.authenticateRest({ authorization: `Bearer ${jwt}` });
    assert.ok(!wrongType.ok && wrongType.body.code === '390303');
    const none = await emu.state.authenticateRest({});
    assert.ok(!none.ok && none.status === 401);
  });

  it('`npm run emulator` prints one JSON line when ready and stops on SIGTERM', async () => {
    const home = path.join(dir, 'cli-home');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'cli.ts'), '--port', '0', '--home', home],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const ready = JSON.parse(line);
    assert.match(ready.snowflake, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(ready.connect, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready.home, home);
    assert.ok(ready.connectApiKey);
    assert.ok(fs.existsSync(path.join(home, 'connections.toml')));
    assert.equal((await http(`${ready.snowflake}/__emulator/info`)).json.home, home);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    assert.equal(code, 0);
  });
});
