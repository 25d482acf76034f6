// OAuth rules: the authorization-code flow with PKCE S256 for LOCAL_APPLICATION and the PKCE-enforcing custom
// client, redirect_uri checks, refresh tokens (and their revocation), client authentication, role scopes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startEmulator, type Emulator } from './index';
import http_ from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, login, postForm, submitConsent } from './testClient';

/** A path-prefix proxy as code-server runs one: /proxy/<port>/<rest> is forwarded to 127.0.0.1:<port>/<rest>. */
async function pathPrefixProxy(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http_.createServer((req, res) => {
    const m = /^\/proxy\/(\d+)(\/.*)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`Cannot ${req.method} ${req.url}`);
      return;
    }
    const upstream = http_.request(
      { host: '127.0.0.1', port: Number(m[1]), path: m[2], method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const LOCAL = 'LOCAL_APPLICATION';
const basic = (id: string, secret: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

describe('emulator: OAuth', function () {
  let emu: Emulator;
  const redirect = 'http://127.0.0.1:53123/callback';

  before(async () => {
    emu = await startEmulator({ accessTokenTtlSeconds: 120 });
    emu.state.autoApprove = true;
  });
  after(() => emu.close());

  async function authorize(params: Record<string, string>): Promise<URL> {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: LOCAL,
      redirect_uri: redirect,
      state: 'st-1',
      ...params,
    });
    const r = await http(`${emu.snowflakeUrl}/oauth/authorize?${q}`);
    assert.equal(r.status, 302, r.text);
    return new URL(r.headers.get('location')!);
  }

  it('LOCAL_APPLICATION: code + PKCE → access and refresh tokens; the access token logs in', async () => {
    const p = pkce();
    const back = await authorize({
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      scope: 'session:role:FINANCE refresh_token',
    });
    assert.equal(back.origin + back.pathname, redirect);
    assert.equal(back.searchParams.get('state'), 'st-1');
    const code = back.searchParams.get('code')!;
    const r = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: p.verifier },
      basic(LOCAL, LOCAL),
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(r.json.expires_in, 120);
    assert.equal(r.json.username, 'DEMO_USER');
    assert.match(r.json.scope, /session:role:FINANCE/);
    assert.ok(r.json.refresh_token && r.json.refresh_token_expires_in > 0);
    const s = await login(emu, { AUTHENTICATOR: 'OAUTH', TOKEN: r.json.access_token });
    assert.equal(s.json.data.sessionInfo.roleName, 'FINANCE');
    const again = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: p.verifier },
      basic(LOCAL, LOCAL),
    );
    assert.equal(again.json.error, 'invalid_grant', 'a code is single-use');
  });

  it('any loopback port is a valid redirect for LOCAL_APPLICATION; other hosts are not', async () => {
    assert.ok((await authorize({ redirect_uri: 'http://localhost:40001/' })).searchParams.get('code'));
    const r = await http(
      `${emu.snowflakeUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: LOCAL, redirect_uri: 'http://evil.example.com/cb' })}`,
    );
    assert.equal(r.status, 400);
    assert.match(r.text, /redirect_uri/);
  });

  it('PKCE mismatch is refused', async () => {
    const p = pkce();
    const code = (await authorize({ code_challenge: p.challenge, code_challenge_method: 'S256' })).searchParams.get(
      'code',
    )!;
    const r = await postForm(`${emu.snowflakeUrl}/oauth/token-request`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      code_verifier: pkce().verifier,
      client_id: LOCAL,
      client_secret: LOCAL,
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_grant');
    assert.match(r.json.error_description, /PKCE/);
  });

  it('redirect_uri must match between authorize and token request', async () => {
    const p = pkce();
    const code = (await authorize({ code_challenge: p.challenge, code_challenge_method: 'S256' })).searchParams.get(
      'code',
    )!;
    const r = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/other', code_verifier: p.verifier },
      basic(LOCAL, LOCAL),
    );
    assert.equal(r.json.error, 'invalid_grant');
    assert.match(r.json.error_description, /redirect_uri/);
  });

  it('client authentication: a wrong secret is invalid_client (401)', async () => {
    const r = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      basic(LOCAL, 'wrong'),
    );
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
  });

  it('refresh_token grant issues a new access token; a revoked refresh token is refused', async () => {
    const p = pkce();
    const code = (await authorize({ code_challenge: p.challenge, code_challenge_method: 'S256' })).searchParams.get(
      'code',
    )!;
    const first = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: p.verifier },
      basic(LOCAL, LOCAL),
    );
    const refreshed = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'refresh_token', refresh_token: first.json.refresh_token },
      basic(LOCAL, LOCAL),
    );
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.json.access_token, first.json.access_token);
    emu.state.revokeRefreshTokens('DEMO_USER');
    const revoked = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'refresh_token', refresh_token: first.json.refresh_token },
      basic(LOCAL, LOCAL),
    );
    assert.equal(revoked.status, 400);
    assert.equal(revoked.json.error, 'invalid_grant');
    assert.match(revoked.json.error_description, /revoked/);
  });

  it('the custom client enforces PKCE, its registered redirect, and blocks ACCOUNTADMIN', async () => {
    const hex = emu.state.clients.get('HEX_CLIENT')!;
    const hexRedirect = (hex.redirectUris as string[])[0]!;
    const noPkce = await authorize({ client_id: hex.id, redirect_uri: hexRedirect });
    assert.equal(noPkce.searchParams.get('error'), 'invalid_request');
    const wrong = await http(
      `${emu.snowflakeUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: hex.id, redirect_uri: 'http://127.0.0.1:1/x' })}`,
    );
    assert.equal(wrong.status, 400);
    const p = pkce();
    emu.state.browserUser = 'ADMIN_USER';
    const blocked = await authorize({
      client_id: hex.id,
      redirect_uri: hexRedirect,
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      scope: 'session:role:ACCOUNTADMIN',
    });
    assert.equal(blocked.searchParams.get('error'), 'invalid_scope');
    emu.state.browserUser = 'DEMO_USER';
    const code = (
      await authorize({
        client_id: hex.id,
        redirect_uri: hexRedirect,
        code_challenge: p.challenge,
        code_challenge_method: 'S256',
      })
    ).searchParams.get('code')!;
    const ok = await postForm(
      `${emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'authorization_code', code, redirect_uri: hexRedirect, code_verifier: p.verifier },
      basic(hex.id, hex.secret),
    );
    assert.equal(ok.status, 200, ok.text);
  });

  it('without auto-approve the user sees a consent page; Allow redirects with a code, Deny with access_denied', async () => {
    emu.state.autoApprove = false;
    const q = new URLSearchParams({ response_type: 'code', client_id: LOCAL, redirect_uri: redirect, state: 's2' });
    const pageReply = await http(`${emu.snowflakeUrl}/oauth/authorize?${q}`);
    assert.equal(pageReply.status, 200);
    assert.match(pageReply.text, /<button[^>]*id="allow"/);
    const allow = await postForm(`${emu.snowflakeUrl}/oauth/authorize/decision`, {
      ...Object.fromEntries(q),
      decision: 'allow',
      user: 'DEMO_USER',
    });
    assert.ok(new URL(allow.headers.get('location')!).searchParams.get('code'));
    const deny = await postForm(`${emu.snowflakeUrl}/oauth/authorize/decision`, {
      ...Object.fromEntries(q),
      decision: 'deny',
    });
    assert.equal(new URL(deny.headers.get('location')!).searchParams.get('error'), 'access_denied');
    emu.state.autoApprove = true;
  });

  it('the consent page works behind a path prefix (code-server /proxy/<port>/): Allow posts through the prefix', async () => {
    const approve = emu.state.autoApprove;
    emu.state.autoApprove = false;
    const proxy = await pathPrefixProxy();
    try {
      const port = new URL(emu.snowflakeUrl).port;
      const q = new URLSearchParams({ response_type: 'code', client_id: LOCAL, redirect_uri: redirect, state: 'p1' });
      const pageUrl = `${proxy.url}/proxy/${port}/oauth/authorize?${q}`;
      const pageReply = await http(pageUrl);
      assert.equal(pageReply.status, 200);
      const allow = await submitConsent(pageUrl, pageReply.text, 'allow');
      assert.equal(allow.status, 302, `the form's POST reached the emulator through the prefix: ${allow.text}`);
      const back = new URL(allow.headers.get('location')!);
      assert.equal(`${back.origin}${back.pathname}`, redirect);
      assert.ok(back.searchParams.get('code'));
      assert.equal(back.searchParams.get('state'), 'p1');
    } finally {
      await proxy.close();
      emu.state.autoApprove = approve;
    }
  });
});
