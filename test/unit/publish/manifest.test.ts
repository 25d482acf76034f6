// manifest.json golden files: each fixture project is bundled for real and the manifest read back from the bundle is
// compared with test/unit/publish/golden/<case>.json (UPDATE_GOLDEN=1 rewrites them, to be reviewed in the diff).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createBundle } from '../../../src/core/publish/bundle/bundler';
import { detectContent } from '../../../src/core/publish/content/detectContent';
import { buildManifest, gatherManifestInputs, manifestBytes } from '../../../src/core/publish/content/manifest';
import { listProjectFiles } from '../../../src/core/publish/bundle/projectFiles';
import { fixedRuntimeProbe } from '../../support/fixedRuntimeProbe';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { readTar } from '../../emulator/connectBundle';
import { makeProject, makeTempDir, removeProjects, type FixtureFiles } from './projectFixture';

const GOLDEN = path.join(__dirname, 'golden');
const PROBE = fixedRuntimeProbe({ python: '3.11.9', quarto: '1.5.57' });

const RENV_LOCK = JSON.stringify(
  {
    R: { Version: '4.4.1', Repositories: [{ Name: 'CRAN', URL: 'https://packagemanager.posit.co/cran/latest/' }] },
    Packages: {
      shiny: {
        Package: 'shiny',
        Version: '1.9.1',
        Source: 'Repository',
        Repository: 'CRAN',
        Hash: 'aa1b2c',
        Requirements: ['R6', 'httpuv'],
      },
      R6: { Package: 'R6', Version: '2.5.1', Source: 'Repository', Repository: 'CRAN', Hash: 'bb2c3d' },
      mypkg: {
        Package: 'mypkg',
        Version: '0.1.0',
        Source: 'GitHub',
        RemoteType: 'github',
        RemoteUsername: 'someone',
        RemoteRepo: 'mypkg',
        RemoteSha: 'abc123',
        Hash: 'cc3d4e',
      },
    },
  },
  null,
  2,
);

const CASES: Record<string, FixtureFiles> = {
  'python-streamlit': {
    'app.py': 'import streamlit as st\nst.title("Sales")\n',
    'requirements.txt': 'streamlit==1.38.0\npandas\n',
    'data/sales.csv': 'region,total\nEMEA,10\n',
  },
  'quarto-knitr': {
    'report.qmd': '---\ntitle: "Quarterly"\n---\n\n```{r}\nsummary(cars)\n```\n',
    'renv.lock': RENV_LOCK,
  },
  'rmd-shiny': {
    'app.Rmd': '---\ntitle: Explorer\nruntime: shiny\n---\n',
    'renv.lock': RENV_LOCK,
    '_site.yml': 'name: site\n',
  },
  'static-html': { 'index.html': '<!doctype html><p>Hello</p>\n', 'img/logo.svg': '<svg/>' },
  'jupyter-notebook': {
    'analysis.ipynb': '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
    'requirements.txt': 'numpy\n',
  },
};

async function manifestOfBundle(dir: string): Promise<unknown> {
  const detection = (await detectContent(dir))!;
  const listing = await listProjectFiles(dir);
  const inputs = await gatherManifestInputs(dir, detection, listing, PROBE);
  const bundle = await createBundle({
    entries: listing.entries,
    manifest: (c) => manifestBytes(buildManifest(inputs, c)),
    tempDir: makeTempDir(),
  });
  const entries = readTar(zlib.gunzipSync(fs.readFileSync(bundle.path)));
  await bundle.dispose();
  return JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
}

describe('publish: manifest.json (golden files)', () => {
  after(removeProjects);

  for (const [name, files] of Object.entries(CASES)) {
    it(name, async () => {
      const manifest = await manifestOfBundle(makeProject(files));
      const file = path.join(GOLDEN, `${name}.json`);
      if (process.env.UPDATE_GOLDEN) {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
      }
      assert.deepEqual(manifest, JSON.parse(fs.readFileSync(file, 'utf8')));
    });
  }

  const refusals: [string, FixtureFiles, RegExp, RegExp][] = [
    [
      'Python content without requirements.txt',
      { 'app.py': 'import streamlit\n' },
      /^This Streamlit app needs a requirements\.txt/,
      /one line per package the code imports.*"Scan For Package Requirements"/,
    ],
    [
      'R content without renv.lock',
      { 'app.R': 'shinyApp(ui, server)\n' },
      /^This Shiny app \(R\) needs renv\.lock/,
      /renv::snapshot\(\)/,
    ],
    [
      'renv.lock naming a repository it does not list',
      {
        'app.R': 'x',
        'renv.lock': JSON.stringify({
          R: { Version: '4.4.1', Repositories: [] },
          Packages: { x: { Package: 'x', Version: '1', Source: 'Repository', Repository: 'Internal' } },
        }),
      },
      /package 'x' comes from repository 'Internal'/,
      /renv::snapshot\(\)/,
    ],
    [
      'an entrypoint excluded by .positignore',
      { 'index.html': 'x', '.positignore': 'index.html\n' },
      /entrypoint 'index\.html' is not in the bundle/,
      /\.positignore/,
    ],
  ];
  for (const [title, files, message, fix] of refusals) {
    it(`refuses ${title}, before bundling, with a fix`, async () => {
      const dir = makeProject(files);
      const detection = (await detectContent(dir))!;
      const listing = await listProjectFiles(dir);
      await assert.rejects(gatherManifestInputs(dir, detection, listing, PROBE), (err: unknown) => {
        assert.ok(err instanceof SnowflakeExtError);
        assert.match(err.message, message);
        assert.match(err.fix!.text, fix);
        return true;
      });
    });
  }

  it('asks for a Python version when none can be found', async () => {
    const dir = makeProject({ 'app.py': 'import streamlit\n', 'requirements.txt': 'streamlit\n' });
    const detection = (await detectContent(dir))!;
    await assert.rejects(
      gatherManifestInputs(dir, detection, await listProjectFiles(dir), fixedRuntimeProbe({})),
      /\.python-version/,
    );
  });
});
