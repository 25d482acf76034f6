// The auth service against the emulator: every credential kind logs in and calls REST, Workbench rotation, the 401
// retry, one refresh shared by 20 callers, and the SPCS ingress token for each kind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loginProbe } from '../../../src/core/auth/diagnostics/loginProbe';
import { withAuthRetry } from '../../../src/core/auth/withAuthRetry';
import { HttpError, httpErrorFrom } from '../../../src/core/shared/http';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import type { AuthChange } from '../../../src/core/auth/types';
import { makeAuth, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

const WHO = { user: 'DEMO_USER', role: 'ANALYST', warehouse: 'DEMO_WH' };

function restHeaders(h: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('auth service against the emulator', function () {
  let w: AuthWorld;
  before(async () => {
    w = await startAuthWorld();
  });
  after(async () => {
    await w.close();
  });
  beforeEach(() => {
    w.emu.servers.snowflake.log.splice(0);
  });
  const requests = (p: string): number => w.emu.servers.snowflake.log.filter((e) => e.path === p).length;

  describe('credential kinds', () => {
    it('key pair (PKCS#8): REST headers the server accepts, and a login probe', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('keypair');
      const rest = await auth.forRest(c);
      assert.equal(rest.headers['X-Snowflake-Authorization-Token-Type'], 'KEYPAIR_JWT');
      assert.deepEqual(await w.emu.state.authenticateRest(restHeaders(rest.headers)), {
        ok: true,
        user: 'DEMO_USER',
        role: 'ANALYST',
        via: 'KEYPAIR_JWT',
      });
      assert.deepEqual({ ...(await loginProbe(auth, c)), serverDate: undefined }, { ...WHO, serverDate: undefined });
      const login = await auth.forLogin(c);
      assert.equal(login.authenticator, 'SNOWFLAKE_JWT');
      assert.match(login.authenticator === 'SNOWFLAKE_JWT' ? login.privateKeyPem : '', /^-{5}BEGIN PRIVATE KEY-{5}/);
    });

    it('encrypted key: passphrase asked once, kept in the SecretStore only after it decrypts', async () => {
      const asked: boolean[] = [];
      const answers = ['not-it', w.emu.home!.passphrase];
      const t = makeAuth(w, w.emu.home!.env, {
        prompter: {
          askPassphrase: async (_c, _f, retry) => {
            asked.push(retry);
            return answers.shift();
          },
        },
      });
      const c = await t.auth.getConnection('encrypted_key');
      const [a, b] = await Promise.all([t.auth.forRest(c), t.auth.forRest(c)]);
      assert.equal(a.headers.Authorization, b.headers.Authorization);
      assert.deepEqual(asked, [false, true]);
      assert.equal(await t.secrets.get({ kind: 'keyPassphrase', id: 'encrypted_key' }), w.emu.home!.passphrase);
      assert.deepEqual({ ...(await loginProbe(t.auth, c)), serverDate: undefined }, { ...WHO, serverDate: undefined });
      // A new service (another window) finds the passphrase in the store and asks nothing.
      const again = makeAuth(w, w.emu.home!.env, {
        raw: t.raw,
        prompter: { askPassphrase: async () => assert.fail('asked again') },
      });
      await again.auth.forRest(await again.auth.getConnection('encrypted_key'));
    });

    it('encrypted key: PRIVATE_KEY_PASSPHRASE is used and nothing is stored', async () => {
      const t = makeAuth(w, { ...w.emu.home!.env, PRIVATE_KEY_PASSPHRASE: w.emu.home!.passphrase });
      await loginProbe(t.auth, await t.auth.getConnection('encrypted_key'));
      assert.equal(t.raw.data.size, 0);
    });

    it('PAT from the file, and from the SecretStore', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('pat');
      assert.equal(
        (await auth.forRest(c)).headers['X-Snowflake-Authorization-Token-Type'],
        'PROGRAMMATIC_ACCESS_TOKEN',
      );
      assert.deepEqual({ ...(await loginProbe(auth, c)), serverDate: undefined }, { ...WHO, serverDate: undefined });
      const home = writeHome(
        w,
        'patstore',
        table(w, 'p', {
          user: 'DEMO_USER',
          authenticator: 'programmatic_access_token',
          role: 'ANALYST',
          warehouse: 'DEMO_WH',
        }),
      );
      const t = makeAuth(w, { SNOWFLAKE_HOME: home });
      await t.secrets.set({ kind: 'pat', id: 'p' }, w.emu.state.addPat('DEMO_USER'));
      const p = await t.auth.getConnection('p');
      assert.equal((await loginProbe(t.auth, p)).user, 'DEMO_USER');
      assert.equal((await t.auth.forLogin(p)).authenticator, 'PROGRAMMATIC_ACCESS_TOKEN');
    });

    it("a PAT restricted to another role: Snowflake's 390186 is explained as the PAT's role, and not retried", async () => {
      const token = w.emu.state.addPat('DEMO_USER', 'ANALYST');
      const home = writeHome(
        w,
        'patrole',
        table(w, 'p', { user: 'DEMO_USER', authenticator: 'programmatic_access_token', role: 'FINANCE', token }),
      );
      const { auth } = makeAuth(w, { SNOWFLAKE_HOME: home });
      const before = requests('/session/v1/login-request');
      const err = await loginProbe(auth, await auth.getConnection('p')).catch((e: unknown) => e as SnowflakeExtError);
      assert.ok(err instanceof SnowflakeExtError, String(err));
      assert.equal(err.code, '390186');
      assert.equal(err.refusal, 'role');
      assert.match(
        err.message,
        /programmatic access token of connection 'p' is restricted to another role than 'FINANCE'/,
      );
      // Snowflake's own words mention OAuth; ours (the explanation and the fix) do not.
      assert.doesNotMatch(err.message.split(' Snowflake said:')[0]!, /OAuth|sign in/i);
      assert.doesNotMatch(err.fix?.text ?? '', /OAuth|sign in/i);
      assert.equal(requests('/session/v1/login-request') - before, 1, 'a role refusal is not retried');
    });

    it('a PAT set through the service is used at once, reported once per write, and cleared', async () => {
      const home = writeHome(
        w,
        'patset',
        table(w, 'p', { user: 'DEMO_USER', authenticator: 'programmatic_access_token', role: 'ANALYST' }),
      );
      const t = makeAuth(w, { SNOWFLAKE_HOME: home });
      const p = await t.auth.getConnection('p');
      const changes: AuthChange[] = [];
      t.auth.onDidChange((e) => changes.push(e));
      await t.auth.setSecret('p', 'pat', w.emu.state.addPat('DEMO_USER'));
      assert.equal((await loginProbe(t.auth, p)).user, 'DEMO_USER');
      const second = w.emu.state.addPat('DEMO_USER');
      await t.auth.setSecret('p', 'pat', second);
      assert.equal((await t.auth.forRest(p)).headers.Authorization, `Bearer ${second}`);
      assert.deepEqual(
        changes,
        [
          { connections: ['p'], reason: 'secrets' },
          { connections: ['p'], reason: 'secrets' },
        ],
        "each write is reported once: the store's own change event is not taken for another window's",
      );
      await t.auth.setSecret('p', 'pat', undefined);
      assert.equal(t.raw.data.size, 0);
      await assert.rejects(t.auth.forRest(p), /uses a programmatic access token, but none is set/);
    });

    it('a PAT written by another window is reported and used', async () => {
      const home = writeHome(
        w,
        'patother',
        table(w, 'p', { user: 'DEMO_USER', authenticator: 'programmatic_access_token', role: 'ANALYST' }),
      );
      const t = makeAuth(w, { SNOWFLAKE_HOME: home });
      const changes: AuthChange[] = [];
      t.auth.onDidChange((e) => changes.push(e));
      const pat = w.emu.state.addPat('DEMO_USER');
      await t.secrets.set({ kind: 'pat', id: 'p' }, pat);
      assert.deepEqual(changes, [{ connections: ['p'], reason: 'secrets' }]);
      assert.equal((await t.auth.forRest(await t.auth.getConnection('p'))).headers.Authorization, `Bearer ${pat}`);
    });

    it("Connect API keys are kept by the service and change no connection's credentials", async () => {
      const t = makeAuth(w, w.emu.home!.env);
      const changes: AuthChange[] = [];
      t.auth.onDidChange((e) => changes.push(e));
      await t.auth.setConnectApiKey('https://connect.example.com', 'key-1');
      assert.equal(await t.auth.connectApiKey('https://connect.example.com'), 'key-1');
      assert.equal(await t.auth.connectApiKey('https://other.example.com'), undefined);
      await t.auth.setConnectApiKey('https://connect.example.com', undefined);
      assert.equal(await t.auth.connectApiKey('https://connect.example.com'), undefined);
      assert.deepEqual(changes, []);
    });

    it('OAuth token from token_file_path (trimmed) and inline token', async () => {
      const token = w.emu.state.issueOAuthAccessToken('DEMO_USER', 'ANALYST', 3600);
      const home = writeHome(
        w,
        'oauthfile',
        table(w, 'f', { authenticator: 'oauth', token_file_path: 'TOKENFILE', warehouse: 'DEMO_WH' }).replace(
          'TOKENFILE',
          path.join(w.dir, 'oauthfile', 'tok'),
        ) + table(w, 'i', { authenticator: 'OAUTH', token, warehouse: 'DEMO_WH' }),
        { tok: { text: `  ${token}\n\n` } },
      );
      const { auth } = makeAuth(w, { SNOWFLAKE_HOME: home });
      for (const name of ['f', 'i']) {
        const c = await auth.getConnection(name);
        const rest = await auth.forRest(c);
        assert.equal(rest.headers.Authorization, `Bearer ${token}`);
        assert.equal((await loginProbe(auth, c)).user, 'DEMO_USER');
        assert.deepEqual(await auth.forLogin(c), { authenticator: 'OAUTH', token });
      }
    });

    it('other authenticators: a clear "not supported yet" naming the supported ones', async () => {
      const home = writeHome(w, 'unsupported', table(w, 'b', { user: 'u', authenticator: 'externalbrowser' }));
      const { auth } = makeAuth(w, { SNOWFLAKE_HOME: home });
      await assert.rejects(auth.forRest(await auth.getConnection('b')), {
        kind: 'notSupported',
        message: "Connection 'b' uses authenticator externalbrowser, which this extension does not support yet.",
        fix: { text: 'Use one of snowflake_jwt, oauth, programmatic_access_token, oauth_authorization_code.' },
      });
    });
  });

  describe('Posit Workbench', () => {
    it('is labelled, and a token rotated mid-session is picked up without a reload', async () => {
      const t = makeAuth(w, w.emu.home!.workbenchEnv);
      const changes: AuthChange[] = [];
      t.auth.onDidChange((e) => changes.push(e));
      const c = await t.auth.getConnection('workbench');
      assert.equal(c.source, 'workbench');
      assert.equal(c.isDefault, true);
      const first = (await t.auth.forRest(c)).headers.Authorization;
      assert.equal(first, `Bearer ${w.emu.workbench.current}`);
      assert.equal((await loginProbe(t.auth, c)).user, 'DEMO_USER');
      const old = w.emu.workbench.current!;
      const fresh = w.emu.rotateWorkbenchToken();
      w.emu.state.accessTokens.get(old)!.expiresAt = w.emu.state.now() - 1000;
      assert.equal((await t.auth.forRest(c)).headers.Authorization, `Bearer ${fresh}`);
      assert.deepEqual(changes, [{ connections: ['workbench'], reason: 'workbenchToken' }]);
      assert.equal((await loginProbe(t.auth, c)).user, 'DEMO_USER');
      assert.equal(t.raw.data.size, 0, 'the Workbench token is never copied to the SecretStore');
      assert.ok(!t.log.lines.join('\n').includes(fresh));
    });

    it('with watch, a rewrite of the file fires onDidChange', async () => {
      const t = makeAuth(w, w.emu.home!.workbenchEnv, { watch: true });
      try {
        await t.auth.connections();
        const changed = new Promise<AuthChange>((resolve) => t.auth.onDidChange(resolve));
        w.emu.rotateWorkbenchToken();
        assert.deepEqual(await changed, { reason: 'files' });
      } finally {
        t.auth.dispose();
      }
    });
  });

  describe('401 retry and single flight', () => {
    it('a refused credential is replaced once and the call succeeds', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('keypair');
      w.emu.servers.snowflake.addFault({ route: 'POST /session/v1/login-request', status: 401 });
      assert.equal((await loginProbe(auth, c)).user, 'DEMO_USER');
      assert.equal(requests('/session/v1/login-request'), 2);
    });

    it('refused twice: a typed auth error with a fix', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('keypair');
      let calls = 0;
      const err = await withAuthRetry(auth, c, 'rest', async () => {
        calls++;
        const body = '{"code":"390144","message":"JWT token is invalid."}';
        throw await httpErrorFrom(new Response(body, { status: 401 }), 'http://x/api', 'POST');
      }).catch((e: unknown) => e);
      assert.equal(calls, 2);
      assert.equal((err as { kind: string }).kind, 'auth');
      assert.match(
        (err as Error).message,
        /^Snowflake rejected the key-pair JWT of connection 'keypair' \(it names SANDBOX-DEMO\.DEMO_USER\) \(code 390144\)\. Snowflake said: JWT token is invalid\.$/,
      );
      assert.match((err as { fix: { text: string } }).fix.text, /Our key's fingerprint is SHA256:/);
    });

    it('an expired OAuth access token is refreshed once for 20 concurrent callers', async () => {
      const t = makeAuth(w, w.emu.home!.env);
      const c = await t.auth.getConnection('oauth_code');
      await t.secrets.set(
        { kind: 'oauthRefreshToken', id: 'oauth_code' },
        w.emu.state.issueRefreshToken(
          'DEMO_USER',
          'ANALYST',
          'LOCAL_APPLICATION',
          'session:role:ANALYST refresh_token',
        ),
      );
      const creds = await Promise.all(Array.from({ length: 20 }, () => t.auth.forRest(c)));
      assert.equal(requests('/oauth/token-request'), 1);
      assert.equal(new Set(creds.map((x) => x.headers.Authorization)).size, 1);
      w.emu.state.expireAllTokens();
      const who = await Promise.all(Array.from({ length: 20 }, () => loginProbe(t.auth, c)));
      assert.ok(who.every((x) => x.user === 'DEMO_USER'));
      assert.equal(requests('/oauth/token-request'), 2, 'the 20 refusals shared one refresh');
    });

    it('20 concurrent key-pair callers mint one JWT and share one ingress exchange', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('keypair');
      const headers = await Promise.all(Array.from({ length: 20 }, () => auth.forIngress(c, w.emu.ingressHost)));
      assert.equal(new Set(headers).size, 1);
      assert.equal(requests('/oauth/token'), 1);
    });
  });

  describe('SPCS ingress', () => {
    async function through(header: string): Promise<number> {
      const res = await fetch(`${w.emu.connectUrl}/__api__/v1/user`, {
        headers: { Authorization: header, 'X-RSC-Authorization': `Key ${w.emu.connectApiKey}` },
      });
      await res.text();
      return res.status;
    }

    it('key pair: jwt-bearer exchange, cached per host and role', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('keypair');
      const h = await auth.forIngress(c, `https://${w.emu.ingressHost}/some/path`);
      assert.match(h, /^Snowflake Token="ingress_[\w-]+"$/);
      assert.notEqual(await through(h), 401);
      assert.equal(await auth.forIngress(c, w.emu.ingressHost), h);
      const withRole = await auth.forIngress(c, w.emu.ingressHost, 'FINANCE');
      assert.notEqual(withRole, h);
      assert.equal(requests('/oauth/token'), 2);
      const form = new URLSearchParams(w.emu.servers.snowflake.log.filter((e) => e.path === '/oauth/token')[1]!.body);
      assert.equal(form.get('scope'), `session:role:FINANCE ${w.emu.ingressHost}`);
      assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    });

    it('PAT as is; Workbench and OAuth tokens through login-request', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const pat = await auth.forIngress(await auth.getConnection('pat'), w.emu.ingressHost);
      assert.equal(pat, `Snowflake Token="${w.emu.home!.pat}"`);
      assert.notEqual(await through(pat), 401);
      w.emu.rotateWorkbenchToken(); // earlier tests expired every token
      const wb = makeAuth(w, w.emu.home!.workbenchEnv);
      const wc = await wb.auth.getConnection('workbench');
      const header = await wb.auth.forIngress(wc, w.emu.ingressHost);
      assert.match(header, /^Snowflake Token="ver:1-hint:st-/);
      assert.notEqual(await through(header), 401);
      // A rotated Workbench token gives a new ingress session.
      w.emu.rotateWorkbenchToken();
      assert.notEqual(await wb.auth.forIngress(wc, w.emu.ingressHost), header);
    });

    it('an ingress token the app refuses is replaced once through withAuthRetry', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const c = await auth.getConnection('keypair');
      const stale = await auth.forIngress(c, w.emu.ingressHost);
      w.emu.state.expireAllTokens();
      const seen: string[] = [];
      const status = await withAuthRetry(auth, c, { ingress: w.emu.ingressHost }, async (header) => {
        seen.push(header);
        const s = await through(header);
        if (s === 401) throw new HttpError(401, new Headers(), 'Unauthorized', w.emu.connectUrl, 'GET');
        return s;
      });
      assert.notEqual(status, 401);
      assert.deepEqual(seen.length, 2);
      assert.equal(seen[0], stale);
    });
  });

  it('custom host/port/protocol reach the emulator everywhere (no request left for snowflakecomputing.com)', async () => {
    const { auth } = makeAuth(w, w.emu.home!.env);
    const c = await auth.getConnection('keypair');
    assert.equal(c.baseUrl, w.emu.snowflakeUrl);
    assert.ok(fs.existsSync(w.emu.home!.keyFiles.keypair));
  });
});
