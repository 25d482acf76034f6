// Token revocation (RFC 7009, Snowflake OAuth's /oauth/revoke): client authentication as at the token endpoint, 200
// for tokens the server does not know, and revoked tokens refused afterwards at the token endpoint, login and REST.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startEmulator, type Emulator } from './index';
import { http, login, postForm } from './testClient';

const LOCAL = 'LOCAL_APPLICATION';
const basic = (id: string, secret: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

describe('emulator: OAuth token revocation (/oauth/revoke)', function () {
  let emu: Emulator;
  const redirect = 'http://127.0.0.1:53124/callback';

  before(async () => {
    emu = await startEmulator({ accessTokenTtlSeconds: 120 });
    emu.state.autoApprove = true;
  });
  after(() => emu.close());

  /** A browser sign-in's tokens, as the token endpoint returns them. */
  async function signIn(): Promise<{ access_token: string; refresh_token: string }> {
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: LOCAL,
      redirect_uri: redirect,
      state: 's',
      scope: 'session:role:ANALYST refresh_token',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const back = new URL((await http(`${emu.snowflakeUrl}/oauth/authorize?${q}`)).headers.get('location')!);
    const r = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: redirect,
        code_verifier: verifier,
      },
      basic(LOCAL, LOCAL),
    );
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  const refresh = (token: string) =>
    postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'refresh_token', refresh_token: token },
      basic(LOCAL, LOCAL),
    );
  const revoke = (form: Record<string, string>, headers = basic(LOCAL, LOCAL)) =>
    postForm(`${emu.snowflakeUrl}/oauth/revoke`, form, headers);
  const loginCode = async (token: string): Promise<string | null> =>
    (await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: token })).json.code;
  const cortex = (token: string) =>
    http(`${emu.snowflakeUrl}/api/v2/cortex/models`, {
      headers: { Authorization: `Bearer ${token}`, 'X-Snowflake-Authorization-Token-Type': 'OAUTH' },
    });

  it('a revoked refresh token is refused at the token endpoint, and the access tokens of its grant at login and REST', async () => {
    const t = await signIn();
    const renewed = await refresh(t.refresh_token);
    assert.equal(renewed.status, 200);
    assert.equal(await loginCode(t.access_token), null, 'the access token logs in before');

    const r = await revoke({ token: t.refresh_token, token_type_hint: 'refresh_token' });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');

    const after = await refresh(t.refresh_token);
    assert.equal(after.status, 400);
    assert.equal(after.json.error, 'invalid_grant');
    assert.equal(await loginCode(t.access_token), '390303', 'the first access token is refused at login');
    assert.equal(await loginCode(renewed.json.access_token), '390303', 'so is the one the refresh gave');
    const rest = await cortex(renewed.json.access_token);
    assert.equal(rest.status, 401);
    assert.equal(rest.json.code, '390303');
  });

  it('an access token can be revoked alone (the hint only speeds the lookup): its refresh token keeps working', async () => {
    const t = await signIn();
    // A wrong hint: the server looks under the other kind too (RFC 7009 §2.1).
    assert.equal((await revoke({ token: t.access_token, token_type_hint: 'refresh_token' })).status, 200);
    assert.equal(await loginCode(t.access_token), '390303');
    const renewed = await refresh(t.refresh_token);
    assert.equal(renewed.status, 200, 'the refresh token was not revoked');
    assert.equal(await loginCode(renewed.json.access_token), null);
  });

  it('answers 200 for unknown and already revoked tokens, and for an unknown hint', async () => {
    assert.equal((await revoke({ token: 'never-issued' })).status, 200);
    const t = await signIn();
    assert.equal((await revoke({ token: t.refresh_token, token_type_hint: 'something_else' })).status, 200);
    assert.equal((await revoke({ token: t.refresh_token })).status, 200, 'revoking twice is fine');
    assert.equal((await refresh(t.refresh_token)).json.error, 'invalid_grant');
  });

  it('authenticates the client as the token endpoint does: Basic or body credentials; a wrong secret is 401 invalid_client', async () => {
    const t = await signIn();
    const wrong = await revoke({ token: t.refresh_token }, basic(LOCAL, 'wrong'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error, 'invalid_client');
    const none = await revoke({ token: t.refresh_token }, {});
    assert.equal(none.status, 401, 'no client credentials at all');
    assert.equal((await refresh(t.refresh_token)).status, 200, 'nothing was revoked by the refused requests');

    const body = await revoke({ token: t.refresh_token, client_id: LOCAL, client_secret: LOCAL }, {});
    assert.equal(body.status, 200);
    assert.equal((await refresh(t.refresh_token)).json.error, 'invalid_grant');
  });

  it('refuses a request without a token, and a token issued to another client', async () => {
    const missing = await revoke({});
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error, 'invalid_request');
    const t = await signIn();
    const hex = emu.state.clients.get('HEX_CLIENT')!;
    const other = await revoke({ token: t.refresh_token }, basic(hex.id, hex.secret));
    assert.equal(other.status, 400);
    assert.equal(other.json.error, 'unauthorized_client');
    assert.equal((await refresh(t.refresh_token)).status, 200, 'the token of LOCAL_APPLICATION still works');
  });
});
