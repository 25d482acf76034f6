// Set Up OAuth Client without the prompts: the statement an administrator runs, and the connection pointed at the
// custom client (secret only in the secret storage) — or, when the file cannot be written, nothing changed at all.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  integrationNameFor,
  securityIntegrationSql,
  useCustomClient,
} from '../../../src/core/auth/oauth/oauthClientSetup';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { makeAuth, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

describe('Set Up OAuth Client (core)', () => {
  let w: AuthWorld;
  before(async () => {
    w = await startAuthWorld();
  });
  after(() => w.close());

  it('the statement registers the one redirect, and asks for non-TLS only for an http address', () => {
    assert.equal(integrationNameFor('my-conn.prod'), 'POSIT_MY_CONN_PROD');
    const https = securityIntegrationSql('POSIT_X', "https://ws.example/s/ab'c/p/1/");
    assert.match(https, /^CREATE SECURITY INTEGRATION POSIT_X\n {2}TYPE = OAUTH\n/);
    assert.match(https, /OAUTH_CLIENT = CUSTOM\n {2}OAUTH_CLIENT_TYPE = 'CONFIDENTIAL'\n/);
    assert.match(https, /OAUTH_REDIRECT_URI = 'https:\/\/ws\.example\/s\/ab''c\/p\/1\/'\n/, 'quotes are doubled');
    assert.doesNotMatch(https, /NON_TLS/);
    assert.match(https, /SELECT SYSTEM\$SHOW_OAUTH_CLIENT_SECRETS\('POSIT_X'\);$/);
    assert.match(securityIntegrationSql('POSIT_X', 'http://h:1/proxy/2/'), /OAUTH_ALLOW_NON_TLS_REDIRECT_URI = TRUE/);
  });

  it('points the connection at the client: id, redirect and socket in the file, the secret in the store only', async () => {
    const home = writeHome(
      w,
      'setup-ok',
      '# my connections\n' +
        table(w, 'code', {
          authenticator: 'oauth_authorization_code',
          oauth_client_id: 'LOCAL_APPLICATION',
          oauth_client_secret: 'LOCAL_APPLICATION',
        }) +
        table(w, 'other', { authenticator: 'programmatic_access_token' }),
    );
    const t = makeAuth(w, { SNOWFLAKE_HOME: home });
    const file = await useCustomClient(t.auth, 'code', {
      clientId: ' ABC= ',
      clientSecret: 'the-secret',
      redirectUri: 'https://ws.example/proxy/4000/',
      socketUri: 'http://127.0.0.1:4000',
    });
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.startsWith('# my connections\n'), 'the rest of the file is kept');
    assert.match(text, /oauth_client_id = "ABC="/);
    assert.match(text, /oauth_redirect_uri = "https:\/\/ws\.example\/proxy\/4000\/"/);
    assert.match(text, /oauth_socket_uri = "http:\/\/127\.0\.0\.1:4000"/);
    assert.doesNotMatch(text, /oauth_client_secret/);
    assert.doesNotMatch(text, /the-secret/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(await t.secrets.get({ kind: 'oauthClientSecret', id: 'code' }), 'the-secret');
    const p = await t.auth.getConnection('code');
    assert.equal(p.params.oauth_socket_uri, 'http://127.0.0.1:4000', 'the setting is read back, not called unknown');
    const { diagnostics } = await t.auth.connections();
    assert.ok(!diagnostics.some((d) => /oauth_socket_uri/.test(d.message)), 'no unknown-key warning');
  });

  it('refuses a connection that is not a browser sign-in, and takes the secret back out when the file fails', async () => {
    const home = writeHome(w, 'setup-bad', table(w, 'pat', { authenticator: 'programmatic_access_token' }));
    const t = makeAuth(w, { SNOWFLAKE_HOME: home });
    const settings = { clientId: 'A', clientSecret: 'S', redirectUri: 'https://x/', socketUri: 'http://127.0.0.1:1' };
    await assert.rejects(useCustomClient(t.auth, 'pat', settings), /does not sign in with the browser/);
    assert.equal(t.raw.data.size, 0);

    const dir = path.join(w.dir, 'setup-dir-not-file');
    fs.mkdirSync(dir, { recursive: true });
    const stored = new Map<string, string | undefined>();
    const profile = {
      name: 'code',
      authenticator: 'OAUTH_AUTHORIZATION_CODE',
      source: 'connections.toml',
      file: dir, // a folder where the file should be: the write fails
      params: {},
    } as unknown as ConnectionProfile;
    const auth = {
      getConnection: async () => profile,
      reload: async () => assert.fail('nothing to reload'),
      setSecret: async (_c: string, kind: string, value: string | undefined) => void stored.set(kind, value),
    };
    await assert.rejects(useCustomClient(auth as never, 'code', settings));
    assert.deepEqual([...stored], [['oauthClientSecret', undefined]], 'the stored secret was removed again');
  });
});
