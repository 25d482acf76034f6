// PATs by SQL: the secret shown once, SHOW's columns and statuses, who may add and remove, DAYS_TO_EXPIRY's range
// and default, and logins that honour the role restriction, expiry and removal.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from './index';
import { login, rowsOf, sessionToken, sql } from './testClient';

const patLogin = (emu: Emulator, token: string, query = '') =>
  login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'PROGRAMMATIC_ACCESS_TOKEN', TOKEN: token }, query);

describe('emulator: programmatic access tokens by SQL', function () {
  let emu: Emulator;
  let demo: string;
  before(async () => {
    emu = await startEmulator();
    demo = (await sessionToken(emu, 'DEMO_USER')).token;
  });
  after(() => emu.close());

  it('ADD answers token_name and token_secret once; SHOW lists it without the secret; the PAT logs in with its role', async () => {
    const added = await sql(
      emu,
      demo,
      "ALTER USER DEMO_USER ADD PROGRAMMATIC ACCESS TOKEN ci_token ROLE_RESTRICTION = 'FINANCE' DAYS_TO_EXPIRY = 30 COMMENT = 'for CI'",
    );
    const [row] = rowsOf(added);
    assert.equal(row!.token_name, 'CI_TOKEN');
    const secret = row!.token_secret!;
    assert.ok(secret.length > 20);

    const shown = await sql(emu, demo, 'SHOW USER PROGRAMMATIC ACCESS TOKENS');
    const names = shown.json.data.rowtype.map((c: { name: string }) => c.name);
    assert.deepEqual(names, [
      'name',
      'user_name',
      'role_restriction',
      'expires_at',
      'status',
      'comment',
      'created_on',
      'created_by',
      'mins_to_bypass_network_policy_requirement',
      'rotated_to',
    ]);
    assert.ok(!shown.text.includes(secret));
    const listed = rowsOf(shown).find((r) => r.name === 'CI_TOKEN')!;
    assert.equal(listed.role_restriction, 'FINANCE');
    assert.equal(listed.status, 'ACTIVE');
    assert.equal(listed.comment, 'for CI');
    assert.equal(listed.created_by, 'DEMO_USER');
    const days = (Number(listed.expires_at) - Number(listed.created_on)) / 86400;
    assert.equal(Math.round(days), 30);

    const ok = await patLogin(emu, secret);
    assert.equal(ok.json.success, true);
    assert.equal(ok.json.data.sessionInfo.roleName, 'FINANCE');
    const otherRole = await patLogin(emu, secret, '&roleName=ANALYST');
    assert.equal(otherRole.json.code, '390186');
  });

  it('without DAYS_TO_EXPIRY the PAT lasts 15 days; 0 and 366 are refused and nothing is added', async () => {
    const [row] = rowsOf(await sql(emu, demo, 'ALTER USER ADD PAT short_default'));
    const p = [...emu.state.pats.values()].find((x) => x.name === 'SHORT_DEFAULT')!;
    assert.equal(Math.round((p.expiresAt - p.createdOn) / 86400_000), 15);
    assert.ok(row!.token_secret);
    const before = emu.state.pats.size;
    for (const days of [0, 366]) {
      const r = await sql(emu, demo, `ALTER USER ADD PAT too_long DAYS_TO_EXPIRY = ${days}`);
      assert.equal(r.json.success, false);
      assert.match(r.json.message, /DAYS_TO_EXPIRY/);
    }
    assert.equal(emu.state.pats.size, before);
  });

  it('refuses a name in use, a role not granted, and another user’s token without privilege; changes nothing', async () => {
    const before = emu.state.pats.size;
    const dup = await sql(emu, demo, 'ALTER USER ADD PAT ci_token');
    assert.equal(dup.json.success, false);
    assert.match(dup.json.message, /already exists/);
    const role = await sql(emu, demo, "ALTER USER ADD PAT admin_pat ROLE_RESTRICTION = 'ACCOUNTADMIN'");
    assert.equal(role.json.success, false);
    const other = await sql(emu, demo, 'ALTER USER ADMIN_USER ADD PAT theirs');
    assert.equal(other.json.code, '003001');
    const show = await sql(emu, demo, 'SHOW USER PATS FOR USER ADMIN_USER');
    assert.equal(show.json.code, '003001');
    assert.equal(emu.state.pats.size, before);

    const admin = (await sessionToken(emu, 'ADMIN_USER')).token; // ACCOUNTADMIN owns users
    const [made] = rowsOf(await sql(emu, admin, 'ALTER USER DEMO_USER ADD PAT made_by_admin'));
    assert.ok(made!.token_secret);
    const listed = rowsOf(await sql(emu, demo, 'SHOW USER PATS')).find((r) => r.name === 'MADE_BY_ADMIN')!;
    assert.equal(listed.created_by, 'ADMIN_USER');
  });

  it('an expired PAT shows EXPIRED and is refused at login with 394400; a removed one is refused at once', async () => {
    const [row] = rowsOf(await sql(emu, demo, 'ALTER USER ADD PAT one_day DAYS_TO_EXPIRY = 1'));
    const [gone] = rowsOf(await sql(emu, demo, 'ALTER USER ADD PAT to_remove'));
    assert.equal((await patLogin(emu, gone!.token_secret!)).json.success, true);
    assert.equal((await sql(emu, demo, 'ALTER USER DEMO_USER REMOVE PAT to_remove')).json.success, true);
    assert.equal((await patLogin(emu, gone!.token_secret!)).json.code, '394400');
    assert.ok(!rowsOf(await sql(emu, demo, 'SHOW USER PATS')).some((r) => r.name === 'TO_REMOVE'));
    const missing = await sql(emu, demo, 'ALTER USER REMOVE PAT to_remove');
    assert.equal(missing.json.success, false);

    // A day later (only the PAT's clock moves: the session and its JWT stay valid).
    const oneDay = [...emu.state.pats.values()].find((p) => p.name === 'ONE_DAY')!;
    oneDay.expiresAt = emu.state.now() - 1000;
    const listed = rowsOf(await sql(emu, demo, 'SHOW USER PATS')).find((r) => r.name === 'ONE_DAY')!;
    assert.equal(listed.status, 'EXPIRED');
    const refused = await patLogin(emu, row!.token_secret!);
    assert.equal(refused.json.success, false);
    assert.equal(refused.json.code, '394400');
  });
});
