// Connect OAuth integrations, end to end against the emulated Connect and Snowflake: publish asks for the Snowflake
// viewer integration, the manifest and configuration request it, the content is associated with it, and a viewer's
// visit exchanges its session token (as posit-sdk-py's posit.connect.external.snowflake does) for a Snowflake token
// that signs in to the emulated Snowflake as that viewer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { associations, listIntegrations } from '../../../src/core/publish/connect/oauthIntegrations';
import { connectClientFor, publish } from '../../../src/core/publish/publishPipeline';
import type { ConnectServer } from '../../../src/core/publish/types';
import { loginProbe } from '../../../src/core/auth/diagnostics/loginProbe';
import {
  CONTENT_SESSION_TOKEN,
  GRANT_TYPE,
  USER_SESSION_TOKEN,
  contentSessionToken,
  userSessionToken,
} from '../../emulator/connectOAuth';
import { makeAuth, table, writeHome } from '../auth/authHarness';
import { useConnectWorld } from './connectWorld';
import { makeProject } from './projectFixture';
import { loadLikePublisher, readToml } from './publisherFormats';

const STREAMLIT = {
  'app.py': 'import streamlit as st\nst.title("Sales")\n',
  'requirements.txt': 'streamlit\nposit-sdk\nsnowflake-connector-python\n',
};

describe('publish: Connect OAuth integrations', function () {
  this.timeout(30_000);
  const world = useConnectWorld();
  const request = world.request;
  const server = (): ConnectServer => ({ url: world.w.emu.plainConnectUrl });

  /** The exchange a Connect-hosted app makes (posit-sdk-py oauth/oauth.py get_credentials): a form POST. */
  async function exchange(subject: string, type = USER_SESSION_TOKEN): Promise<Response> {
    return fetch(`${world.w.emu.plainConnectUrl}/__api__/v1/oauth/integrations/credentials`, {
      method: 'POST',
      headers: {
        Authorization: `Key ${world.w.emu.connectApiKey}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: GRANT_TYPE, subject_token_type: type, subject_token: subject }),
    });
  }

  it('lists the server integrations with the Snowflake ones first, saying which kind each is', async () => {
    const client = await connectClientFor({ server: server(), apiKey: world.w.emu.connectApiKey });
    const list = await listIntegrations(client);
    assert.deepEqual(
      list.map((i) => [i.template, i.auth_type]),
      [
        ['snowflake', 'Viewer'],
        ['snowflake', 'Service Account'],
        ['github', 'Viewer'],
      ],
    );
  });

  it('a published app queries Snowflake as its viewer', async () => {
    const dir = makeProject(STREAMLIT, 'sales-app');
    const req = request(dir, { integrations: ['snowflake (viewer)'] });
    const result = await publish(req);
    const viewerIntegration = [...world.connect.oauth.integrations.values()].find(
      (i) => i.name === 'Snowflake (viewer)',
    )!;
    // The manifest requests it, the configuration keeps it, Connect has it associated, and the log says so.
    const bundle = [...world.connect.bundles.values()].find((b) => b.id === result.bundleId)!;
    assert.deepEqual(
      bundle.manifest.integration_requests.map((r: Record<string, unknown>) => [r.guid, r.auth_type, r.type]),
      [[viewerIntegration.guid, 'Viewer', 'snowflake']],
    );
    const cfg = loadLikePublisher(dir, path.basename(result.recordPath, '.toml')).configuration as Record<string, any>;
    assert.equal(cfg.integration_requests[0].guid, viewerIntegration.guid);
    const client = await connectClientFor({ server: server(), apiKey: world.w.emu.connectApiKey });
    assert.deepEqual(
      (await associations(client, result.contentGuid)).map((a) => a.oauth_integration_guid),
      [viewerIntegration.guid],
    );
    assert.ok(
      req.events.some((e) => e.type === 'info' && /Associated the content with 1 OAuth integration/.test(e.message)),
    );

    // A viewer opens the app: Connect hands the app their session token; the app exchanges it.
    const viewer = world.connect.addUser('demo_user', 'viewer').user;
    const res = await exchange(userSessionToken(world.connect.oauth, result.contentGuid, viewer));
    assert.equal(res.status, 200);
    const creds = (await res.json()) as { access_token: string; token_type: string };
    assert.equal(creds.token_type, 'Bearer');
    const home = writeHome(
      world.w,
      'viewer',
      table(world.w, 'as_viewer', { authenticator: 'oauth', token: creds.access_token }),
    );
    const { auth } = makeAuth(world.w, { SNOWFLAKE_HOME: home });
    assert.equal((await loginProbe(auth, await auth.getConnection('as_viewer'))).user, 'DEMO_USER');

    // No Service Account integration is associated, so the content's own token gets nothing.
    const refused = await exchange(contentSessionToken(world.connect.oauth, result.contentGuid), CONTENT_SESSION_TOKEN);
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /no Service Account integration associated/);
  });

  it("a redeploy honours the configuration's integration requests, matched by name", async () => {
    const dir = makeProject(STREAMLIT);
    const first = await publish(request(dir));
    const rec = readToml(first.recordPath);
    const cfgFile = path.join(dir, '.posit', 'publish', `${String(rec.configuration_name)}.toml`);
    fs.appendFileSync(cfgFile, '\n[[integration_requests]]\nname = "Snowflake service account"\n');
    const again = await publish(request(dir));
    const client = await connectClientFor({ server: server(), apiKey: world.w.emu.connectApiKey });
    const linked = await associations(client, again.contentGuid);
    assert.deepEqual(
      linked.map((a) => a.oauth_integration_auth_type),
      ['Service Account'],
    );
    const res = await exchange(contentSessionToken(world.connect.oauth, again.contentGuid), CONTENT_SESSION_TOKEN);
    const token = ((await res.json()) as { access_token: string }).access_token;
    const home = writeHome(world.w, 'svc', table(world.w, 'svc', { authenticator: 'oauth', token }));
    const { auth } = makeAuth(world.w, { SNOWFLAKE_HOME: home });
    assert.equal((await loginProbe(auth, await auth.getConnection('svc'))).user, 'ADMIN_USER');
  });

  it('an integration the server does not have is refused before any content is created, naming the ones it has', async () => {
    const before = world.connect.contents.size;
    await assert.rejects(
      publish(request(makeProject(STREAMLIT), { integrations: ['Databricks'] })),
      /no OAuth integration 'Databricks' \(it has: 'Snowflake \(viewer\)', 'Snowflake service account', 'GitHub'\)/,
    );
    assert.equal(world.connect.contents.size, before);
  });

  it("the emulator keeps Connect's rules: unknown content 404, unknown integration 400", async () => {
    const headers = { Authorization: `Key ${world.w.emu.connectApiKey}`, 'Content-Type': 'application/json' };
    const url = (guid: string): string =>
      `${world.w.emu.plainConnectUrl}/__api__/v1/content/${guid}/oauth/integrations/associations`;
    const missing = await fetch(url('no-such-guid'), { method: 'PUT', headers, body: '[]' });
    assert.equal(missing.status, 404);
    const result = await publish(request(makeProject(STREAMLIT)));
    const bad = await fetch(url(result.contentGuid), {
      method: 'PUT',
      headers,
      body: JSON.stringify([{ oauth_integration_guid: 'nope' }]),
    });
    assert.equal(bad.status, 400);
  });
});
