import assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { connectionCodeSpec, pythonConnectionCode, rConnectionCode } from '../../../src/core/snowflake/connectionCode';
import { displayType, previewHtml } from '../../../src/core/tree/previewHtml';

describe('connection code', () => {
  it('opens the same named connection from Python', () => {
    assert.equal(
      pythonConnectionCode('workbench'),
      'import snowflake.connector\n\nconn = snowflake.connector.connect(connection_name="workbench")\n',
    );
  });

  it('opens the same named connection from R with DBI and odbc', () => {
    assert.match(rConnectionCode('prod'), /^con <- DBI::dbConnect\(odbc::snowflake\(\), connection_name = "prod"\)$/m);
  });

  it('keeps odd names valid string literals', () => {
    assert.match(pythonConnectionCode('a"b\\c'), /connection_name="a\\"b\\\\c"/);
  });
});

describe('connection code for what the script cannot find by itself', () => {
  const profile = (over: Partial<ConnectionProfile>): ConnectionProfile =>
    ({
      name: 'dev',
      account: 'acme-dev',
      source: 'connections.toml',
      authenticator: 'SNOWFLAKE_JWT',
      role: 'ANALYST',
      warehouse: 'DEMO_WH',
      params: { private_key_file: '/home/me/.snowflake/keys/dev.p8' },
      isDefault: false,
      ...over,
    }) as ConnectionProfile;
  const ctx = { homedir: '/home/me', preferences: {}, keyEncrypted: false };

  it('outside Workbench, with nothing switched and a plain key: only the name', () => {
    assert.deepEqual(connectionCodeSpec(profile({}), ctx), { name: 'dev' });
  });

  it('a switched role and warehouse are passed; the configured ones are not repeated', () => {
    const spec = connectionCodeSpec(profile({}), { ...ctx, preferences: { role: 'FINANCE', warehouse: 'demo_wh' } });
    assert.deepEqual(spec, { name: 'dev', role: 'FINANCE' });
    assert.match(pythonConnectionCode(spec), /connect\(\n {4}connection_name="dev",\n {4}role="FINANCE",\n\)/);
    assert.match(rConnectionCode(spec), /connection_name = "dev",\n {2}role = "FINANCE"\n\)/);
  });

  it("a user's connection in a Workbench session sets SNOWFLAKE_HOME to the user's folder; Workbench's own does not", () => {
    const wb = { ...ctx, userDirectory: '/home/me/.snowflake' };
    assert.equal(connectionCodeSpec(profile({}), wb).snowflakeHome, '~/.snowflake');
    assert.equal(connectionCodeSpec(profile({ source: 'workbench', name: 'workbench' }), wb).snowflakeHome, undefined);
    assert.match(
      rConnectionCode(connectionCodeSpec(profile({}), wb)),
      /^Sys\.setenv\(SNOWFLAKE_HOME = path\.expand\("~\/\.snowflake"\)\)$/m,
    );
  });

  it("an encrypted key's passphrase and a stored PAT come from an environment variable or a prompt", () => {
    const spec = connectionCodeSpec(profile({}), { ...ctx, keyEncrypted: true });
    assert.equal(spec.passphraseFor, '/home/me/.snowflake/keys/dev.p8');
    const py = pythonConnectionCode(spec);
    assert.match(py, /^passphrase = os\.environ\.get\("PRIVATE_KEY_PASSPHRASE"\) or getpass\(/m);
    assert.match(py, /private_key_file_pwd=passphrase,/);
    assert.match(rConnectionCode(spec), /priv_key_file_pwd = passphrase/);
    const inFile = profile({ params: { private_key_file: '/k.p8', private_key_file_pwd: 'x' } });
    assert.equal(connectionCodeSpec(inFile, { ...ctx, keyEncrypted: true }).passphraseFor, undefined);
    const pat = connectionCodeSpec(profile({ authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', params: {} }), ctx);
    assert.equal(pat.patFromUser, true);
    assert.match(pythonConnectionCode(pat), /token=pat,/);
  });
});

describe('table preview', () => {
  const preview = {
    columns: [
      { name: 'ID', type: 'fixed', nullable: false, precision: 38, scale: 0 },
      { name: 'NOTE', type: 'text', nullable: true },
    ],
    rows: [
      ['1', '<b>hi</b>'],
      ['2', null],
    ],
  };

  it('shows Snowflake type names', () => {
    assert.equal(displayType(preview.columns[0]!), 'NUMBER(38,0)');
    assert.equal(displayType({ name: 'T', type: 'timestamp_ntz', nullable: true }), 'TIMESTAMP_NTZ');
  });

  it('renders every row, escapes values, shows NULL, and runs no script', () => {
    const html = previewHtml('Preview: D.S.T', preview, 100);
    assert.match(html, /<th[^>]*>ID<br><span class="type">NUMBER\(38,0\)<\/span><\/th>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.ok(html.includes('&lt;b&gt;hi&lt;/b&gt;'));
    assert.ok(!html.includes('<b>hi'));
    assert.ok(html.includes('<td class="null">NULL</td>'));
    assert.match(html, /default-src 'none'/);
    assert.ok(html.includes('2 rows'));
  });
});
