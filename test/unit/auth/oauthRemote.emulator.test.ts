// Browser sign-in from a remote editor, against the emulator: the editor's callback maps to a non-loopback address,
// which Snowflake's built-in client refuses. Either a custom integration registers that address (the browser comes
// back through the editor's proxy), or the person pastes the address the browser shows; state is checked either way.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loginProbe } from '../../../src/core/auth/diagnostics/loginProbe';
import { OAuthClientSetupRequested } from '../../../src/core/auth/oauth/oauthRedirect';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import type { AuthPrompter, RedirectedAddressQuestion } from '../../../src/core/auth/types';
import { createCustomIntegration } from '../../emulator/oauthIntegrations';
import { freePort, makeAuth, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

const EDITOR = 'editor.example.test';

/** code-server's /proxy/<port>/<rest> → 127.0.0.1:<port>/<rest>, reached by the "browser" as http://EDITOR:<port>. */
async function editorProxy(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const m = /^\/proxy\/(\d+)(\/.*)?$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const up = http.request({ host: '127.0.0.1', port: Number(m[1]), path: m[2] ?? '/', method: req.method }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Where the "browser" lands after approving (auto-approve): the authorize answer's Location. */
async function approve(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  return res.headers.get('location')!;
}

interface RemoteBrowser extends AuthPrompter {
  readonly asked: { choices: string[]; questions: RedirectedAddressQuestion[]; opened: string[] };
}

/** A remote editor: loopback addresses map to https://EDITOR/proxy/<port>/; the browser cannot reach 127.0.0.1. */
function remoteEditor(
  choice: 'paste' | 'setUpClient' | undefined,
  answer: (landed: string, q: RedirectedAddressQuestion) => Promise<string | undefined>,
): RemoteBrowser {
  let landed = '';
  const asked = { choices: [] as string[], questions: [] as RedirectedAddressQuestion[], opened: [] as string[] };
  return {
    asked,
    asExternalUri: async (u) => `https://${EDITOR}/proxy/${new URL(u).port}/`,
    openExternal: async (u) => {
      asked.opened.push(u);
      landed = await approve(u);
      return true;
    },
    chooseRemoteSignIn: async (connection, callback) => {
      asked.choices.push(`${connection} ${callback}`);
      return choice;
    },
    askRedirectedAddress: async (q) => {
      asked.questions.push(q);
      return answer(landed, q);
    },
  };
}

describe('OAuth sign-in from a remote editor (against the emulator)', () => {
  let w: AuthWorld;
  before(async () => {
    w = await startAuthWorld();
    w.emu.state.autoApprove = true;
  });
  after(() => w.close());

  it('built-in client: says the editor is remote, asks for the address, refuses a foreign one, then signs in', async () => {
    const browser = remoteEditor('paste', async (landed, q) => {
      const forged = new URL(landed);
      forged.searchParams.set('state', 'not-ours');
      const problems = [q.check('approved!'), q.check(forged.toString()), q.check(`${q.redirectUri}/`)];
      assert.deepEqual(problems, [
        `Paste the whole address from the browser's address bar; it starts with ${q.redirectUri}.`,
        "That address is not this sign-in's answer. It belongs to another sign-in: its state does not match the one this editor started.",
        "That address is not this sign-in's answer. It carries no sign-in answer (no code=… or state=… in it).",
      ]);
      assert.equal(q.check(` ${landed} `), undefined, 'the real answer is accepted (spaces around it trimmed)');
      return ` ${landed} `;
    });
    const t = makeAuth(w, w.emu.home!.env, { prompter: browser });
    const c = await t.auth.getConnection('oauth_code');
    const r = await t.auth.signIn(c);
    assert.equal(r.way, 'paste');
    assert.equal(r.username, 'DEMO_USER');
    assert.match(browser.asked.choices[0]!, new RegExp(`^oauth_code https://${EDITOR}/proxy/\\d+/$`));
    const redirect = new URL(browser.asked.opened[0]!).searchParams.get('redirect_uri')!;
    assert.match(redirect, /^http:\/\/127\.0\.0\.1:\d+$/, 'the built-in client is sent a loopback redirect');
    assert.equal(browser.asked.questions[0]!.redirectUri, redirect);
    await assert.rejects(fetch(redirect), /fetch failed/, 'nothing listens: the browser cannot reach it anyway');
    assert.equal((await loginProbe(t.auth, c)).user, 'DEMO_USER');
    assert.ok(await t.auth.isSignedIn(c), 'the refresh token is stored');
  });

  it('built-in client: an error in the pasted address is told in our words; Escape cancels; nothing stored', async () => {
    const denied = remoteEditor('paste', async (landed) => {
      const u = new URL(landed);
      u.search = new URLSearchParams({ error: 'access_denied', state: u.searchParams.get('state')! }).toString();
      return u.toString();
    });
    const t1 = makeAuth(w, w.emu.home!.env, { prompter: denied });
    const err = await t1.auth.signIn(await t1.auth.getConnection('oauth_code')).catch((e: unknown) => e);
    assert.ok(err instanceof SnowflakeExtError);
    assert.match(err.message, /access was denied/);
    assert.equal(t1.raw.data.size, 0);

    const escaped = makeAuth(w, w.emu.home!.env, { prompter: remoteEditor('paste', async () => undefined) });
    await assert.rejects(escaped.auth.signIn(await escaped.auth.getConnection('oauth_code')), CancelledError);
    const none = makeAuth(w, w.emu.home!.env, { prompter: remoteEditor(undefined, async () => 'x') });
    await assert.rejects(none.auth.signIn(await none.auth.getConnection('oauth_code')), CancelledError);
    assert.equal(escaped.raw.data.size + none.raw.data.size, 0);
  });

  it('built-in client: "set up a client" stops the sign-in quietly, before the browser opens', async () => {
    const browser = remoteEditor('setUpClient', async () => 'x');
    const t = makeAuth(w, w.emu.home!.env, { prompter: browser });
    const err = await t.auth.signIn(await t.auth.getConnection('oauth_code')).catch((e: unknown) => e);
    assert.ok(err instanceof OAuthClientSetupRequested && err instanceof CancelledError);
    assert.equal(err.connection, 'oauth_code');
    assert.deepEqual(browser.asked.opened, []);
  });

  it('a remote editor with no way to ask (no prompts) gets an error that names the fix', async () => {
    const t = makeAuth(w, w.emu.home!.env, {
      prompter: { asExternalUri: async () => `https://${EDITOR}/proxy/1/`, openExternal: async () => true },
    });
    await assert.rejects(t.auth.signIn(await t.auth.getConnection('oauth_code')), {
      kind: 'notSupported',
      code: 'remoteRedirect',
    });
  });

  it('the emulator refuses the editor address for the built-in client (loopback only)', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'LOCAL_APPLICATION',
      redirect_uri: `https://${EDITOR}/proxy/5000/`,
      state: 's',
    });
    const res = await fetch(`${w.emu.snowflakeUrl}/oauth/authorize?${q}`, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /redirect_uri does not match/);
  });

  it('custom integration: the browser returns through the editor proxy to the registered address', async () => {
    const proxy = await editorProxy();
    try {
      const port = await freePort();
      const redirect = `http://${EDITOR}:${proxy.port}/proxy/${port}/`;
      const { clientId, clientSecret } = createCustomIntegration(w.emu.state, {
        name: 'POSIT_REMOTE',
        redirectUri: redirect,
        allowNonTlsRedirect: true,
        enforcePkce: true,
      });
      const home = writeHome(
        w,
        'remote-custom',
        table(w, 'remote', {
          authenticator: 'oauth_authorization_code',
          role: 'ANALYST',
          oauth_client_id: clientId,
          oauth_redirect_uri: redirect,
          oauth_socket_uri: `http://127.0.0.1:${port}`,
        }) +
          table(w, 'inferred', {
            authenticator: 'oauth_authorization_code',
            role: 'ANALYST',
            oauth_client_id: clientId,
            oauth_redirect_uri: redirect,
          }),
      );
      const landed: number[] = [];
      const prompter: AuthPrompter = {
        asExternalUri: async () => assert.fail('a registered redirect is used as it is'),
        openExternal: async (u) => {
          const location = new URL(await approve(u));
          assert.equal(location.hostname, EDITOR);
          location.hostname = '127.0.0.1'; // the browser's name for the editor host
          void fetch(location).then((r) => landed.push(r.status));
          return true;
        },
      };
      const t = makeAuth(w, { SNOWFLAKE_HOME: home }, { prompter });
      for (const name of ['remote', 'inferred']) {
        await t.secrets.set({ kind: 'oauthClientSecret', id: name }, clientSecret);
        const r = await t.auth.signIn(await t.auth.getConnection(name));
        assert.equal(r.way, 'registeredRedirect', name);
        assert.equal((await loginProbe(t.auth, await t.auth.getConnection(name))).user, 'DEMO_USER');
      }
      assert.deepEqual(landed, [200, 200]);
    } finally {
      await proxy.close();
    }
  });

  it('custom integration: an address that names no port, or a socket that is not loopback, is a clear error', async () => {
    const home = writeHome(
      w,
      'remote-bad',
      table(w, 'noport', {
        authenticator: 'oauth_authorization_code',
        oauth_client_id: 'X',
        oauth_client_secret: 'Y',
        oauth_redirect_uri: `https://${EDITOR}/s/abc/p/9f3e/`,
      }) +
        table(w, 'badsocket', {
          authenticator: 'oauth_authorization_code',
          oauth_client_id: 'X',
          oauth_client_secret: 'Y',
          oauth_redirect_uri: `https://${EDITOR}/s/abc/p/9f3e/`,
          oauth_socket_uri: `http://${EDITOR}:5000`,
        }),
    );
    const t = makeAuth(w, { SNOWFLAKE_HOME: home }, { prompter: { openExternal: async () => true } });
    await assert.rejects(t.auth.signIn(await t.auth.getConnection('noport')), {
      code: 'noSocketUri',
      message: `Connection 'noport' redirects to https://${EDITOR}/s/abc/p/9f3e/, but it does not say which local port that address reaches.`,
    });
    await assert.rejects(t.auth.signIn(await t.auth.getConnection('badsocket')), { code: 'badSocketUri' });
  });

  it('the emulator: a custom integration needs https unless non-TLS is allowed, and answers only its redirect', () => {
    assert.throws(
      () => createCustomIntegration(w.emu.state, { name: 'PLAIN', redirectUri: `http://${EDITOR}/cb` }),
      /must use https unless OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE/,
    );
    const { clientId } = createCustomIntegration(w.emu.state, { name: 'TLS', redirectUri: `https://${EDITOR}/cb` });
    const client = w.emu.state.clients.get(clientId)!;
    assert.deepEqual(client.redirectUris, [`https://${EDITOR}/cb`]);
  });
});
