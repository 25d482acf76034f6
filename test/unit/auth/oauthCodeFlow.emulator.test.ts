// The OAuth authorization-code flow end to end against the emulator's /oauth/authorize (auto-approve), with a
// simulated browser following the redirect to our loopback listener; state, cancel, timeout, custom clients, sign-out.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loginProbe } from '../../../src/core/auth/diagnostics/loginProbe';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { Emitter } from '../../../src/core/shared/events';
import { MemorySecretStorage, SecretStore } from '../../../src/core/auth/secretStore';
import type { AuthChange } from '../../../src/core/auth/types';
import { browserPrompter, freePort, makeAuth, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

describe('OAuth authorization code + PKCE against the emulator', () => {
  let w: AuthWorld;
  let registered = '';
  before(async () => {
    w = await startAuthWorld();
    w.emu.state.autoApprove = true;
    registered = `http://127.0.0.1:${await freePort()}/callback`;
    // A custom integration redirects only to the one OAUTH_REDIRECT_URI it was created with.
    w.emu.state.clients.set('CUSTOM_APP', {
      id: 'CUSTOM_APP',
      secret: 'custom-secret-value',
      redirectUris: [registered],
      enforcePkce: true,
      blockedRoles: new Set(['ACCOUNTADMIN']),
      refreshValiditySeconds: 86400,
    });
  });
  after(async () => {
    await w.close();
  });
  beforeEach(() => {
    w.emu.servers.snowflake.log.splice(0);
  });

  it('signs in through the browser, keeps the refresh token, and signs out', async () => {
    const browser = browserPrompter();
    const t = makeAuth(w, w.emu.home!.env, { prompter: browser });
    const changes: AuthChange[] = [];
    t.auth.onDidChange((e) => changes.push(e));
    const c = await t.auth.getConnection('oauth_code');
    const result = await t.auth.signIn(c);
    assert.equal(result.username, 'DEMO_USER');
    assert.equal(result.scope, 'refresh_token session:role:ANALYST');
    assert.deepEqual(browser.calls.landed, [200]);
    assert.equal(browser.calls.mapped.length, 1, 'the loopback URL goes through asExternalUri');
    const authorize = new URL(browser.calls.opened[0]!);
    assert.equal(authorize.origin + authorize.pathname, `${w.emu.snowflakeUrl}/oauth/authorize`);
    assert.equal(authorize.searchParams.get('client_id'), 'LOCAL_APPLICATION');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('scope'), 'session:role:ANALYST refresh_token');
    assert.match(authorize.searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok((authorize.searchParams.get('state') ?? '').length >= 32);
    assert.ok(await t.auth.isSignedIn(c));
    assert.equal((await loginProbe(t.auth, c)).user, 'DEMO_USER');
    const exchange = new URLSearchParams(
      w.emu.servers.snowflake.log.find((e) => e.path === '/oauth/token-request')!.body,
    );
    assert.equal(exchange.get('grant_type'), 'authorization_code');
    assert.ok(changes.some((e) => e.reason === 'signIn'));

    await t.auth.signOut(c);
    assert.equal(await t.auth.isSignedIn(c), false);
    assert.equal(t.raw.data.size, 0, 'sign-out deletes the stored tokens');
    await assert.rejects(t.auth.forRest(c, { silent: true }), {
      kind: 'auth',
      message: "Connection 'oauth_code' is not signed in to Snowflake.",
      fix: { text: "Run 'Snowflake: Sign In'.", command: 'positSnowflake.signIn', commandTitle: 'Sign In' },
    });
    assert.ok(changes.some((e) => e.reason === 'signOut'));
  });

  it('secret events arriving late (as in VS Code) do not undo our own sign-in, and another window sign-in is used', async () => {
    class LateEvents extends MemorySecretStorage {
      override async store(key: string, value: string): Promise<void> {
        this.data.set(key, value);
        setImmediate(() => this.late.fire({ key }));
      }
      readonly late = new Emitter<{ key: string }>();
      override readonly onDidChange = this.late.event;
    }
    const raw = new LateEvents();
    const t = makeAuth(w, w.emu.home!.env, { prompter: browserPrompter(), raw });
    const c = await t.auth.getConnection('oauth_code');
    await t.auth.signIn(c);
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 3; i++) await t.auth.forRest(c);
    assert.equal(w.emu.servers.snowflake.log.filter((e) => e.path === '/oauth/token-request').length, 1);
    // Another window signs in: its refresh token replaces ours and the next call uses it.
    const other = w.emu.state.issueRefreshToken('DEMO_USER', 'ANALYST', 'LOCAL_APPLICATION', 'refresh_token');
    await new SecretStore(raw).set({ kind: 'oauthRefreshToken', id: 'oauth_code' }, other);
    await new Promise((r) => setImmediate(r));
    await t.auth.forRest(c);
    const last = w.emu.servers.snowflake.log.filter((e) => e.path === '/oauth/token-request').at(-1)!;
    assert.equal(new URLSearchParams(last.body).get('grant_type'), 'refresh_token');
  });

  it('forRest (not silent) with no sign-in starts one; 5 concurrent callers share it', async () => {
    const browser = browserPrompter();
    const t = makeAuth(w, w.emu.home!.env, { prompter: browser });
    const c = await t.auth.getConnection('oauth_code');
    const creds = await Promise.all(Array.from({ length: 5 }, () => t.auth.forRest(c)));
    assert.equal(browser.calls.opened.length, 1);
    assert.equal(new Set(creds.map((x) => x.headers.Authorization)).size, 1);
  });

  it('a custom client: secret from the SecretStore, PKCE enforced, blocked role explained', async () => {
    const home = writeHome(
      w,
      'custom',
      table(w, 'custom', {
        authenticator: 'oauth_authorization_code',
        oauth_client_id: 'CUSTOM_APP',
        oauth_redirect_uri: registered,
        role: 'ANALYST',
        warehouse: 'DEMO_WH',
      }) +
        table(w, 'admin', {
          authenticator: 'oauth_authorization_code',
          oauth_client_id: 'CUSTOM_APP',
          oauth_redirect_uri: registered,
          role: 'ACCOUNTADMIN',
        }),
    );
    const t = makeAuth(w, { SNOWFLAKE_HOME: home }, { prompter: browserPrompter() });
    await t.secrets.set({ kind: 'oauthClientSecret', id: 'custom' }, 'custom-secret-value');
    await t.secrets.set({ kind: 'oauthClientSecret', id: 'admin' }, 'custom-secret-value');
    const r = await t.auth.signIn(await t.auth.getConnection('custom'));
    assert.equal(r.username, 'DEMO_USER');
    w.emu.state.browserUser = 'ADMIN_USER';
    const err = await t.auth
      .signIn(await t.auth.getConnection('admin'))
      .catch((e: unknown) => e)
      .finally(() => {
        w.emu.state.browserUser = 'DEMO_USER';
      });
    assert.equal(
      (err as SnowflakeExtError).userText,
      "Snowflake refused the sign-in of connection 'admin': the role it asks for (ACCOUNTADMIN) is not granted to the user who signed in, or OAuth may not use it (ACCOUNTADMIN, SECURITYADMIN and ORGADMIN are blocked by default). Set role in connection 'admin' to another role of yours (SHOW GRANTS TO USER), then run 'Snowflake: Sign In' again.",
    );
    assert.equal(await t.auth.isSignedIn(await t.auth.getConnection('admin')), false);
  });

  it('a stray answer with another state gets 400 and the sign-in goes on to succeed', async () => {
    const stray: number[] = [];
    const browser = browserPrompter();
    const prompter = {
      ...browser,
      openExternal: async (u: string) => {
        const redirect = new URL(u).searchParams.get('redirect_uri')!;
        stray.push((await fetch(`${redirect}?code=stolen&state=forged`)).status);
        stray.push((await fetch(`${redirect}?error=access_denied&error_description=x&state=forged`)).status);
        return browser.openExternal!(u);
      },
    };
    const t = makeAuth(w, w.emu.home!.env, { prompter });
    const r = await t.auth.signIn(await t.auth.getConnection('oauth_code'));
    assert.deepEqual(stray, [400, 400]);
    assert.equal(r.username, 'DEMO_USER');
    assert.deepEqual(browser.calls.landed, [200]);
  });

  it("an error answer is told in our words, never the sender's text", async () => {
    const seen: string[] = [];
    for (const [error, expected] of [
      [
        'access_denied',
        "Snowflake refused the sign-in of connection 'oauth_code': access was denied, in the browser or by the account's OAuth settings. Run 'Snowflake: Sign In' again and allow access; if it is refused again, ask your Snowflake administrator.",
      ],
      [
        'made_up',
        "Snowflake refused the sign-in of connection 'oauth_code' with an error code that OAuth does not define. Run 'Snowflake: Sign In' again; if it is refused again, ask your Snowflake administrator.",
      ],
    ] as const) {
      const prompter = {
        openExternal: async (u: string) => {
          const q = new URL(u).searchParams;
          const answer = new URL(q.get('redirect_uri')!);
          answer.search = new URLSearchParams({
            error,
            error_description: 'Re-enter your password at http://evil.example',
            state: q.get('state')!,
          }).toString();
          void fetch(answer).catch(() => undefined);
          return true;
        },
      };
      const t = makeAuth(w, w.emu.home!.env, { prompter });
      const err = await t.auth.signIn(await t.auth.getConnection('oauth_code')).catch((e: unknown) => e);
      seen.push((err as SnowflakeExtError).userText);
      assert.equal((err as SnowflakeExtError).userText, expected);
      assert.equal(t.raw.data.size, 0);
    }
    assert.ok(seen.every((m) => !m.includes('evil.example')));
  });

  it('listens on [::1] when oauth_redirect_uri names it', async function () {
    const probe = http.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, '::1', () => resolve((probe.address() as AddressInfo).port));
    }).catch(() => 0);
    await new Promise((r) => probe.close(r));
    if (!port) this.skip(); // no IPv6 loopback on this machine
    const home = writeHome(
      w,
      'ipv6',
      table(w, 'v6', {
        authenticator: 'oauth_authorization_code',
        role: 'ANALYST',
        oauth_redirect_uri: `http://[::1]:${port}/`,
      }),
    );
    const browser = browserPrompter();
    const t = makeAuth(w, { SNOWFLAKE_HOME: home }, { prompter: browser });
    const r = await t.auth.signIn(await t.auth.getConnection('v6'));
    assert.equal(r.username, 'DEMO_USER');
    assert.deepEqual(browser.calls.landed, [200]);
    assert.equal(new URL(browser.calls.opened[0]!).searchParams.get('redirect_uri'), `http://[::1]:${port}/`);
  });

  it('cancel stops the wait and closes the listener; a timeout says what to do', async () => {
    let redirect = '';
    const prompter = {
      openExternal: async (u: string) => {
        redirect = new URL(u).searchParams.get('redirect_uri')!;
        return true;
      },
    };
    const t = makeAuth(w, w.emu.home!.env, { prompter });
    const c = await t.auth.getConnection('oauth_code');
    const ac = new AbortController();
    const p = t.auth.signIn(c, { signal: ac.signal });
    while (!redirect) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await assert.rejects(p, CancelledError);
    await assert.rejects(fetch(redirect), /fetch failed/);
    const quick = makeAuth(w, w.emu.home!.env, { prompter, signInTimeoutMs: 30 });
    await assert.rejects(quick.auth.signIn(c), {
      kind: 'auth',
      code: 'timeout',
      message: "The Snowflake sign-in of connection 'oauth_code' did not finish within 1 second.",
    });
  });

  it('a declined "open external website?" is a cancelled sign-in, and Cancel works while the editor asks', async () => {
    let redirect = '';
    const declined = makeAuth(w, w.emu.home!.env, {
      prompter: {
        openExternal: async (u: string) => {
          redirect = new URL(u).searchParams.get('redirect_uri')!;
          return false;
        },
      },
    });
    await assert.rejects(declined.auth.signIn(await declined.auth.getConnection('oauth_code')), (e: unknown) => {
      assert.ok(e instanceof CancelledError);
      assert.equal(e.message, 'Sign-in cancelled.');
      return true;
    });
    await assert.rejects(fetch(redirect), /fetch failed/, 'the listener is closed');

    // The editor's dialog stays open (openExternal never answers): the progress's Cancel ends the wait at once.
    const asking = makeAuth(w, w.emu.home!.env, { prompter: { openExternal: () => new Promise<boolean>(() => {}) } });
    const ac = new AbortController();
    const p = asking.auth.signIn(await asking.auth.getConnection('oauth_code'), { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, CancelledError);
  });

  it('the command line (no browser) gets a clear error', async () => {
    const t = makeAuth(w, w.emu.home!.env);
    await assert.rejects(t.auth.forRest(await t.auth.getConnection('oauth_code')), {
      kind: 'auth',
      code: 'signInNeeded',
    });
    await assert.rejects(t.auth.signIn(await t.auth.getConnection('oauth_code')), {
      kind: 'notSupported',
      code: 'noBrowser',
    });
  });
});
