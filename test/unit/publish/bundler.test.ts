// The bundle read back: every file byte for byte, the manifest last with matching MD5s, exclusions applied, long and
// non-ASCII names intact, GNU tar agreeing; cancel and failure leave no temp file; links out of the project refused.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createBundle } from '../../../src/core/publish/bundle/bundler';
import { listProjectFiles } from '../../../src/core/publish/bundle/projectFiles';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { checkBundle, readTar } from '../../emulator/connectBundle';
import { makeProject, makeTempDir, noise, removeProjects } from './projectFixture';
import zlib from 'node:zlib';

const md5 = (b: Buffer | string): string => crypto.createHash('md5').update(b).digest('hex');
const LONG_DIR = `${'nested-directory-name/'.repeat(6)}deep`;
const LONG_NAME = `${'a-very-long-file-name-'.repeat(6)}end.txt`;

const FILES = {
  'index.html': '<!doctype html><p>Hello</p>\n',
  'a/b/c.txt': 'c\n',
  [`${LONG_DIR}/file.txt`]: 'deep file\n',
  [LONG_NAME]: 'long name\n',
  'données/été.csv': 'x,y\n1,2\n',
  'empty.txt': '',
  'run.sh': { text: '#!/bin/sh\necho hi\n', mode: 0o755 },
  'big/blob.bin': noise(3 * 1024 * 1024 + 123),
  'data/huge.csv': 'excluded by .positignore\n',
  'debug.log': 'excluded by *.log\n',
  'keep.log': 'kept by !keep.log\n',
  '.positignore': '# project ignore file\n*.log\n!keep.log\ndata/\n',
  '.git/config': '[core]\n',
  'src/__pycache__/mod.cpython-311.pyc': 'bytecode',
  '.venv/bin/python': 'interpreter',
  'manifest.json': '{"stale": true}',
  'renv/library/pkg/DESCRIPTION': 'Package: x',
};

function manifestOf(checksums: ReadonlyMap<string, string>): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 1,
      metadata: { appmode: 'static', entrypoint: 'index.html' },
      files: Object.fromEntries([...checksums].map(([k, v]) => [k, { checksum: v }])),
    }),
  );
}

describe('publish: bundle', function () {
  this.timeout(60_000);
  afterEach(removeProjects);

  for (const blockSize of [64 * 1024, 1024 * 1024]) {
    it(`holds every file byte for byte and the manifest last (blocks of ${blockSize / 1024} KiB)`, async () => {
      const dir = makeProject(FILES);
      const listing = await listProjectFiles(dir);
      const bundle = await createBundle({
        entries: listing.entries,
        manifest: manifestOf,
        blockSize,
        tempDir: makeTempDir(),
      });
      const gz = fs.readFileSync(bundle.path);
      assert.equal(bundle.md5, md5(gz));
      assert.equal(bundle.size, gz.length);
      const entries = readTar(zlib.gunzipSync(gz));
      const files = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.name, e]));
      const expected = [
        'index.html',
        'a/b/c.txt',
        `${LONG_DIR}/file.txt`,
        LONG_NAME,
        'données/été.csv',
        'empty.txt',
        'run.sh',
        'big/blob.bin',
        'keep.log',
        'manifest.json',
      ];
      assert.deepEqual([...files.keys()].sort(), expected.sort());
      for (const name of expected.filter((n) => n !== 'manifest.json')) {
        assert.ok(files.get(name)!.data.equals(fs.readFileSync(path.join(dir, name))), `${name} differs`);
        assert.equal(bundle.checksums.get(name), md5(fs.readFileSync(path.join(dir, name))));
      }
      assert.equal(entries[entries.length - 1]!.name, 'manifest.json');
      assert.equal(files.get('run.sh')!.mode, 0o755);
      assert.equal(files.get('index.html')!.mode, 0o644);
      const dirIndex = entries.findIndex((e) => e.name === 'a/b/');
      assert.ok(
        dirIndex >= 0 && dirIndex < entries.findIndex((e) => e.name === 'a/b/c.txt'),
        'directory entries come before their files',
      );
      assert.ok(checkBundle(gz).ok, checkBundle(gz).error);
      assert.ok(checkBundle(gz).members > 1, 'several gzip members');
      await bundle.dispose();
      assert.equal(fs.existsSync(bundle.path), false);
    });
  }

  it('is read the same way by GNU tar (multi-member gzip included)', async () => {
    const dir = makeProject(FILES);
    const listing = await listProjectFiles(dir);
    const bundle = await createBundle({
      entries: listing.entries,
      manifest: manifestOf,
      blockSize: 64 * 1024,
      tempDir: makeTempDir(),
    });
    const out = makeTempDir();
    execFileSync('tar', ['xzf', bundle.path, '-C', out]);
    for (const name of [
      'index.html',
      `${LONG_DIR}/file.txt`,
      LONG_NAME,
      'données/été.csv',
      'big/blob.bin',
      'empty.txt',
    ]) {
      assert.ok(
        fs.readFileSync(path.join(out, name)).equals(fs.readFileSync(path.join(dir, name))),
        `${name} differs after GNU tar`,
      );
    }
    assert.equal(fs.statSync(path.join(out, 'run.sh')).mode & 0o777, 0o755);
    execFileSync('gzip', ['-t', bundle.path]);
    await bundle.dispose();
  });

  it('is cancellable between files and leaves no temp file behind', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 200; i++) files[`f${String(i).padStart(3, '0')}.bin`] = noise(50_000, i + 1);
    const dir = makeProject(files);
    const listing = await listProjectFiles(dir);
    const temp = makeTempDir();
    const controller = new AbortController();
    let reports = 0;
    await assert.rejects(
      createBundle({
        entries: listing.entries,
        manifest: manifestOf,
        blockSize: 64 * 1024,
        tempDir: temp,
        signal: controller.signal,
        onProgress: () => {
          if (++reports === 3) controller.abort();
        },
      }),
      (err) => err instanceof CancelledError,
    );
    assert.ok(reports >= 3 && reports < 150, `stopped soon after the cancel (${reports} blocks)`);
    assert.deepEqual(fs.readdirSync(temp), []);
  });

  it('removes the temp file when a file vanishes mid-bundle, and names the file', async () => {
    const dir = makeProject({ 'a.txt': 'a', 'b.txt': noise(10_000) });
    const listing = await listProjectFiles(dir);
    fs.truncateSync(path.join(dir, 'b.txt'), 10);
    const temp = makeTempDir();
    await assert.rejects(
      createBundle({ entries: listing.entries, manifest: manifestOf, tempDir: temp }),
      /'b\.txt' changed while it was being bundled/,
    );
    assert.deepEqual(fs.readdirSync(temp), []);
  });

  it('follows links that stay inside the project and refuses links that leave it, naming them', async () => {
    const outside = makeProject({ 'secret.txt': 'not yours' }, 'elsewhere');
    const dir = makeProject({ 'index.html': '<p>x</p>', 'docs/real.txt': 'real' });
    fs.symlinkSync(path.join(dir, 'docs/real.txt'), path.join(dir, 'alias.txt'));
    const listing = await listProjectFiles(dir);
    assert.equal(listing.entries.find((e) => e.rel === 'alias.txt')?.size, 4);
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'leak.txt'));
    fs.symlinkSync(path.join(dir, 'missing.txt'), path.join(dir, 'dangling.txt'));
    await assert.rejects(listProjectFiles(dir), (err: unknown) => {
      assert.ok(err instanceof SnowflakeExtError);
      assert.match(err.message, /symbolic links that leave the project/);
      assert.match(err.message, /'leak\.txt' \(points outside the project/);
      assert.match(err.message, /'dangling\.txt' \(points to .*missing\.txt, which does not exist\)/);
      assert.match(err.fix!.text, /\.positignore/);
      return true;
    });
  });

  it('names every unreadable file before bundling starts', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>', 'private/a.csv': 'a', 'private/b.csv': 'b' });
    fs.chmodSync(path.join(dir, 'private/a.csv'), 0o000);
    fs.chmodSync(path.join(dir, 'private/b.csv'), 0o000);
    const message = await listAs(dir);
    assert.match(
      message,
      /Cannot read 2 files of the project: 'private\/a\.csv' \(EACCES\), 'private\/b\.csv' \(EACCES\)/,
    );
  });
});

/** Lists `dir` as an unprivileged user (root reads anything, so as root the check runs as `nobody`). */
async function listAs(dir: string): Promise<string> {
  if (process.getuid?.() !== 0) {
    return listProjectFiles(dir).then(
      () => 'listed',
      (e: Error) => e.message,
    );
  }
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o005);
  const script = `require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/publish/bundle/projectFiles.ts'))}).listProjectFiles(${JSON.stringify(dir)}).then(() => console.log('listed'), (e) => console.log(e.message));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../../..'),
    env: { ...process.env, HOME: '/tmp' },
  });
  return `${r.stdout}${r.stderr}`.trim();
}
