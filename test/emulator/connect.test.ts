// The emulated Connect enforces what real Connect does: API keys (X-RSC-Authorization behind the ingress), bundles
// that are gzip tars (multi-member too) with a manifest whose appmode is known and whose MD5s match, task output
// over time, and the affinity cookie between polls.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBundle } from '../../src/core/publish/bundle/bundler';
import { listProjectFiles } from '../../src/core/publish/bundle/projectFiles';
import type { ConnectState } from './connect';
import { startEmulator, type Emulator } from './index';

describe('emulator: Posit Connect', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let state: ConnectState;
  let dir: string;
  before(async () => {
    emu = await startEmulator();
    state = emu.connectState as ConnectState;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-connect-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<p>hello</p>');
    fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.alloc(300_000, 7));
  });
  after(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const key = (): Record<string, string> => ({ Authorization: `Key ${emu.connectApiKey}` });
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = key()) => {
    const res = await fetch(`${emu.plainConnectUrl}${p}`, {
      method,
      headers: {
        ...headers,
        ...(body !== undefined && !(body instanceof Uint8Array)
          ? { 'Content-Type': 'application/json' }
          : { 'Content-Type': 'application/gzip' }),
      },
      ...(body !== undefined
        ? { body: body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body) }
        : {}),
    });
    return {
      status: res.status,
      json: (await res.json().catch(() => undefined)) as any,
      cookie: res.headers.get('set-cookie'),
    };
  };
  async function bundle(manifest: (c: ReadonlyMap<string, string>) => object): Promise<Buffer> {
    const listing = await listProjectFiles(dir);
    const b = await createBundle({
      entries: listing.entries,
      manifest: (c) => Buffer.from(JSON.stringify(manifest(c))),
      blockSize: 64 * 1024,
    });
    const bytes = fs.readFileSync(b.path);
    await b.dispose();
    return bytes;
  }
  const good = (c: ReadonlyMap<string, string>) => ({
    version: 1,
    metadata: { appmode: 'static', entrypoint: 'index.html' },
    files: Object.fromEntries([...c].map(([k, v]) => [k, { checksum: v }])),
  });
  const newContent = async (): Promise<string> =>
    (
      await call('POST', '/__api__/v1/content', {
        name: `c${Date.now()}${Math.random().toString(36).slice(2, 6)}`,
        title: 'Test',
      })
    ).json.guid;

  it("knows users by API key, and answers 401 with Connect's JSON error otherwise", async () => {
    const me = await call('GET', '/__api__/v1/user');
    assert.equal(me.json.username, 'publisher1');
    const bad = await call('GET', '/__api__/v1/user', undefined, { Authorization: 'Key nope' });
    assert.equal(bad.status, 401);
    assert.deepEqual(Object.keys(bad.json).sort(), ['code', 'error', 'payload']);
  });

  it('accepts a multi-member gzip tar whose manifest matches, and rejects bad bundles like Connect', async () => {
    const guid = await newContent();
    const ok = await call('POST', `/__api__/v1/content/${guid}/bundles`, await bundle(good));
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.ok(state.bundles.get(ok.json.id)!.members > 1, 'several gzip members');
    const wrongSum = await call(
      'POST',
      `/__api__/v1/content/${guid}/bundles`,
      await bundle((c) => ({ ...good(c), files: { ...good(c).files, 'index.html': { checksum: '0'.repeat(32) } } })),
    );
    assert.equal(wrongSum.status, 400);
    assert.match(wrongSum.json.error, /Checksum mismatch for 'index\.html'/);
    const badMode = await call(
      'POST',
      `/__api__/v1/content/${guid}/bundles`,
      await bundle((c) => ({ ...good(c), metadata: { appmode: 'python-rocket', entrypoint: 'x' } })),
    );
    assert.match(badMode.json.error, /Unknown app mode 'python-rocket'/);
    const notGzip = await call('POST', `/__api__/v1/content/${guid}/bundles`, new TextEncoder().encode('plain text'));
    assert.match(notGzip.json.error, /not a gzip file/);
    const noManifest = execFileSync('tar', ['czf', '-', '-C', dir, 'index.html']);
    assert.match(
      (await call('POST', `/__api__/v1/content/${guid}/bundles`, new Uint8Array(noManifest))).json.error,
      /no manifest\.json/,
    );
  });

  it('deploys: task lines appear over time; polls without the affinity cookie reach "another node"', async () => {
    const guid = await newContent();
    const up = await call('POST', `/__api__/v1/content/${guid}/bundles`, await bundle(good));
    const deploy = await call('POST', `/__api__/v1/content/${guid}/deploy`, { bundle_id: up.json.id });
    assert.equal(deploy.status, 202);
    const cookie = deploy.cookie!.split(';')[0]!;
    assert.equal((await call('GET', `/__api__/v1/tasks/${deploy.json.task_id}?first=0`)).status, 404);
    const first = await call('GET', `/__api__/v1/tasks/${deploy.json.task_id}?first=0&wait=1`, undefined, {
      ...key(),
      Cookie: cookie,
    });
    assert.equal(first.json.finished, false);
    assert.ok(first.json.output.length >= 1);
    let t = first.json;
    while (!t.finished)
      t = (
        await call('GET', `/__api__/v1/tasks/${t.id}?first=${t.last}&wait=1`, undefined, { ...key(), Cookie: cookie })
      ).json;
    assert.equal(t.code, 0);
    assert.equal((await fetch(`${emu.plainConnectUrl}/content/${guid}/`)).status, 200);
  });

  it('behind the ingress the key travels in X-RSC-Authorization', async () => {
    const token = emu.state.issueIngressToken('DEMO_USER', 'ANALYST', emu.ingressHost);
    const res = await fetch(`${emu.connectUrl}/__api__/v1/user`, {
      headers: { Authorization: `Snowflake Token="${token}"`, 'X-RSC-Authorization': `Key ${emu.connectApiKey}` },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { username: string }).username, 'publisher1');
  });
});
