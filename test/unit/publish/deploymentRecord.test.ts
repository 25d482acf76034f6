// Deployment records: written in Posit Publisher's record format (only keys its v3 schema allows), read back for
// redeploys whichever tool wrote them, and written atomically.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import {
  findRecord,
  newRecordName,
  RECORD_SCHEMA,
  RECORDS_DIR,
  writeRecord,
  type RecordInput,
} from '../../../src/core/publish/deploymentRecord';
import { isSnowflakeIngressUrl, normaliseServerUrl } from '../../../src/core/publish/connect/connectServers';
import type { ContentDetection } from '../../../src/core/publish/types';
import { makeProject, removeProjects } from './projectFixture';

// smol-toml ships ESM types only; its CommonJS build is what tsx loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('smol-toml') as typeof SmolToml;

/** The top-level properties of Publisher's posit-publishing-record-schema-v3.json (additionalProperties: false). */
const PUBLISHER_RECORD_KEYS = new Set([
  '$schema',
  'server_url',
  'server_type',
  'id',
  'client_version',
  'type',
  'created_at',
  'deployed_at',
  'configuration_name',
  'bundle_id',
  'bundle_url',
  'dashboard_url',
  'direct_url',
  'deployment_error',
  'configuration',
  'requirements',
  'renv',
  'files',
]);
const PUBLISHER_RECORD_TYPES = new Set([
  '',
  'html',
  'jupyter-notebook',
  'jupyter-voila',
  'python-bokeh',
  'python-dash',
  'python-fastapi',
  'python-flask',
  'python-shiny',
  'python-streamlit',
  'quarto-shiny',
  'quarto',
  'r-plumber',
  'r-shiny',
  'rmd-shiny',
  'rmd',
  'unknown',
]);

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

function input(name: string, overrides: Partial<RecordInput> = {}): RecordInput {
  return {
    name,
    serverUrl: 'https://connect.example.com',
    contentGuid: 'de2e7bdb-b085-401e-a65c-443e40009749',
    bundleId: '7',
    dashboardUrl: 'https://connect.example.com/connect/#/apps/de2e7bdb-b085-401e-a65c-443e40009749',
    directUrl: 'https://connect.example.com/content/de2e7bdb-b085-401e-a65c-443e40009749/',
    detection,
    title: 'Quarterly report',
    files: ['report.qmd', 'requirements.txt'],
    clientVersion: 'posit-snowflake 0.1.0',
    python: '3.11.9',
    quarto: { version: '1.5.57', engines: ['jupyter'] },
    now: new Date('2024-06-01T10:00:00Z'),
    ...overrides,
  };
}

describe('publish: deployment records', () => {
  after(removeProjects);

  it("writes only what Publisher's record schema allows, with its content type names", async () => {
    const dir = makeProject({ 'report.qmd': '# r' });
    const file = await writeRecord(dir, input('connect-example-com'));
    assert.equal(file, path.join(dir, RECORDS_DIR, 'connect-example-com.toml'));
    const record = parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
    for (const key of Object.keys(record))
      assert.ok(PUBLISHER_RECORD_KEYS.has(key), `${key} is not in Publisher's schema`);
    assert.equal(record.$schema, RECORD_SCHEMA);
    assert.equal(record.server_type, 'connect');
    assert.equal(record.id, 'de2e7bdb-b085-401e-a65c-443e40009749');
    assert.ok(PUBLISHER_RECORD_TYPES.has(record.type));
    assert.equal(record.type, 'quarto');
    assert.equal(record.configuration.type, 'quarto-static');
    assert.equal(record.configuration.entrypoint, 'report.qmd');
    assert.deepEqual(
      { ...record.configuration.python },
      { version: '3.11.9', package_file: 'requirements.txt', package_manager: 'pip' },
    );
    assert.deepEqual(
      { ...record.configuration.quarto, engines: [...record.configuration.quarto.engines] },
      { version: '1.5.57', engines: ['jupyter'] },
    );
    assert.equal(
      record.bundle_url,
      'https://connect.example.com/__api__/v1/content/de2e7bdb-b085-401e-a65c-443e40009749/bundles/7/download',
    );
    assert.equal(record.deployed_at, '2024-06-01T10:00:00.000Z');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['connect-example-com.toml'], 'no temp file left');
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
    await writeRecord(dir, input('connect-example-com'));
    assert.equal(await newRecordName(dir, 'https://connect.example.com'), 'connect-example-com-2');
  });

  it('replaces a record atomically: readers see the old or the new one, never half', async () => {
    const dir = makeProject({ 'report.qmd': '# r' });
    await writeRecord(dir, input('r1', { bundleId: '1' }));
    const writes = Array.from({ length: 20 }, (_, i) => writeRecord(dir, input('r1', { bundleId: String(i + 2) })));
    const reads: string[] = [];
    for (let i = 0; i < 20; i++)
      reads.push(String((parse(fs.readFileSync(path.join(dir, RECORDS_DIR, 'r1.toml'), 'utf8')) as any).bundle_id));
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
