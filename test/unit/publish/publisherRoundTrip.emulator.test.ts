// Both ways with Posit Publisher, against the emulated Connect. One: what we publish loads the way Publisher loads a
// deployment before redeploying it (record, then the configuration it names, both passing the v3 schemas' rules).
// Two: a project Publisher deployed (its configuration and record written here from the schemas' examples,
// extensions/vscode/src/toml/schemas/example-config.toml and example-record.toml) redeploys with us into the same
// content, with its configuration's type, files, Python and Quarto settings, environment and secrets, and stays
// loadable by Publisher.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixedRuntimeProbe } from '../../../src/core/publish/content/runtimeVersions';
import { publish, type PublishRequest } from '../../../src/core/publish/publishPipeline';
import type { ConnectState } from '../../emulator/connect';
import { startAuthWorld, type AuthWorld } from '../auth/authHarness';
import { makeProject, makeTempDir, removeProjects } from './projectFixture';
import { loadLikePublisher, readToml } from './publisherFormats';

describe('publish: round trips with Posit Publisher', function () {
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

  function request(dir: string, extra: Partial<PublishRequest> = {}): PublishRequest {
    return {
      dir,
      server: { url: w.emu.plainConnectUrl },
      apiKey: w.emu.connectApiKey,
      // No Quarto on this machine: the configuration's version is what the manifest names.
      probe: fixedRuntimeProbe({ python: '3.12.1' }),
      tempDir: makeTempDir(),
      backoffMs: 1,
      ...extra,
    };
  }

  it('Publisher can load (and so redeploy) what we publish: a configuration of its own, named apart from the record', async () => {
    const dir = makeProject({
      'app.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'requirements.txt': 'fastapi\n',
      '.python-version': '3.11\n',
      '.positignore': 'scratch/\n',
      'scratch/notes.txt': 'draft',
    });
    const result = await publish(
      request(dir, {
        environment: [{ name: 'REGION', value: 'EMEA' }],
        secrets: ['API_KEY'],
        secretValue: async () => 's3cr3t-value',
      }),
    );
    const recordName = path.basename(result.recordPath, '.toml');
    const { record, configuration } = loadLikePublisher(dir, recordName);
    assert.notEqual(record.configuration_name, recordName);
    assert.equal(record.configuration_name, result.configurationName);
    assert.equal(configuration.type, 'python-fastapi');
    assert.equal(configuration.entrypoint, 'app:app');
    assert.deepEqual(configuration.files, ['/**', '!scratch/']);
    assert.deepEqual(
      { ...(configuration.python as object) },
      {
        version: '3.12.1',
        package_file: 'requirements.txt',
        package_manager: 'pip',
        requires_python: '~=3.11.0',
      },
    );
    assert.deepEqual({ ...(configuration.environment as object) }, { REGION: 'EMEA' });
    assert.deepEqual(configuration.secrets, ['API_KEY']);
    // The secret's value reached Connect and no file.
    assert.equal(connect.contents.get(result.contentGuid)!.environment.get('API_KEY'), 's3cr3t-value');
    const posit = path.join(dir, '.posit');
    for (const f of fs.readdirSync(posit, { recursive: true }) as string[]) {
      const p = path.join(posit, f);
      if (fs.statSync(p).isFile()) assert.ok(!fs.readFileSync(p, 'utf8').includes('s3cr3t-value'), f);
    }
    const bundle = [...connect.bundles.values()].find((b) => b.id === result.bundleId)!;
    assert.deepEqual(bundle.manifest.environment, { python: { requires: '~=3.11.0' } });
  });

  it('a project Publisher deployed as Quarto redeploys with us into the same content, as its configuration says', async () => {
    const dir = makeProject({
      'analysis.ipynb': JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
      'requirements.txt': 'pandas\n',
      'data/sales.csv': 'region,total\n',
      'private/notes.txt': 'left out by the Publisher user',
    });
    // The content as Publisher left it on Connect: a Quarto document.
    const created = await fetch(`${w.emu.plainConnectUrl}/__api__/v1/content`, {
      method: 'POST',
      headers: { Authorization: `Key ${w.emu.connectApiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'analysis-quarto', title: 'Regional analysis' }),
    });
    const guid = ((await created.json()) as { guid: string }).guid;
    connect.contents.get(guid)!.app_mode = 'quarto-static';
    const base = w.emu.plainConnectUrl;
    const publishDir = path.join(dir, '.posit', 'publish');
    fs.mkdirSync(path.join(publishDir, 'deployments'), { recursive: true });
    const configText = [
      '# Configuration file generated by Posit Publisher.',
      "'$schema' = 'https://cdn.posit.co/publisher/schemas/posit-publishing-schema-v3.json'",
      "type = 'quarto-static'",
      "entrypoint = 'analysis.ipynb'",
      "title = 'Regional analysis'",
      'validate = true',
      "files = ['/analysis.ipynb', '/requirements.txt', '/data']",
      "secrets = ['DB_PASSWORD']",
      '',
      '[python]',
      "version = '3.11.3'",
      "package_file = 'requirements.txt'",
      "package_manager = 'pip'",
      '',
      '[quarto]',
      "version = '1.4.557'",
      "engines = ['jupyter']",
      '',
      '[environment]',
      "API_URL = 'https://example.com/api'",
      '',
    ].join('\n');
    fs.writeFileSync(path.join(publishDir, 'production.toml'), configText);
    const recordFile = path.join(publishDir, 'deployments', 'deployment-K3QZ.toml');
    fs.writeFileSync(
      recordFile,
      [
        '# This file is automatically generated by Posit Publisher; do not edit.',
        "'$schema' = 'https://cdn.posit.co/publisher/schemas/posit-publishing-record-schema-v3.json'",
        "server_type = 'connect'",
        `server_url = '${base}'`,
        `id = '${guid}'`,
        "client_version = '2.11.2'",
        "type = 'quarto-static'",
        "created_at = '2024-01-19T09:33:33.131481-05:00'",
        "configuration_name = 'production'",
        "deployed_at = '2024-01-19T09:33:33.131481-05:00'",
        `dashboard_url = '${base}/connect/#/apps/${guid}'`,
        `direct_url = '${base}/content/${guid}/'`,
        '',
        '[configuration]',
        ...configText
          .split('\n')
          .slice(1)
          .map((l) => l.replace(/^\[(\w+)\]$/, '[configuration.$1]')),
      ].join('\n'),
    );
    loadLikePublisher(dir, 'deployment-K3QZ'); // what the test wrote is what Publisher would accept

    const result = await publish(
      request(dir, { secretValue: async (n) => (n === 'DB_PASSWORD' ? 'pw-123' : undefined) }),
    );
    assert.equal(result.contentGuid, guid);
    assert.equal(result.created, false);
    assert.equal(result.recordPath, recordFile);
    assert.equal(
      fs.readFileSync(path.join(publishDir, 'production.toml'), 'utf8'),
      configText,
      'configuration untouched',
    );
    const bundle = [...connect.bundles.values()].find((b) => b.id === result.bundleId)!;
    assert.equal(bundle.manifest.metadata.appmode, 'quarto-static');
    assert.deepEqual(bundle.manifest.quarto, { version: '1.4.557', engines: ['jupyter'] });
    assert.equal(bundle.manifest.python.version, '3.11.3');
    assert.deepEqual(Object.keys(bundle.manifest.files).sort(), [
      'analysis.ipynb',
      'data/sales.csv',
      'requirements.txt',
    ]);
    const env = connect.contents.get(guid)!.environment;
    assert.deepEqual([env.get('API_URL'), env.get('DB_PASSWORD')], ['https://example.com/api', 'pw-123']);
    const { record } = loadLikePublisher(dir, 'deployment-K3QZ');
    assert.equal(record.configuration_name, 'production');
    assert.equal(record.created_at, '2024-01-19T09:33:33.131481-05:00');
    assert.equal(record.bundle_id, result.bundleId);
    assert.equal(readToml(recordFile).logs_url, `${base}/connect/#/apps/${guid}/logs`);
  });

  it('a secret the configuration names and nobody gives stops the deploy before any upload, naming it', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>' });
    fs.mkdirSync(path.join(dir, '.posit', 'publish'), { recursive: true });
    const first = await publish(request(dir));
    const cfg = path.join(dir, '.posit', 'publish', `${first.configurationName}.toml`);
    fs.writeFileSync(
      cfg,
      fs.readFileSync(cfg, 'utf8').replace('validate = true', "validate = true\nsecrets = ['TOKEN']"),
    );
    const bundles = connect.bundles.size;
    await assert.rejects(publish(request(dir)), /needs the secret TOKEN, and no value was given/);
    assert.equal(connect.bundles.size, bundles);
  });
});
