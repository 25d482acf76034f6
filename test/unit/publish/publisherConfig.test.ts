// Reading projects as Publisher and rsconnect-python do: a configuration's `files` list (Publisher's
// bundler/collect.ts rules, the examples of its configuration schema), Python version constraints (rsconnect-python
// rsconnect/pyproject.py adapt_python_requires), requirements generated from lock files (Publisher's
// interpreters/pythonDependencySources.ts), the references' exclusions, default titles, R remote fields, and the code
// "Copy Python / R Code" gives.
import assert from 'node:assert/strict';
import { ExclusionFilter } from '../../../src/core/publish/bundle/exclusions';
import { listProjectFiles } from '../../../src/core/publish/bundle/projectFiles';
import { detectContent } from '../../../src/core/publish/content/detectContent';
import { gatherManifestInputs } from '../../../src/core/publish/content/manifest';
import {
  adaptPythonRequires,
  generateRequirements,
  pythonRequires,
} from '../../../src/core/publish/content/pythonRequirements';
import { readRenvLock } from '../../../src/core/publish/content/renvPackages';
import { fixedRuntimeProbe } from '../../support/fixedRuntimeProbe';
import { integrationCode } from '../../../src/core/publish/integrationCode';
import { filesFromIgnore, filesMatcher, readConfiguration } from '../../../src/core/publish/publisherConfig';
import { makeProject, removeProjects } from './projectFixture';

describe('publish: Publisher configurations and the references’ rules', () => {
  after(removeProjects);

  it("a configuration's files list: rooted names, globs, '!' exclusions, directories bringing their files", () => {
    const m = filesMatcher(['/app.py', 'model/*.csv', '!model/excludeme.csv', '/data']);
    const cases: [string, boolean][] = [
      ['app.py', true],
      ['sub/app.py', false],
      ['model/weights.csv', true],
      ['model/excludeme.csv', false],
      ['model/notes.txt', false],
      ['data/2024/sales.csv', true],
      ['private/notes.txt', false],
    ];
    for (const [rel, want] of cases) assert.equal(m(rel, false), want, rel);
    assert.deepEqual(filesFromIgnore('# comment\nscratch/\n!keep.csv\n\n'), ['/**', '!scratch/', 'keep.csv']);
    const all = filesMatcher(filesFromIgnore('scratch/\n'));
    assert.deepEqual(
      ['app.py', 'data/x.csv', 'scratch/a.txt'].map((r) => all(r, false)),
      [true, true, false],
    );
  });

  it('a configuration that cannot be used says which file and how to fix it', async () => {
    const dir = makeProject({
      '.posit/publish/broken.toml': 'type = "unterminated\n',
      '.posit/publish/odd.toml': 'type = "python-rocket"\nentrypoint = "app.py"\n',
    });
    await assert.rejects(readConfiguration(dir, 'broken'), /broken\.toml is not valid TOML.*/);
    await assert.rejects(readConfiguration(dir, 'odd'), /names an unknown type 'python-rocket'/);
    assert.equal(await readConfiguration(dir, 'absent'), undefined);
  });

  it('Python versions become PEP 440 constraints as rsconnect-python writes them', async () => {
    const cases: [string, string | undefined][] = [
      ['3.11', '~=3.11.0'],
      ['3.11.9', '~=3.11.0'],
      ['3', '~=3.0'],
      ['3.11.*', '==3.11.*'],
      ['>=3.9, <3.13', '>=3.9,<3.13'],
      ['pypy@3.10', undefined],
      ['3.13rc1', undefined],
    ];
    for (const [given, want] of cases) assert.equal(adaptPythonRequires(given), want, given);
    assert.equal(await pythonRequires(makeProject({ '.python-version': '3.12\n' })), '~=3.12.0');
    assert.equal(
      await pythonRequires(makeProject({ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\n' })),
      '>=3.10',
    );
  });

  it('no requirements.txt: requirements come from uv.lock (not the project itself), else pyproject', async () => {
    const uv = makeProject({
      'uv.lock': [
        'version = 1',
        '[[package]]',
        'name = "sales"',
        'version = "0.1.0"',
        'source = { editable = "." }',
        '[[package]]',
        'name = "streamlit"',
        'version = "1.38.0"',
        'source = { registry = "https://pypi.org/simple" }',
        '',
      ].join('\n'),
    });
    assert.deepEqual(await generateRequirements(uv), { source: 'uv.lock', lines: ['streamlit==1.38.0'] });
    const py = makeProject({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["dash>=2", "pandas"]\n' });
    assert.deepEqual(await generateRequirements(py), { source: 'pyproject.toml', lines: ['dash>=2', 'pandas'] });
    assert.equal(await generateRequirements(makeProject({ 'app.py': '' })), undefined);
  });

  it('a requirements.txt that .positignore leaves out is reported as left out, not missing', async () => {
    const dir = makeProject({
      'app.py': 'import streamlit as st\n',
      'requirements.txt': 'streamlit\n',
      '.positignore': 'requirements.txt\n',
    });
    const detection = (await detectContent(dir))!;
    const listing = await listProjectFiles(dir);
    await assert.rejects(
      gatherManifestInputs(dir, detection, listing, fixedRuntimeProbe({ python: '3.11.9' })),
      /The project has requirements\.txt, but it is left out of the bundle/,
    );
  });

  it('leaves out what the references leave out: any virtualenv, rsconnect metadata, packrat, knitr caches', async () => {
    const dir = makeProject({
      'app.py': 'x',
      'myenv/pyvenv.cfg': 'home = /usr/bin\n',
      'myenv/lib/site.py': 'x',
      'env2/bin/python': 'x',
      'rsconnect/connect.example.com/me/app.dcf': 'server: x',
      'rsconnect-python/app.json': '{}',
      'packrat/packrat.lock': 'x',
      'report_cache/html/x.rdb': 'x',
      'project.Rproj': 'Version: 1.0',
      '.rscignore': 'notes.md\n',
      'notes.md': 'x',
    });
    const listing = await listProjectFiles(dir);
    assert.deepEqual(
      listing.entries.map((e) => e.rel),
      ['app.py'],
    );
    assert.equal(new ExclusionFilter().excludes('docs/analysis_cache', true), true);
    assert.equal(new ExclusionFilter().excludes('analysis_cache.csv', false), false);
  });

  it("the default title is the project's own name, never a generic folder name like 'workspace'", async () => {
    const ws = makeProject({ 'app.py': 'import streamlit as st\n', 'requirements.txt': 'streamlit\n' }, 'workspace');
    assert.equal((await detectContent(ws))?.title, 'Streamlit app (app.py)');
    const named = makeProject(
      { 'app.py': 'import streamlit as st\n', 'pyproject.toml': '[project]\nname = "sales-dashboard"\n' },
      'workspace',
    );
    assert.equal((await detectContent(named))?.title, 'sales-dashboard');
  });

  it('R packages keep the fields remote installs need', () => {
    const info = readRenvLock(
      JSON.stringify({
        R: { Version: '4.4.1', Repositories: [{ Name: 'CRAN', URL: 'https://cloud.r-project.org' }] },
        Packages: {
          tools2: {
            Package: 'tools2',
            Version: '0.2.0',
            Source: 'GitHub',
            RemoteType: 'github',
            RemoteHost: 'api.github.com',
            RemoteUsername: 'org',
            RemoteRepo: 'mono',
            RemoteSubdir: 'pkg/tools2',
            RemoteRef: 'main',
            RemoteSha: 'abc',
          },
          gitpkg: {
            Package: 'gitpkg',
            Version: '1.0',
            Source: 'git',
            RemoteType: 'git',
            RemoteUrl: 'https://git.example.com/gitpkg.git',
          },
        },
      }),
    );
    const d = info.packages.tools2!.description;
    assert.deepEqual(
      [d.RemoteHost, d.RemoteSubdir, d.GithubSubdir, d.RemotePkgRef, d.RemoteRef],
      ['api.github.com', 'pkg/tools2', 'pkg/tools2', 'org/mono', 'main'],
    );
    assert.equal(info.packages.tools2!.Repository, 'https://github.com/org/mono');
    assert.equal(info.packages.gitpkg!.Repository, 'https://git.example.com/gitpkg.git');
    assert.equal(info.packages.gitpkg!.description.RemoteUrl, 'https://git.example.com/gitpkg.git');
  });

  it('Copy code: the viewer or the service account, in Python (posit-sdk) and R (connectapi)', () => {
    const viewer = [{ name: 'Snowflake', type: 'snowflake', auth_type: 'Viewer' }];
    const service = [{ name: 'Snowflake SA', type: 'snowflake', auth_type: 'Service Account' }];
    assert.match(integrationCode('python', 'python-shiny', viewer), /session\.http_conn\.headers\.get/);
    assert.match(integrationCode('python', 'python-dash', service), /content_session_token=os\.environ\.get/);
    assert.match(integrationCode('r', 'shiny', viewer), /session\$request\$HTTP_POSIT_CONNECT_USER_SESSION_TOKEN/);
    assert.match(integrationCode('r', 'api', service), /get_oauth_content_credentials\(client\)/);
  });
});
