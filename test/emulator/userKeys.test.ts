// ALTER USER … SET/UNSET RSA_PUBLIC_KEY[_2]: who may run it, what DESCRIBE USER then shows, and that both slots log in.
import assert from 'node:assert/strict';
import { fingerprintOf } from './jwt';
import { startEmulator, type Emulator } from './index';
import { jwtLogin, newKey, rowsOf, sessionToken, sql } from './testClient';

const body = (k: ReturnType<typeof newKey>): string =>
  k.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

describe('emulator: ALTER USER key slots', function () {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  const fps = async (token: string, user: string): Promise<Record<string, string | null>> => {
    const rows = rowsOf(await sql(emu, token, `DESCRIBE USER ${user}`));
    return Object.fromEntries(rows.map((r) => [r.property!, r.value!]));
  };

  it('a user sets and unsets their own key in either slot; both slots log in; an unset key no longer does', async () => {
    const { token } = await sessionToken(emu, 'DEMO_USER');
    const a = newKey();
    const b = newKey();
    assert.equal((await sql(emu, token, `ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='${body(a)}'`)).json.success, true);
    assert.equal((await sql(emu, token, `ALTER USER SET RSA_PUBLIC_KEY_2 = '${body(b)}'`)).json.success, true);
    const props = await fps(token, 'DEMO_USER');
    assert.equal(props.RSA_PUBLIC_KEY_FP, fingerprintOf(a.publicKey));
    assert.equal(props.RSA_PUBLIC_KEY_2_FP, fingerprintOf(b.publicKey));
    assert.equal((await jwtLogin(emu, a.privateKey)).json.success, true);
    assert.equal((await jwtLogin(emu, b.privateKey)).json.success, true);
    await sql(emu, token, 'ALTER USER DEMO_USER UNSET RSA_PUBLIC_KEY');
    assert.equal((await fps(token, 'DEMO_USER')).RSA_PUBLIC_KEY_FP, 'null');
    const refused = await jwtLogin(emu, a.privateKey);
    assert.equal(refused.json.success, false);
    assert.equal((await jwtLogin(emu, b.privateKey)).json.success, true);
    await sql(emu, token, 'ALTER USER DEMO_USER UNSET RSA_PUBLIC_KEY_2');
  });

  it("another user's key needs an owning role or MODIFY PROGRAMMATIC AUTHENTICATION METHODS; a refusal changes nothing", async () => {
    const demo = (await sessionToken(emu, 'DEMO_USER')).token;
    const k = newKey();
    const denied = await sql(emu, demo, `ALTER USER ADMIN_USER SET RSA_PUBLIC_KEY='${body(k)}'`);
    assert.equal(denied.json.code, '003001');
    assert.match(
      denied.json.message,
      /SQL access control error:\nInsufficient privileges to operate on user 'ADMIN_USER'/,
    );
    assert.equal(emu.state.user('ADMIN_USER')!.keySlots[0], undefined);

    const admin = (await sessionToken(emu, 'ADMIN_USER')).token; // default role ACCOUNTADMIN
    assert.equal((await sql(emu, admin, `ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='${body(k)}'`)).json.success, true);
    assert.equal(emu.state.user('DEMO_USER')!.keySlots[0], fingerprintOf(k.publicKey));
    await sql(emu, admin, 'USE ROLE ANALYST');
    const analyst = await sql(emu, admin, 'ALTER USER DEMO_USER UNSET RSA_PUBLIC_KEY');
    assert.equal(analyst.json.code, '003001');
    assert.equal(emu.state.user('DEMO_USER')!.keySlots[0], fingerprintOf(k.publicKey));
    emu.state.modifyAuthGrants.add('ANALYST|DEMO_USER');
    assert.equal((await sql(emu, admin, 'ALTER USER DEMO_USER UNSET RSA_PUBLIC_KEY')).json.success, true);
    assert.equal(emu.state.user('DEMO_USER')!.keySlots[0], undefined);
    emu.state.modifyAuthGrants.clear();
  });

  it('a key that is not a public key, and an unknown user, are refused with Snowflake codes', async () => {
    const { token } = await sessionToken(emu, 'DEMO_USER');
    const bad = await sql(emu, token, "ALTER USER DEMO_USER SET RSA_PUBLIC_KEY='bm90IGEga2V5'");
    assert.equal(bad.json.success, false);
    assert.match(bad.json.message, /Invalid public key/);
    const missing = await sql(emu, token, 'ALTER USER NOBODY UNSET RSA_PUBLIC_KEY');
    assert.equal(missing.json.code, '002003');
    assert.equal((await sql(emu, token, 'ALTER USER IF EXISTS NOBODY UNSET RSA_PUBLIC_KEY')).json.success, true);
  });
});
