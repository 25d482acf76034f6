// State on Connect after faults: a create or deploy whose answer is lost is not sent blindly again (no orphan content,
// no second deployment task), a hung Connect is given up on with a message naming it, and a symlink swapped in
// before bundling uploads nothing.
import assert from 'node:assert/strict';
import { publish, type PublishRequest } from '../../../src/core/publish/publishPipeline';
import { fixedRuntimeProbe } from '../../support/fixedRuntimeProbe';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { RequestLimits } from '../../../src/core/shared/http';
import type { ConnectState } from '../../emulator/connect';
import { startAuthWorld, type AuthWorld } from '../auth/authHarness';
import { makeProject, makeTempDir, removeProjects } from './projectFixture';

const SITE = { 'index.html': '<!doctype html><p>Hello</p>\n' };

describe('publish: Connect faults leave no duplicate state', function () {
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
    for (const s of Object.values(w.emu.servers)) {
      s.log.splice(0);
      s.faults.splice(0);
    }
  });
  let limits = new RequestLimits();
  afterEach(() => (limits = new RequestLimits()));

  const request = (dir: string): PublishRequest => ({
    dir,
    server: { url: w.emu.plainConnectUrl, name: 'Plain Connect' },
    apiKey: w.emu.connectApiKey,
    probe: fixedRuntimeProbe({}),
    tempDir: makeTempDir(),
    backoffMs: 1,
    limits,
  });
  const calls = (p: RegExp) => w.emu.servers.connect.log.filter((e) => p.test(`${e.method} ${e.path}`));

  it('a create whose answer is lost finds the content by name instead of making a second one', async () => {
    const before = connect.contents.size;
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content', loseResponse: true });
    const result = await publish(request(makeProject(SITE)));
    assert.equal(connect.contents.size, before + 1, 'exactly one content was created');
    assert.equal(calls(/^POST \/__api__\/v1\/content$/).length, 1, 'the create was not sent again');
    assert.equal(calls(/^GET \/__api__\/v1\/content$/).length, 1, 'it was looked up by name');
    assert.ok(connect.contents.has(result.contentGuid));
  });

  it('a create answered 502 (maybe done) is not repeated; one answered 503 (not done) is', async () => {
    const before = connect.contents.size;
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content', status: 502 });
    await assert.rejects(publish(request(makeProject(SITE))), /HTTP 502/);
    assert.equal(connect.contents.size, before, 'an ambiguous 502 is not repeated');
    w.emu.servers.connect.log.splice(0);
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content', status: 503 });
    await publish(request(makeProject(SITE)));
    assert.equal(connect.contents.size, before + 1);
    assert.deepEqual(
      calls(/^POST \/__api__\/v1\/content$/).map((e) => e.status),
      [503, 200],
    );
  });

  it('a deploy whose answer is lost starts no second task, and says what to check', async () => {
    const tasksBefore = connect.tasks.size;
    connect.failNextDeploy = 'The content failed to start.';
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content/:guid/deploy', loseResponse: true });
    const err = await publish(request(makeProject(SITE))).catch((e: unknown) => e);
    assert.ok(err instanceof SnowflakeExtError, String(err));
    assert.match(
      err.userText,
      /^The answer to the deployment of bundle \d+ was lost \(.*\), so it is not known whether Connect started it; it was not sent again, so that two deployments do not run at once\. Open the content in Connect to see whether it is deploying, and publish again if it is not\.$/,
    );
    assert.equal(connect.tasks.size, tasksBefore + 1, 'one deployment task, not two');
    assert.equal(calls(/^POST \/__api__\/v1\/content\/[^/]+\/deploy$/).length, 1);
  });

  it('a deploy whose answer is lost but which Connect carried out counts as deployed', async () => {
    const tasksBefore = connect.tasks.size;
    w.emu.servers.connect.addFault({ route: 'POST /__api__/v1/content/:guid/deploy', loseResponse: true });
    const result = await publish(request(makeProject(SITE)));
    assert.equal(connect.tasks.size, tasksBefore + 1);
    assert.equal(connect.contents.get(result.contentGuid)!.bundle_id, result.bundleId);
  });

  it('a task poll that keeps failing says the content exists and may still be deploying', async () => {
    const before = connect.contents.size;
    w.emu.servers.connect.addFault({ route: 'GET /__api__/v1/tasks/:id', loseResponse: true, times: 4 });
    const err = await publish(request(makeProject(SITE))).catch((e: unknown) => e);
    assert.ok(err instanceof SnowflakeExtError);
    assert.match(
      err.userText,
      /^Lost track of the deployment \(task [0-9a-f]+\): Could not reach .*\. The content exists on Connect, and the deployment may still be running there\. Open the content in Connect to see how the deployment ended\.$/,
    );
    assert.equal(connect.contents.size, before + 1, 'the content is still there');
  });

  it('a hung Connect is given up on after the time limit, naming it', async () => {
    limits.setTimeoutSeconds(1);
    w.emu.servers.connect.addFault({ route: 'GET /__api__/v1/user', delayMs: 4000 });
    const err = await publish(request(makeProject(SITE))).catch((e: unknown) => e);
    assert.ok(err instanceof SnowflakeExtError);
    assert.match(
      err.message,
      /^Posit Connect did not answer within 1 s \(host 127\.0\.0\.1:\d+, GET .*\/__api__\/v1\/user\)\.$/,
    );
    assert.equal(calls(/^GET \/__api__\/v1\/user$/).length, 1);
  });
});
