// SPCS rules: the key-pair → ingress token exchange answers raw text; the ingress in front of Connect lets through
// only exchanged tokens for its host, sessions from OAuth/PAT logins and PATs, and answers others like Snowflake's.
import assert from 'node:assert/strict';
import { signKeypairJwt } from './jwt';
import { startEmulator, type Emulator } from './index';
import { INGRESS_COOKIE, JWT_BEARER } from './spcs';
import { http, login, newKey, postForm, submitConsent } from './testClient';

describe('emulator: SPCS token exchange and ingress', function () {
  let emu: Emulator;
  const key = newKey();
  const assertion = (): string => signKeypairJwt(key.privateKey, emu.state.account, 'DEMO_USER');
  const exchange = (scope: string, jwt = assertion()) =>
    postForm(`${emu.snowflakeUrl}/oauth/token`, { grant_type: JWT_BEARER, assertion: jwt, scope });
  const viaIngress = (token: string | undefined, headers: Record<string, string> = {}) =>
    http(`${emu.connectUrl}/__api__/v1/user`, {
      headers: { ...(token ? { Authorization: `Snowflake Token="${token}"` } : {}), ...headers },
    });
  /** The ingress let the request through when the answer is not its own plain-text 401 or redirect. */
  const passed = (r: { status: number; text: string }): boolean =>
    r.status !== 302 && !(r.status === 401 && r.text.startsWith('Unauthorized'));

  before(async () => {
    emu = await startEmulator();
    emu.state.addPublicKey('DEMO_USER', key.publicKey);
  });
  after(() => emu.close());

  it('exchanges a key-pair JWT for an ingress token, as raw text, optionally with a role', async () => {
    const r = await exchange(emu.ingressHost);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^text\/plain/);
    assert.ok(r.text.length > 20 && !r.text.startsWith('{'));
    assert.ok(passed(await viaIngress(r.text)));
    const withRole = await exchange(`session:role:FINANCE ${emu.ingressHost}`);
    assert.equal(emu.state.ingressTokens.get(withRole.text)?.role, 'FINANCE');
    const ungranted = await exchange(`session:role:ACCOUNTADMIN ${emu.ingressHost}`);
    assert.equal(ungranted.status, 400);
  });

  it('verifies the assertion like a login (expired JWT refused)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await exchange(
      emu.ingressHost,
      signKeypairJwt(key.privateKey, emu.state.account, 'DEMO_USER', { iat: now - 7200, exp: now - 3700 }),
    );
    assert.equal(r.status, 400);
    assert.equal(r.json.code, '394301');
  });

  it('a missing token: API clients get 401 (plain text), browsers a redirect to sign in', async () => {
    const api = await viaIngress(undefined);
    assert.equal(api.status, 401);
    assert.match(api.text, /^Unauthorized: missing Authorization/);
    const browser = await viaIngress(undefined, { Accept: 'text/html,application/xhtml+xml' });
    assert.equal(browser.status, 302);
    assert.match(browser.headers.get('location')!, /\/oauth\/authorize\?/);
  });

  it('an ingress token scoped to another host is refused', async () => {
    const r = await exchange('abc123-otherorg-other.snowflakecomputing.app');
    const reply = await viaIngress(r.text);
    assert.equal(reply.status, 401);
    assert.match(reply.text, /another host/);
  });

  it('accepts PATs and session tokens from OAuth/PAT logins, not from a key-pair login', async () => {
    const pat = emu.state.addPat('DEMO_USER');
    assert.ok(passed(await viaIngress(pat)));
    const oauth = await login(emu, {
      AUTHENTICATOR: 'OAUTH',
      TOKEN: emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', 600),
    });
    assert.ok(passed(await viaIngress(oauth.json.data.token)));
    const kp = await login(emu, { LOGIN_NAME: 'DEMO_USER', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: assertion() });
    assert.equal((await viaIngress(kp.json.data.token)).status, 401);
    assert.equal((await viaIngress('garbage')).status, 401);
  });

  it('expired ingress tokens are refused', async () => {
    const token = (await exchange(emu.ingressHost)).text;
    assert.ok(passed(await viaIngress(token)));
    emu.state.expireAllTokens();
    const reply = await viaIngress(token);
    assert.equal(reply.status, 401);
    assert.match(reply.text, /expired/);
  });

  it('the plain Connect has no ingress in front', async () => {
    const r = await http(`${emu.plainConnectUrl}/__api__/v1/user`);
    assert.notEqual(r.text.startsWith('Unauthorized:'), true);
  });

  it('a browser signs in once: consent, callback, then the published page with the ingress session cookie', async () => {
    const approve = emu.state.autoApprove;
    emu.state.autoApprove = false;
    try {
      const created = await http(`${emu.plainConnectUrl}/__api__/v1/content`, {
        method: 'POST',
        headers: { Authorization: `Key ${emu.connectApiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'sales-app', title: 'Sales App' }),
      });
      // Published: a deployed bundle (connect.test.ts covers the upload and deploy themselves).
      Object.assign(emu.connectState.contents.get(created.json.guid)!, { bundle_id: '1' });
      const page = `${emu.connectUrl}/content/${created.json.guid}/`;
      const html = { Accept: 'text/html,application/xhtml+xml' };
      const first = await http(page, { headers: html });
      assert.equal(first.status, 302);
      const signInUrl = first.headers.get('location')!;
      const consent = await http(signInUrl, { headers: html });
      assert.equal(consent.status, 200);
      const allowed = await submitConsent(signInUrl, consent.text, 'allow');
      const callback = allowed.headers.get('location')!;
      assert.ok(callback.startsWith(`${emu.connectUrl}/sfc-endpoint/callback?`), callback);
      const landed = await http(callback, { headers: html });
      assert.equal(landed.status, 302);
      assert.equal(landed.headers.get('location'), new URL(page).pathname);
      const cookie = /^([^;]+)/.exec(landed.headers.get('set-cookie') ?? '')?.[1] ?? '';
      assert.ok(cookie.startsWith(`${INGRESS_COOKIE}=`), `a session cookie is set: ${cookie}`);
      const shown = await http(page, { headers: { ...html, Cookie: cookie } });
      assert.equal(shown.status, 200);
      assert.match(shown.text, /<h1>Sales App<\/h1>/);
      // The code was for one sign-in; the cookie, not the callback, is what lets the browser in.
      assert.equal((await http(callback, { headers: html })).status, 401);
      assert.equal((await http(page, { headers: html })).status, 302);
    } finally {
      emu.state.autoApprove = approve;
    }
  });
});
