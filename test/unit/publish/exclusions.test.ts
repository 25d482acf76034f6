// What stays out of a bundle: the always-excluded paths and the project's .positignore (gitignore syntax).
import assert from 'node:assert/strict';
import { ExclusionFilter } from '../../../src/core/publish/bundle/exclusions';
import { listProjectFiles } from '../../../src/core/publish/bundle/projectFiles';
import { makeProject, removeProjects } from './projectFixture';

describe('publish: exclusions', () => {
  after(removeProjects);

  const always: [string, boolean, boolean][] = [
    ['.git', true, true],
    ['.posit', true, true],
    ['.venv', true, true],
    ['venv', true, true],
    ['sub/__pycache__', true, true],
    ['renv/library', true, true],
    ['renv/activate.R', false, false],
    ['.Rproj.user', true, true],
    ['node_modules', true, true],
    ['sub/.DS_Store', false, true],
    ['manifest.json', false, true],
    ['sub/manifest.json', false, false],
    ['app.py', false, false],
  ];
  for (const [rel, isDir, excluded] of always) {
    it(`${excluded ? 'always excludes' : 'keeps'} ${rel}${isDir ? '/' : ''}`, () => {
      assert.equal(new ExclusionFilter().excludes(rel, isDir), excluded);
    });
  }

  it('keeps node_modules for Node.js content', () => {
    assert.equal(new ExclusionFilter({ keepNodeModules: true }).excludes('node_modules', true), false);
  });

  const ignore = [
    '# comments and blank lines are ignored',
    '',
    '*.log',
    '!keep.log',
    '/build',
    'tmp/',
    'data/**/*.parquet',
    '**/secret?.txt',
    'docs/*.pdf',
    '[Tt]humbs.db',
    '\\#literal',
  ].join('\n');
  const rules: [string, boolean, boolean][] = [
    ['debug.log', false, true],
    ['logs/deep/x.log', false, true],
    ['keep.log', false, false],
    ['build', true, true],
    ['src/build', true, false],
    ['tmp', true, true],
    ['a/tmp', true, true],
    ['tmp', false, false],
    ['data/x.parquet', false, true],
    ['data/a/b/x.parquet', false, true],
    ['data/x.csv', false, false],
    ['secret1.txt', false, true],
    ['a/secret2.txt', false, true],
    ['secret10.txt', false, false],
    ['docs/a.pdf', false, true],
    ['docs/sub/a.pdf', false, false],
    ['Thumbs.db', false, true],
    ['thumbs.db', false, true],
    ['#literal', false, true],
    ['app.py', false, false],
  ];
  for (const [rel, isDir, excluded] of rules) {
    it(`.positignore ${excluded ? 'excludes' : 'keeps'} ${rel}${isDir ? '/' : ''}`, () => {
      assert.equal(new ExclusionFilter({ ignoreText: ignore }).excludes(rel, isDir), excluded);
    });
  }

  it('applies the ignore file while listing, and never descends into excluded folders', async () => {
    const dir = makeProject({
      'app.py': 'x',
      'notes.log': 'x',
      'tmp/a.txt': 'x',
      'data/raw/big.parquet': 'x',
      'data/small.csv': 'x',
      '.positignore': 'tmp/\n*.log\ndata/**/*.parquet\n',
      '.git/HEAD': 'x',
      'node_modules/m/index.js': 'x',
      '__pycache__/a.pyc': 'x',
    });
    const listing = await listProjectFiles(dir);
    assert.deepEqual(
      listing.entries.filter((e) => !e.isDirectory).map((e) => e.rel),
      ['app.py', 'data/small.csv'],
    );
    assert.equal(listing.totalBytes, 2);
  });
});
