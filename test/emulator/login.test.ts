// The emulator rejects what Snowflake rejects at login: bad key-pair JWTs, expired/invalid OAuth tokens, bad PATs,
// ungranted roles; sessions expire and renew with the master token as the drivers expect.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { fingerprintOf, signKeypairJwt } from './jwt';
import { startEmulator, type Emulator } from './index';
import { jwtLogin, login, newKey, postJson, sessionToken, sql } from './testClient';

describe('emulator: login rules', function () {
  let emu: Emulator;
  const key = newKey();
  const now = (): number => Math.floor(Date.now() / 1000);

  before(async () => {
    emu = await startEmulator();
    emu.state.addPublicKey('DEMO_USER', key.publicKey);
  });
  after(() => emu.close());

  const code = async (p: Promise<{ status: number; json: any }>): Promise<string> => {
    const r = await p;
    assert.equal(r.status, 200, 'login failures are HTTP 200');
    assert.equal(r.json.success, false);
    return r.json.code;
  };

  it('a valid key-pair JWT opens a session with tokens and the default role', async () => {
    const r = await jwtLogin(emu, key.privateKey);
    assert.equal(r.json.success, true);
    assert.ok(r.json.data.token && r.json.data.masterToken && r.json.data.validityInSeconds > 0);
    assert.deepEqual(r.json.data.sessionInfo, {
      databaseName: null,
      schemaName: null,
      warehouseName: 'DEMO_WH',
      roleName: 'ANALYST',
    });
  });

  it("accepts the Node driver's millisecond iat/exp, the account locator, and gzip bodies without a header", async () => {
    const ms = Date.now();
    assert.equal((await jwtLogin(emu, key.privateKey, 'DEMO_USER', { iat: ms, exp: ms + 120_000 })).json.success, true);
    const locator = signKeypairJwt(key.privateKey, 'XY12345.us-east-1', 'demo_user');
    assert.equal(
      (await login(emu, { LOGIN_NAME: 'demo_user', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: locator })).json.success,
      true,
    );
    const token = signKeypairJwt(key.privateKey, emu.state.account, 'DEMO_USER');
    assert.equal(
      (await login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: token }, '', true)).json
        .success,
      true,
    );
  });

  it('rejects a wrong signature (registered fingerprint, other key)', async () => {
    const other = newKey();
    const jwt = signKeypairJwt(other.privateKey, emu.state.account, 'DEMO_USER', {
      fingerprint: fingerprintOf(key.publicKey),
    });
    assert.equal(
      await code(login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: jwt })),
      '390144',
    );
  });

  it('rejects an expired JWT, a lifetime over one hour, and an iat in the future', async () => {
    assert.equal(
      await code(jwtLogin(emu, key.privateKey, 'DEMO_USER', { iat: now() - 7200, exp: now() - 3700 })),
      '394301',
    );
    assert.equal(await code(jwtLogin(emu, key.privateKey, 'DEMO_USER', { iat: now(), exp: now() + 3601 })), '394303');
    assert.equal(
      await code(jwtLogin(emu, key.privateKey, 'DEMO_USER', { iat: now() + 600, exp: now() + 1200 })),
      '394302',
    );
    // Within the 60 s leeway a slightly fast client clock is fine.
    assert.equal(
      (await jwtLogin(emu, key.privateKey, 'DEMO_USER', { iat: now() + 30, exp: now() + 600 })).json.success,
      true,
    );
  });

  it('rejects a key whose fingerprint is not registered (394304) and a JWT for another account', async () => {
    assert.equal(await code(jwtLogin(emu, newKey().privateKey)), '394304');
    const foreign = signKeypairJwt(key.privateKey, 'otherorg-other', 'DEMO_USER');
    assert.equal(
      await code(login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: foreign })),
      '390144',
    );
  });

  it('rejects a non-RS256 algorithm and garbage tokens', async () => {
    const hs = signKeypairJwt(key.privateKey, emu.state.account, 'DEMO_USER', { alg: 'HS256' });
    assert.equal(
      await code(login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: hs })),
      '394305',
    );
    assert.equal(
      await code(login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: 'not-a-jwt' })),
      '394306',
    );
  });

  it('a user may have two keys; either logs in', async () => {
    const second = newKey();
    emu.state.addPublicKey('DEMO_USER', second.publicKey);
    assert.equal((await jwtLogin(emu, second.privateKey)).json.success, true);
    assert.equal((await jwtLogin(emu, key.privateKey)).json.success, true);
    assert.throws(() => emu.state.addPublicKey('DEMO_USER', newKey().publicKey), /two public keys/);
    emu.state.removePublicKey('DEMO_USER', fingerprintOf(second.publicKey));
  });

  it('OAuth: valid token logs in; expired → 390318; unknown → 390303', async () => {
    const ok = emu.state.issueOAuthAccessToken('DEMO_USER', 'FINANCE', 600);
    const r = await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: ok });
    assert.equal(r.json.data.sessionInfo.roleName, 'FINANCE');
    assert.equal(
      await code(
        login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', -1) }),
      ),
      '390318',
    );
    assert.equal(await code(login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: 'forged' })), '390303');
    assert.match(
      (await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: 'forged' })).json.message,
      /Invalid OAuth access token/,
    );
  });

  it('PAT: valid logs in; unknown or expired → 394400', async () => {
    assert.equal(
      (
        await login(emu, {
          LOGIN_NAME: 'DEMO_USER',
          AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN',
          TOKEN: emu.state.addPat('DEMO_USER'),
        })
      ).json.success,
      true,
    );
    assert.equal(
      await code(login(emu, { AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', TOKEN: 'pat_invalid' })),
      '394400',
    );
    assert.equal(
      await code(
        login(emu, { AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', TOKEN: emu.state.addPat('DEMO_USER', undefined, -1) }),
      ),
      '394400',
    );
  });

  it('honours warehouse/database/schema/role query parameters; an ungranted role is refused', async () => {
    const r = await jwtLogin(
      emu,
      key.privateKey,
      'DEMO_USER',
      {},
      '&roleName=FINANCE&warehouse=BIG_WH&databaseName=FINANCE_DB&schemaName=REPORTING',
    );
    assert.deepEqual(r.json.data.sessionInfo, {
      databaseName: 'FINANCE_DB',
      schemaName: 'REPORTING',
      warehouseName: 'BIG_WH',
      roleName: 'FINANCE',
    });
    assert.equal(await code(jwtLogin(emu, key.privateKey, 'DEMO_USER', {}, '&roleName=ACCOUNTADMIN')), '390189');
    const token = emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', 600);
    assert.equal(await code(login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: token }, '&roleName=FINANCE')), '390186');
  });

  it('an expired session token answers 390112; RENEW with the master token gives a working one; expired master → 390114', async () => {
    const s = await sessionToken(emu);
    emu.state.expireAllTokens();
    const expired = await sql(emu, s.token, 'SHOW DATABASES');
    assert.equal(expired.json.code, '390112');
    const renew = await postJson(
      `${emu.snowflakeUrl}/session/token-request?requestId=${crypto.randomUUID()}`,
      { requestType: 'RENEW', oldSessionToken: s.token },
      { Authorization: `Snowflake Token="${s.masterToken}"` },
    );
    assert.equal(renew.json.success, true);
    assert.equal((await sql(emu, renew.json.data.sessionToken, 'SHOW DATABASES')).json.success, true);
    emu.state.expireAllTokens({ masters: true });
    const dead = await postJson(
      `${emu.snowflakeUrl}/session/token-request`,
      { requestType: 'RENEW' },
      { Authorization: `Snowflake Token="${s.masterToken}"` },
    );
    assert.equal(dead.json.code, '390114');
  });

  it('heartbeat, logout and telemetry; a logged-out token no longer works', async () => {
    const s = await sessionToken(emu);
    const auth = { Authorization: `Snowflake Token="${s.token}"` };
    assert.equal((await postJson(`${emu.snowflakeUrl}/session/heartbeat`, {}, auth)).json.success, true);
    assert.equal((await postJson(`${emu.snowflakeUrl}/telemetry/send`, { logs: [] }, auth)).json.success, true);
    assert.equal((await postJson(`${emu.snowflakeUrl}/session?delete=true`, {}, auth)).json.success, true);
    const after = await sql(emu, s.token, 'SHOW DATABASES');
    assert.equal(after.status, 401);
    assert.equal(after.json.code, '390104');
  });
});
