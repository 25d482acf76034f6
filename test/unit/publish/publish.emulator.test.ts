// Publishing against the emulated Connect, plain and behind the SPCS ingress: full deploys, a redeploy to the same
// content, a failing task (recorded as Publisher records it, and retried into the same content), a 503 on upload, a
// cancel mid-upload, the ingress 401 retry, and the two refusals.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkServer, publish, TaskFailedError, type PublishRequest } from '../../../src/core/publish/publishPipeline';
import { RECORDS_DIR } from '../../../src/core/publish/deploymentRecord';
import { fixedRuntimeProbe } from '../../support/fixedRuntimeProbe';
import type { ConnectServer, PublishEvent } from '../../../src/core/publish/types';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import type { ConnectState } from '../../emulator/connect';
import { makeAuth, startAuthWorld, table, writeHome, type AuthWorld } from '../auth/authHarness';
import { makeProject, makeTempDir, removeProjects } from './projectFixture';
import { readToml } from './publisherFormats';

const STREAMLIT = {
  'app.py': 'import streamlit as st\nst.title("Sales")\n',
  'requirements.txt': 'streamlit\n',
  'data/sales.csv': 'region,total\nEMEA,10\n',
};
const PROBE = fixedRuntimeProbe({ python: '3.11.9', quarto: '1.5.57' });

describe('publish against the emulated Connect', function () {
  this.timeout(30_000);
  let w: AuthWorld;
  let connect: ConnectState;
  before(async () => {
    w = await startAuthWorld();
    connect = w.emu.connectState as ConnectState;
  });
  after(async () => {
    await w.close();
    removeProjects();
  });
  beforeEach(() => {
    for (const s of Object.values(w.emu.servers)) s.log.splice(0);
  });

  const plain = (): ConnectServer => ({ url: w.emu.plainConnectUrl, name: 'Plain Connect' });
  function request(dir: string, extra: Partial<PublishRequest> = {}): PublishRequest & { events: PublishEvent[] } {
    const events: PublishEvent[] = [];
    return {
      dir,
      server: plain(),
      apiKey: w.emu.connectApiKey,
      probe: PROBE,
      tempDir: makeTempDir(),
      backoffMs: 1,
      onEvent: (e) => events.push(e),
      events,
      ...extra,
    };
  }
  const recordFile = (dir: string): string =>
    path.join(
      dir,
      RECORDS_DIR,
      fs.readdirSync(path.join(dir, RECORDS_DIR)).find((f) => f.endsWith('.toml'))!,
    );
  const requests = (server: 'connect' | 'ingress' | 'snowflake', p: RegExp) =>
    w.emu.servers[server].log.filter((e) => p.test(`${e.method} ${e.path}`));

  it('deploys to a plain Connect: progress in order, task lines streamed, record written, content served', async () => {
    const dir = makeProject(STREAMLIT);
    const req = request(dir);
    const result = await publish(req);
    const phases = req.events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase);
    assert.deepEqual(phases, ['detect', 'check', 'bundle', 'upload', 'deploy', 'record']);
    const lines = req.events.filter((e) => e.type === 'taskLine').map((e) => (e as { line: string }).line);
    assert.ok(lines.includes('Content is running'), lines.join('|'));
    assert.equal(req.events[req.events.length - 1]!.type, 'done');
    assert.equal(result.created, true);
    const bundle = [...connect.bundles.values()].find((b) => b.contentGuid === result.contentGuid)!;
    assert.equal(bundle.manifest.metadata.appmode, 'python-streamlit');
    assert.deepEqual(Object.keys(bundle.manifest.files).sort(), ['app.py', 'data/sales.csv', 'requirements.txt']);
    const record = fs.readFileSync(result.recordPath, 'utf8');
    assert.match(record, new RegExp(`id = "${result.contentGuid}"`));
    assert.match(record, new RegExp(`bundle_id = "${result.bundleId}"`));
    const page = await fetch(result.contentUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1>Streamlit app \(app\.py\)<\/h1>/, 'a generic folder name is not the title');
    // Every poll carried the affinity cookie the deploy answer set (the emulator answers 404 without it).
    const polls = requests('connect', /^GET \/__api__\/v1\/tasks\//);
    assert.ok(polls.length >= 1 && polls.every((p) => /RSC-AFFINITY=/.test(p.headers.cookie ?? '')));
    assert.deepEqual(fs.readdirSync(req.tempDir!), [], 'the bundle temp file is gone');
  });

  it('redeploys to the same content guid, updating the record', async () => {
    const dir = makeProject(STREAMLIT);
    const first = await publish(request(dir));
    fs.appendFileSync(path.join(dir, 'app.py'), 'st.write("v2")\n');
    const second = await publish(request(dir));
    assert.equal(second.contentGuid, first.contentGuid);
    assert.equal(second.created, false);
    assert.notEqual(second.bundleId, first.bundleId);
    assert.equal(second.recordPath, first.recordPath);
    assert.match(fs.readFileSync(second.recordPath, 'utf8'), new RegExp(`bundle_id = "${second.bundleId}"`));
    assert.equal(requests('connect', /^POST \/__api__\/v1\/content$/).length, 1, 'content created once');
  });

  it('a failing task: the last lines come back; the record says so and keeps the last success', async () => {
    const dir = makeProject(STREAMLIT);
    const ok = await publish(request(dir));
    const before = readToml(ok.recordPath);
    fs.writeFileSync(path.join(dir, 'FAIL_DEPLOY'), 'x');
    await assert.rejects(publish(request(dir)), (err: unknown) => {
      assert.ok(err instanceof TaskFailedError);
      assert.match(
        err.message,
        /Connect could not deploy the content: The content failed to start \(FAIL_DEPLOY is in the bundle\)\.$/,
      );
      assert.ok(err.lastLines.some((l) => l.startsWith('ERROR:')));
      assert.equal(err.contentGuid, ok.contentGuid);
      return true;
    });
    const after = readToml(ok.recordPath);
    assert.equal(after.id, ok.contentGuid);
    assert.equal(after.deployed_at, before.deployed_at, 'the last success is still the one named');
    assert.equal(after.bundle_id, before.bundle_id);
    assert.match(String((after.deployment_error as { message: string }).message), /failed to start/);
  });

  it('a failed first deploy is recorded without a success, and the retry deploys into the same content', async () => {
    const fresh = makeProject({ ...STREAMLIT, FAIL_DEPLOY: 'x' });
    await assert.rejects(publish(request(fresh)), TaskFailedError);
    const failed = readToml(recordFile(fresh));
    assert.equal(failed.deployed_at, undefined, 'no success is claimed');
    assert.equal((failed.deployment_error as { operation: string }).operation, 'publish');
    assert.equal(typeof failed.id, 'string');
    fs.rmSync(path.join(fresh, 'FAIL_DEPLOY'));
    const retry = await publish(request(fresh));
    assert.equal(retry.contentGuid, failed.id);
    assert.equal(retry.created, false);
    assert.equal(requests('connect', /^POST \/__api__\/v1\/content$/).length, 1, 'one content, no orphan');
    const done = readToml(retry.recordPath);
    assert.equal(done.deployment_error, undefined);
    assert.equal(done.bundle_id, retry.bundleId);
  });

  it('a 503 on upload is retried and the deploy goes through', async () => {
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content/:guid/bundles', status: 503, retryAfter: 0 });
    const result = await publish(request(makeProject(STREAMLIT)));
    const uploads = requests('connect', /^POST \/__api__\/v1\/content\/[^/]+\/bundles$/);
    assert.deepEqual(
      uploads.map((u) => u.status),
      [503, 200],
    );
    assert.ok(result.bundleId);
  });

  it('a cancel mid-upload leaves no temp file; the record keeps the last success and says it was dismissed', async () => {
    const dir = makeProject(STREAMLIT);
    const ok = await publish(request(dir));
    const before = readToml(ok.recordPath);
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content/:guid/bundles', delayMs: 3000 });
    const controller = new AbortController();
    const req = request(dir, { signal: controller.signal });
    const record = req.onEvent!;
    const cancelling = publish({
      ...req,
      onEvent: (e) => {
        record(e);
        if (e.type === 'phase' && e.phase === 'upload') setTimeout(() => controller.abort(), 50);
      },
    });
    await assert.rejects(cancelling, (err) => err instanceof CancelledError);
    assert.deepEqual(fs.readdirSync(req.tempDir!), []);
    assert.deepEqual(fs.readdirSync(path.dirname(ok.recordPath)), [path.basename(ok.recordPath)]);
    const after = readToml(recordFile(dir));
    assert.deepEqual([after.id, after.bundle_id, after.deployed_at], [before.id, before.bundle_id, before.deployed_at]);
    assert.equal(typeof after.dismissed_at, 'string');
    assert.ok(!req.events.some((e) => e.type === 'uploaded'));
  });

  it('warns about very large bundles', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>' });
    fs.writeFileSync(path.join(dir, 'zeros.bin'), '');
    fs.truncateSync(path.join(dir, 'zeros.bin'), 101 * 1024 * 1024);
    const req = request(dir);
    await publish(req);
    assert.ok(req.events.some((e) => e.type === 'warning' && /101 MB in 2 files/.test(e.message)));
  });

  it('Add Connect Server check: says who the key belongs to, refuses viewers', async () => {
    const user = await checkServer({ server: plain(), apiKey: w.emu.connectApiKey });
    assert.equal(user.username, 'publisher1');
    const viewer = connect.addUser('viewer1', 'viewer');
    await assert.rejects(
      checkServer({ server: plain(), apiKey: viewer.apiKey }),
      /'viewer1' is a viewer; publishing needs the publisher or administrator role/,
    );
    await assert.rejects(
      checkServer({ server: plain(), apiKey: 'wrong' }),
      (err: unknown) =>
        err instanceof SnowflakeExtError &&
        err.code === 'connectApiKeyRefused' &&
        /refused the API key\. Connect said: Invalid API key\./.test(err.message),
    );
  });

  describe('Connect inside Snowflake (behind the SPCS ingress)', () => {
    const spcs = (connection: string): ConnectServer => ({
      url: w.emu.connectUrl,
      snowflake: true,
      snowflakeConnection: connection,
    });

    for (const connection of ['keypair', 'pat']) {
      it(`deploys with the ${connection} connection: ingress token + X-RSC-Authorization`, async () => {
        const { auth } = makeAuth(w, w.emu.home!.env);
        const result = await publish(request(makeProject(STREAMLIT), { server: spcs(connection), auth }));
        assert.ok(result.contentUrl.startsWith(w.emu.connectUrl));
        assert.equal(readToml(result.recordPath).server_type, 'snowflake', "Publisher's server type for it");
        const calls = requests('ingress', /^(GET|POST) \/__api__\//);
        assert.ok(calls.length >= 4);
        for (const c of calls) {
          assert.equal(c.status < 400, true, `${c.method} ${c.path} → ${c.status}`);
          assert.match(c.headers['x-rsc-authorization'] ?? '', /^Key /);
          assert.match(c.headers.authorization ?? '', /^Snowflake Token=/);
        }
        assert.equal(requests('snowflake', /^POST \/oauth\/token$/).length, connection === 'keypair' ? 1 : 0);
      });
    }

    it('deploys with Workbench-managed credentials', async () => {
      w.emu.rotateWorkbenchToken();
      const { auth } = makeAuth(w, w.emu.home!.workbenchEnv);
      const result = await publish(request(makeProject(STREAMLIT), { server: spcs('workbench'), auth }));
      assert.equal(result.created, true);
      assert.ok(requests('snowflake', /^POST \/session\/v1\/login-request$/).length >= 1);
    });

    it('an ingress 401 is retried once with a fresh token', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      const dir = makeProject(STREAMLIT);
      await publish(request(dir, { server: spcs('keypair'), auth }));
      w.emu.state.expireAllTokens();
      w.emu.servers.ingress.log.splice(0);
      const again = await publish(request(dir, { server: spcs('keypair'), auth }));
      assert.equal(again.created, false);
      const users = requests('ingress', /^GET \/__api__\/v1\/user$/);
      assert.deepEqual(
        users.map((u) => u.status),
        [401, 200],
      );
    });

    it('an API key Connect refuses and a token the ingress refuses get different messages', async () => {
      const { auth } = makeAuth(w, w.emu.home!.env);
      await assert.rejects(
        publish(request(makeProject(STREAMLIT), { server: spcs('keypair'), auth, apiKey: 'not-a-key' })),
        (err: unknown) => {
          assert.ok(err instanceof SnowflakeExtError && err.code === 'connectApiKeyRefused', String(err));
          assert.match(err.message, /^Posit Connect at 127\.0\.0\.1:\d+ refused the API key\./);
          return true;
        },
      );
      const home = writeHome(
        w,
        'badpat',
        table(w, 'badpat', {
          user: 'DEMO_USER',
          authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
          token: 'pat_revoked_or_wrong_0123456789',
        }),
      );
      const bad = makeAuth(w, { SNOWFLAKE_HOME: home });
      w.emu.servers.ingress.log.splice(0);
      await assert.rejects(
        publish(request(makeProject(STREAMLIT), { server: spcs('badpat'), auth: bad.auth })),
        (err: unknown) => {
          assert.ok(err instanceof SnowflakeExtError && err.code === 'ingressRefused', String(err));
          assert.match(
            err.message,
            /^The Snowflake ingress in front of 127\.0\.0\.1:\d+ refused the token of connection 'badpat' \(HTTP 401\), even after a fresh one was minted\. The ingress said: Unauthorized/,
          );
          assert.match(err.fix!.text, /user DEMO_USER/);
          return true;
        },
      );
      assert.equal(requests('ingress', /^GET \/__api__\/v1\/user$/).length, 2, 'one retry, no more');
    });
  });
});
