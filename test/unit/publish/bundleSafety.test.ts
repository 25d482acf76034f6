// What leaves the project in a bundle is what was listed: a file swapped for a link (or another file) after the
// listing is refused, a file that grows or changes is refused by name, links cannot bring in excluded content, and a
// file name that is not UTF-8 is named as such instead of failing as unreadable.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createBundle } from '../../../src/core/publish/bundle/bundler';
import { listProjectFiles } from '../../../src/core/publish/bundle/projectFiles';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { readTar } from '../../emulator/connectBundle';
import { makeProject, makeTempDir, noise, removeProjects } from './projectFixture';

const manifestOf = (): Buffer => Buffer.from('{"version":1}');

function filesIn(bundlePath: string): string[] {
  return readTar(zlib.gunzipSync(fs.readFileSync(bundlePath)))
    .filter((e) => e.type === 'file')
    .map((e) => e.name)
    .sort();
}

async function bundleFails(dir: string, edit: () => void, pattern: RegExp): Promise<void> {
  const listing = await listProjectFiles(dir);
  edit();
  const temp = makeTempDir();
  await assert.rejects(createBundle({ entries: listing.entries, manifest: manifestOf, tempDir: temp }), (err) => {
    assert.ok(err instanceof SnowflakeExtError);
    assert.match(err.message, pattern);
    return true;
  });
  assert.deepEqual(fs.readdirSync(temp), [], 'no bundle is left behind');
}

describe('publish: bundle file safety', function () {
  this.timeout(30_000);
  afterEach(removeProjects);

  for (const size of [200, 300_000]) {
    it(`refuses a ${size}-byte file swapped for a same-size link out of the project after listing`, async () => {
      const outside = makeProject({ passwd: noise(size, 7) }, 'elsewhere');
      const dir = makeProject({ 'index.html': '<p>x</p>', 'data.bin': noise(size, 3) });
      await bundleFails(
        dir,
        () => {
          fs.rmSync(path.join(dir, 'data.bin'));
          fs.symlinkSync(path.join(outside, 'passwd'), path.join(dir, 'data.bin'));
        },
        /'data\.bin' was replaced by another file \(or a link\) after the project was listed/,
      );
    });

    it(`refuses a ${size}-byte file that grew after listing, naming it`, async () => {
      const dir = makeProject({ 'index.html': '<p>x</p>', 'log.csv': noise(size, 5) });
      await bundleFails(
        dir,
        () => fs.appendFileSync(path.join(dir, 'log.csv'), 'one more row\n'),
        /'log\.csv' changed while it was being bundled/,
      );
    });
  }

  it('refuses a file rewritten in place with the same size after listing', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>', 'app.py': 'print(1)\n' });
    const listing = await listProjectFiles(dir);
    const later = new Date(Date.now() + 5000);
    fs.writeFileSync(path.join(dir, 'app.py'), 'print(2)\n');
    fs.utimesSync(path.join(dir, 'app.py'), later, later);
    await assert.rejects(
      createBundle({ entries: listing.entries, manifest: manifestOf, tempDir: makeTempDir() }),
      /'app\.py' changed while it was being bundled/,
    );
  });

  it('does not hang on a FIFO swapped in for a listed file', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>', 'pipe.txt': 'abc' });
    await bundleFails(
      dir,
      () => {
        fs.rmSync(path.join(dir, 'pipe.txt'));
        execFileSync('mkfifo', [path.join(dir, 'pipe.txt')]);
      },
      /'pipe\.txt' was replaced/,
    );
  });

  it('applies the exclusions to link targets: no .git content, nothing .positignore lists', async () => {
    const dir = makeProject({
      'index.html': '<p>x</p>',
      '.git/config': '[remote "origin"]\nurl = https://user:ghp_secret@example.com/r.git\n',
      'secret.txt': 'do not ship',
      'private/keys.txt': 'do not ship either',
      'docs/ok.txt': 'fine',
      '.positignore': 'secret.txt\nprivate/\n',
    });
    fs.symlinkSync('.git/config', path.join(dir, 'gitconfig'));
    fs.symlinkSync('.git', path.join(dir, 'gitdir'));
    fs.symlinkSync('secret.txt', path.join(dir, 'alias.txt'));
    fs.symlinkSync('private', path.join(dir, 'shared'));
    fs.symlinkSync('private/keys.txt', path.join(dir, 'keys-link.txt'));
    fs.symlinkSync('docs', path.join(dir, 'manual'));
    const listing = await listProjectFiles(dir);
    const bundle = await createBundle({ entries: listing.entries, manifest: manifestOf, tempDir: makeTempDir() });
    assert.deepEqual(filesIn(bundle.path), ['docs/ok.txt', 'index.html', 'manifest.json', 'manual/ok.txt']);
    await bundle.dispose();
  });

  it('names a file whose name is not UTF-8 instead of calling it unreadable', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>' });
    const latin1 = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]);
    fs.writeFileSync(latin1, 'bytes');
    await assert.rejects(listProjectFiles(dir), (err: unknown) => {
      assert.ok(err instanceof SnowflakeExtError);
      assert.match(err.message, /names are not valid UTF-8: 'caf\uFFFD\.txt' \(its name is not valid UTF-8\)/);
      assert.doesNotMatch(err.message + err.fix!.text, /ENOENT|chmod/);
      assert.match(err.fix!.text, /Rename them to UTF-8 names, or list them in \.positignore/);
      return true;
    });
  });
});
