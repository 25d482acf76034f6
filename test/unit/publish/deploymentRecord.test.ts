// Deployment records: written in Posit Publisher's record format (checked against its v3 record schema's rules in
// publisherFormats.ts), with its content type names, server_type and logs_url; read back for redeploys whichever tool
// wrote them; written atomically.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  findRecord,
  newRecordName,
  RECORD_SCHEMA,
  RECORDS_DIR,
  writeRecord,
  type RecordState,
} from '../../../src/core/publish/deploymentRecord';
import { isSnowflakeIngressUrl, normaliseServerUrl } from '../../../src/core/publish/connect/connectServers';
import { newConfiguration } from '../../../src/core/publish/publishSettings';
import { APP_MODES, type AppMode, type ContentDetection } from '../../../src/core/publish/types';
import { makeProject, removeProjects } from './projectFixture';
import { checkPublisherConfiguration, checkPublisherRecord, PUBLISHER_TYPES, readToml } from './publisherFormats';

const detection: ContentDetection = {
  appmode: 'quarto-static',
  entrypoint: 'report.qmd',
  entrypointFile: 'report.qmd',
  quartoEngines: ['jupyter'],
  needsPython: true,
  needsR: false,
  needsQuarto: true,
  title: 'Report',
};

function configurationFor(d: ContentDetection): RecordState['configuration'] {
  return newConfiguration({
    detection: d,
    inputs: {
      detection: d,
      locale: 'en_US.UTF-8',
      ...(d.needsPython
        ? {
            python: { version: '3.11.9', packageFile: 'requirements.txt', packageManager: 'pip', requires: '~=3.11.0' },
          }
        : {}),
      ...(d.needsQuarto ? { quarto: { version: '1.5.57' } } : {}),
      ...(d.needsR ? { r: { rVersion: '4.4.1', packages: {} } } : {}),
    },
    title: 'Quarterly report',
    files: ['/**'],
  });
}

function state(name: string, overrides: Partial<RecordState> = {}): RecordState {
  return {
    name,
    serverUrl: 'https://connect.example.com',
    serverType: 'connect',
    configurationName: 'Quarterly-report-AB12',
    configuration: configurationFor(detection),
    clientVersion: 'posit-snowflake 0.1.0',
    createdAt: '2024-06-01T09:00:00.000Z',
    contentGuid: 'de2e7bdb-b085-401e-a65c-443e40009749',
    dashboardUrl: 'https://connect.example.com/connect/#/apps/de2e7bdb-b085-401e-a65c-443e40009749',
    directUrl: 'https://connect.example.com/content/de2e7bdb-b085-401e-a65c-443e40009749/',
    bundleId: '7',
    files: ['report.qmd', 'requirements.txt'],
    deployedAt: '2024-06-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('publish: deployment records', () => {
  after(removeProjects);

  it("passes Publisher's record schema, with its type names, logs_url and a separate configuration name", async () => {
    const dir = makeProject({ 'report.qmd': '# r' });
    const file = await writeRecord(dir, state('connect-example-com'));
    assert.equal(file, path.join(dir, RECORDS_DIR, 'connect-example-com.toml'));
    const record = readToml(file) as Record<string, any>;
    assert.deepEqual(checkPublisherRecord(record), []);
    assert.equal(record.$schema, RECORD_SCHEMA);
    assert.equal(record.server_type, 'connect');
    assert.equal(record.type, 'quarto-static');
    assert.equal(record.configuration_name, 'Quarterly-report-AB12');
    assert.equal(record.logs_url, `${record.dashboard_url}/logs`);
    assert.deepEqual(
      { ...record.configuration.python },
      { version: '3.11.9', package_file: 'requirements.txt', package_manager: 'pip', requires_python: '~=3.11.0' },
    );
    assert.equal(
      record.bundle_url,
      'https://connect.example.com/__api__/v1/content/de2e7bdb-b085-401e-a65c-443e40009749/bundles/7/download',
    );
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['connect-example-com.toml'], 'no temp file left');
  });

  it('every app mode gets a type from the schemas\' enum (no "unknown"), and a configuration that passes', () => {
    for (const mode of APP_MODES as readonly AppMode[]) {
      const d: ContentDetection = {
        ...detection,
        appmode: mode,
        needsPython: mode.startsWith('python') || mode.startsWith('jupyter') || mode.startsWith('quarto'),
        needsR: ['api', 'shiny', 'rmd-static', 'rmd-shiny'].includes(mode),
        needsQuarto: mode.startsWith('quarto'),
      };
      const cfg = configurationFor(d);
      assert.ok(PUBLISHER_TYPES.has(cfg.type) && cfg.type !== 'unknown', `${mode} → ${cfg.type}`);
      assert.deepEqual(checkPublisherConfiguration(cfg), [], mode);
    }
  });

  it('Connect inside Snowflake: server_type "snowflake", product_type left at its default "connect"', async () => {
    const dir = makeProject({ 'report.qmd': '# r' });
    const file = await writeRecord(
      dir,
      state('spcs', {
        serverUrl: 'https://abc-org-acct.snowflakecomputing.app',
        serverType: 'snowflake',
        configuration: configurationFor(detection),
      }),
    );
    const record = readToml(file) as Record<string, any>;
    assert.deepEqual(checkPublisherRecord(record), []);
    assert.equal(record.server_type, 'snowflake');
    assert.equal(record.configuration.product_type, undefined);
  });

  it('an unfinished or failed deployment claims no success', async () => {
    const dir = makeProject({ 'report.qmd': '# r' });
    const file = await writeRecord(
      dir,
      state('r', { deployedAt: undefined, error: { code: 'deployFailed', message: 'the task failed' } }),
    );
    const record = readToml(file) as Record<string, any>;
    assert.deepEqual(checkPublisherRecord(record), []);
    assert.equal(record.deployed_at, undefined);
    assert.deepEqual(
      { ...record.deployment_error },
      { code: 'deployFailed', message: 'the task failed', operation: 'publish' },
    );
  });

  it('finds a record written by Posit Publisher and picks the latest for the server', async () => {
    const dir = makeProject({ 'app.py': 'x' });
    const folder = path.join(dir, RECORDS_DIR);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'deployment-A1B2.toml'),
      [
        `"$schema" = "${RECORD_SCHEMA}"`,
        'server_url = "https://connect.example.com/"',
        'server_type = "connect"',
        "id = 'older-guid'",
        "type = 'python-shiny'",
        "deployed_at = '2024-01-19T09:33:33.131481-05:00'",
        'configuration_name = "production"',
        '',
        '[configuration]',
        "type = 'python-shiny'",
        "entrypoint = 'app.py'",
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(folder, 'deployment-C3D4.toml'),
      [
        `"$schema" = "${RECORD_SCHEMA}"`,
        'server_url = "https://CONNECT.example.com"',
        "id = 'newer-guid'",
        "deployed_at = '2024-03-01T00:00:00Z'",
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(folder, 'other-server.toml'),
      `server_url = "https://elsewhere.example.com"\nid = "x"\ndeployed_at = "2025-01-01T00:00:00Z"\n`,
    );
    fs.writeFileSync(
      path.join(folder, 'pre-deploy.toml'),
      `server_url = "https://connect.example.com"\ndeployed_at = "2026-01-01T00:00:00Z"\n`,
    );
    fs.writeFileSync(path.join(folder, 'broken.toml'), 'server_url = "unterminated\n');
    const found = await findRecord(dir, 'https://connect.example.com');
    assert.equal(found?.name, 'deployment-C3D4');
    assert.equal(found?.record.id, 'newer-guid');
    assert.equal(
      (await findRecord(dir, 'https://connect.example.com', 'deployment-A1B2'))?.record.configuration?.entrypoint,
      'app.py',
    );
    assert.equal(await findRecord(dir, 'https://third.example.com'), undefined);
  });

  it('names new records after the server, numbered when the name is taken', async () => {
    const dir = makeProject({ 'app.py': 'x' });
    assert.equal(
      await newRecordName(dir, 'https://abc-org-acct.snowflakecomputing.app'),
      'abc-org-acct-snowflakecomputing-app',
    );
    await writeRecord(dir, state('connect-example-com'));
    assert.equal(await newRecordName(dir, 'https://connect.example.com'), 'connect-example-com-2');
  });

  it('replaces a record atomically: readers see the old or the new one, never half', async () => {
    const dir = makeProject({ 'report.qmd': '# r' });
    await writeRecord(dir, state('r1', { bundleId: '1' }));
    const writes = Array.from({ length: 20 }, (_, i) => writeRecord(dir, state('r1', { bundleId: String(i + 2) })));
    const reads: string[] = [];
    for (let i = 0; i < 20; i++) reads.push(String(readToml(path.join(dir, RECORDS_DIR, 'r1.toml')).bundle_id));
    await Promise.all(writes);
    assert.ok(reads.every((b) => /^\d+$/.test(b)));
    assert.deepEqual(fs.readdirSync(path.join(dir, RECORDS_DIR)), ['r1.toml']);
  });
});

describe('publish: Connect servers', () => {
  const hosts: [string, boolean][] = [
    ['https://abc123-myorg-myacct.snowflakecomputing.app', true],
    ['https://abc123-myorg-myacct.privatelink.snowflakecomputing.app/', true],
    ['https://mzd2-myorg-acct.snowflake.app', true],
    ['https://connect.example.com', false],
    ['https://snowflakecomputing.app.evil.com', false],
    ['https://myorg-myacct.snowflakecomputing.com', false],
  ];
  for (const [url, spcs] of hosts) {
    it(`${url} ${spcs ? 'is' : 'is not'} a Connect inside Snowflake by its host`, () =>
      assert.equal(isSnowflakeIngressUrl(url), spcs));
  }

  it('normalises what people paste as a server address', () => {
    assert.equal(normaliseServerUrl('connect.example.com'), 'https://connect.example.com');
    assert.equal(normaliseServerUrl('https://connect.example.com/connect/#/apps/abc'), 'https://connect.example.com');
    assert.equal(normaliseServerUrl('https://example.com/rsc/__api__/v1/user'), 'https://example.com/rsc');
    assert.equal(normaliseServerUrl('http://127.0.0.1:3939/'), 'http://127.0.0.1:3939');
    assert.throws(() => normaliseServerUrl('ftp://x'), /not an http\(s\) URL/);
  });
});
