// The rules the official clients apply to connection files, each case taken from their own tests or code (cited per
// case: snowflake-connector-python test/unit/test_configmanager.py, test_connection.py, config_manager.py, sf_dirs.py;
// snowflake-cli tests/test_connection.py, tests/test.toml, src/snowflake/cli/api/config.py, _app/snow_connector.py,
// api/config_ng/masking.py). Our own data; the facts are theirs. Run against resolveConnections.
import assert from 'node:assert/strict';
import type { HostEnvironment, ResolvedConnections } from '../../../src/core/auth/types';
import { isSecretKey } from '../../../src/core/connections/secretParams';
import { resolveConnections } from '../../../src/core/connections/resolveConnections';
import { HOME, MemoryFs, hostOf } from './memoryFs';

const SF = `${HOME}/.snowflake`;
const XDG = `${HOME}/.config/snowflake`;

interface Case {
  readonly name: string;
  /** Where the rule comes from. */
  readonly source: string;
  readonly setup: (fs: MemoryFs) => void;
  readonly env?: Record<string, string>;
  readonly host?: Partial<HostEnvironment>;
  readonly check: (r: ResolvedConnections) => void;
}

const listedNames = (r: ResolvedConnections): string[] => r.listed.map((c) => c.name);
const codes = (r: ResolvedConnections, name: string): string[] =>
  r.listed.find((c) => c.name === name)?.errors.map((e) => e.code) ?? ['(not listed)'];
const diag = (r: ResolvedConnections, code: string) => r.diagnostics.find((d) => d.code === code);

// The shapes of the Snowflake CLI's own test configuration (tests/test.toml): ten tables, most without an account.
const CLI_TEST_TOML = `[connections.full]
account = "dev_account"
user = "dev_user"
host = "dev_host"
port = 8000
protocol = "dev_protocol"
[connections.default]
database = "db_for_test"
password = "dummy_password"
[connections.empty]
[connections.test_connections]
user = "python"
[connections.private_key_file]
authenticator = "SNOWFLAKE_JWT"
private_key_file = "/private/key"
[connections.private_key_path]
authenticator = "SNOWFLAKE_JWT"
private_key_path = "/private/key"
[connections.no_private_key]
authenticator = "SNOWFLAKE_JWT"
[connections.jwt]
user = "jdoe"
account = "testing_account"
authenticator = "SNOWFLAKE_JWT"
private_key_file = "/private/key"
[connections.wif]
workload_identity_provider = "GCP"
[connections.wif_oidc]
workload_identity_provider = "OIDC"
token = "my-oidc-config-token"
`;

const cases: Case[] = [
  {
    name: 'every table is listed, usable or not (the CLI test file: 10 of 10)',
    source: 'snowflake-cli tests/test_connection.py test_lists_connection_information over tests/test.toml',
    setup: (fs) => fs.file(`${SF}/config.toml`, CLI_TEST_TOML),
    check: (r) => {
      assert.deepEqual(listedNames(r), [
        'full',
        'default',
        'empty',
        'test_connections',
        'private_key_file',
        'private_key_path',
        'no_private_key',
        'jwt',
        'wif',
        'wif_oidc',
      ]);
      assert.deepEqual(codes(r, 'empty'), ['missingAccount']);
      assert.deepEqual(codes(r, 'private_key_file'), ['missingAccount', 'keyFileMissing']);
      assert.equal(r.listed.find((c) => c.name === 'private_key_path')?.authenticator, 'SNOWFLAKE_JWT');
      assert.equal(r.listed.find((c) => c.name === 'default')?.isDefault, true);
    },
  },
  {
    name: 'a plain value under [connections] is listed as an unusable connection',
    source:
      'connector config_manager.py (connections is the dict of every key); snowflake-cli test_connection_list_tolerates_non_table_entry',
    setup: (fs) =>
      fs.file(
        `${SF}/config.toml`,
        '[connections]\nstray = "not-a-table"\n[connections.good]\naccount = "acc"\nuser = "u"\n',
      ),
    check: (r) => {
      assert.deepEqual(listedNames(r), ['stray', 'good']);
      assert.deepEqual(codes(r, 'stray'), ['notATable']);
      assert.deepEqual(codes(r, 'good'), []);
    },
  },
  {
    name: 'default_connection_name at the top of connections.toml is a connection of that name',
    source:
      'connector config_manager.py: connections.toml is read whole into [connections] (ConfigSlice "connections")',
    setup: (fs) =>
      fs.file(`${SF}/connections.toml`, 'default_connection_name = "prod"\n[prod]\naccount = "a"\ntoken = "t"\n'),
    check: (r) => {
      assert.deepEqual(listedNames(r), ['default_connection_name', 'prod']);
      assert.deepEqual(codes(r, 'default_connection_name'), ['defaultNameInConnections']);
      assert.equal(r.defaultName, 'default');
      assert.match(diag(r, 'defaultNotFound')!.message, /known ones are \['default_connection_name', 'prod'\]/);
    },
  },
  {
    name: 'no connections at all: the default cannot be found, known ones are []',
    source: 'connector test/unit/test_connection.py test_missing_default_connection',
    setup: (fs) => fs.dir(SF),
    check: (r) => {
      const d = diag(r, 'defaultNotFound')!;
      assert.equal(d.severity, 'error');
      assert.equal(d.message, "Default connection with name 'default' cannot be found, known ones are [].");
    },
  },
  {
    name: 'config.toml default_connection_name names the missing default',
    source: 'connector test_connection.py test_missing_default_connection_conf_conn_file',
    setup: (fs) =>
      fs
        .file(`${SF}/config.toml`, 'default_connection_name = "xyz"\n')
        .file(`${SF}/connections.toml`, '[con_a]\naccount = "a"\nuser = "u"\npassword = "p"\n'),
    check: (r) =>
      assert.equal(
        diag(r, 'defaultNotFound')!.message,
        "Default connection with name 'xyz' cannot be found, known ones are ['con_a'].",
      ),
  },
  {
    name: 'SNOWFLAKE_HOME="" is the working directory',
    source: 'connector sf_dirs.py: Path(os.environ.get("SNOWFLAKE_HOME", "~/.snowflake/")); Path("") is "."',
    setup: (fs) => fs.file('/home/ada/proj/connections.toml', '[here]\naccount = "a"\ntoken = "t"\n'),
    env: { SNOWFLAKE_HOME: '' },
    host: { cwd: '/home/ada/proj' },
    check: (r) => {
      assert.equal(r.directory, '/home/ada/proj');
      assert.deepEqual(listedNames(r), ['here']);
    },
  },
  {
    name: 'SNOWFLAKE_CONNECTIONS="" means zero connections (files ignored)',
    source: 'connector config_manager.py ConfigOption._get_env: `if env_var is None` (an empty value is set)',
    setup: (fs) => fs.file(`${SF}/connections.toml`, '[a]\naccount = "a"\ntoken = "t"\n'),
    env: { SNOWFLAKE_CONNECTIONS: '' },
    check: (r) => assert.deepEqual(listedNames(r), []),
  },
  {
    name: 'SNOWFLAKE_DEFAULT_CONNECTION_NAME="" means no default',
    source: 'connector config_manager.py (env read before config.toml, empty counts as set)',
    setup: (fs) =>
      fs
        .file(`${SF}/config.toml`, 'default_connection_name = "a"\n')
        .file(`${SF}/connections.toml`, '[a]\naccount = "a"\ntoken = "t"\n'),
    env: { SNOWFLAKE_DEFAULT_CONNECTION_NAME: '' },
    check: (r) => {
      assert.equal(r.defaultName, '');
      assert.equal(r.listed[0]!.isDefault, false);
      assert.match(diag(r, 'defaultNotFound')!.message, /with name '' cannot be found.*there is no default connection/);
    },
  },
  {
    name: 'SNOWFLAKE_HOME that is a regular file is used, holds nothing, and is named as a file',
    source: 'connector sf_dirs.py: `snowflake_home.exists()` is true for a regular file',
    setup: (fs) => fs.file('/opt/sfhome', 'not a directory').file(`${XDG}/connections.toml`, '[x]\naccount = "a"\n'),
    env: { SNOWFLAKE_HOME: '/opt/sfhome' },
    check: (r) => {
      assert.equal(r.directory, '/opt/sfhome');
      assert.deepEqual(listedNames(r), []);
      assert.match(diag(r, 'snowflakeHomeNotDirectory')!.message, /is a regular file, not a directory/);
    },
  },
  {
    name: 'SNOWFLAKE_HOME that is a symlink loop falls back to the platform directory and is named as a loop',
    source: 'connector sf_dirs.py: Path.exists() is false on ELOOP, so platformdirs is used',
    setup: (fs) => {
      fs.file(`${XDG}/connections.toml`, '[x]\naccount = "a"\ntoken = "t"\n');
      fs.loops.add('/opt/loop');
    },
    env: { SNOWFLAKE_HOME: '/opt/loop' },
    check: (r) => {
      assert.equal(r.directory, XDG);
      assert.match(diag(r, 'snowflakeHomeUnusable')!.message, /symbolic link loop/);
    },
  },
  {
    name: 'an unreadable Snowflake directory is an error, not "no problems"',
    source: 'connector config_manager.py read_config: no permission on the parent directory (logged, file skipped)',
    setup: (fs) => {
      fs.file(`${SF}/connections.toml`, '[a]\naccount = "a"\n');
      fs.unsearchable.add(SF);
    },
    check: (r) => {
      assert.equal(diag(r, 'directoryUnreadable')!.fix, `Run: chmod 0700 ${SF}`);
      assert.deepEqual(listedNames(r), []);
    },
  },
  {
    name: 'generic SNOWFLAKE_PASSWORD (and the rest) fill missing keys; connection variables beat generic ones',
    source:
      'snowflake-cli tests/test_connection.py test_connection_details_are_resolved_using_environment_variables, test_source_precedence',
    setup: (fs) => fs.file(`${SF}/connections.toml`, '[test_connections]\nuser = "python"\n'),
    env: {
      SNOWFLAKE_PASSWORD: 'dummy',
      SNOWFLAKE_CONNECTIONS_TEST_CONNECTIONS_ACCOUNT: 'account_from_connection_env',
      SNOWFLAKE_ACCOUNT: 'account_from_global_env',
      SNOWFLAKE_ROLE: 'role_from_global_env',
      SNOWFLAKE_SECONDARY_ROLES: 'ALL',
    },
    check: (r) => {
      const p = r.listed[0]!.params;
      assert.equal(p.password, 'dummy');
      assert.equal(p.account, 'account_from_connection_env');
      assert.equal(p.role, 'role_from_global_env');
      assert.equal(p.secondary_roles, 'ALL');
      assert.equal(p.user, 'python');
    },
  },
  {
    name: 'the legacy key oatuh_enable_pkce is read as oauth_enable_pkce',
    source: 'snowflake-cli src/snowflake/cli/api/config.py LEGACY_CONNECTION_SETTING_ALIASES',
    setup: (fs) =>
      fs.file(
        `${SF}/connections.toml`,
        '[a]\naccount = "a"\nauthenticator = "oauth_authorization_code"\noatuh_enable_pkce = true\n',
      ),
    check: (r) => {
      assert.equal(r.listed[0]!.params.oauth_enable_pkce, true);
      assert.equal(r.diagnostics.filter((d) => d.message.includes('unknown key')).length, 0);
    },
  },
  {
    name: 'a variable for a name that only starts like a connection does not reach it',
    source: 'snowflake-cli tests/test_connection.py test_connection_list_does_not_print_too_many_env_variables',
    setup: (fs) => fs.file(`${SF}/connections.toml`, '[empty]\naccount = "a"\n'),
    env: { SNOWFLAKE_CONNECTIONS_EMPTYABC_PASSWORD: 'abc123' },
    check: (r) => assert.equal(r.listed[0]!.params.abc_password, undefined),
  },
  {
    name: 'an Okta URL of any host is an authenticator, as the connector takes any https:// value',
    source: 'connector connection.py __config: `auth_tmp.startswith("HTTPS://")`',
    setup: (fs) =>
      fs.file(
        `${SF}/connections.toml`,
        '[sso]\naccount = "a"\nuser = "u"\nauthenticator = "https://sso.example.com/app"\n',
      ),
    check: (r) => assert.equal(r.listed[0]!.authenticator, 'OKTA'),
  },
];

// connector config_manager.py _should_skip_warning_for_read_permissions_on_config_file; the cases of
// test/unit/test_configmanager.py TestShouldSkipWarningForReadPermissions, seen through a 0644 connections.toml.
const skipCases: [Record<string, string>, boolean, boolean][] = [
  [{}, false, false],
  [{ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'true' }, true, false],
  [{ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'false' }, false, false],
  [{ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'TrUe' }, true, false],
  [{ SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE: 'true' }, true, true],
  [{ SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE: 'false' }, false, true],
  [
    {
      SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'true',
      SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE: 'false',
    },
    true,
    false,
  ],
  [
    {
      SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'false',
      SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE: 'true',
    },
    false,
    false,
  ],
  [{ SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'true' }, true, false],
  // `value.lower() == "true"`: no trimming, no "1".
  [{ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: ' true' }, false, false],
  [{ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: '1' }, false, false],
];

// snowflake-cli api/config_ng/masking.py and tests/test_connection.py test_mask_sensitive_parameters_masks_all_known_sensitive_keys,
// plus the unknown keys of issue reports (private_key_pwd, private_key_password, pat, client_secret).
const secretKeys = [
  'password',
  'oauth_client_secret',
  'token',
  'session_token',
  'master_token',
  'private_key_passphrase',
  'private_key_file_pwd',
  'mfa_passcode',
  'private_key_pwd',
  'private_key_password',
  'pat',
  'client_secret',
  'private_key_raw',
  'api_key',
  'my_pw',
];
const plainKeys = [
  'warehouse',
  'private_key_file',
  'private_key_path',
  'token_file_path',
  'user',
  'authenticator',
  'path',
];

describe('client parity: connection files as the Python connector and the Snowflake CLI read them', () => {
  for (const c of cases) {
    it(`${c.name} [${c.source}]`, async () => {
      const fs = new MemoryFs();
      c.setup(fs);
      c.check(await resolveConnections(hostOf(fs, c.env ?? {}, c.host ?? {})));
    });
  }

  for (const [env, skipped, deprecation] of skipCases) {
    it(`skip variables ${JSON.stringify(env)}: warning ${skipped ? 'skipped' : 'shown'}${deprecation ? ', deprecation warned' : ''}`, async () => {
      const fs = new MemoryFs().file(`${SF}/connections.toml`, '[a]\naccount = "a"\ntoken = "t"\n', { mode: 0o644 });
      const r = await resolveConnections(hostOf(fs, env));
      const warned = r.diagnostics.some((d) => d.code === 'fileReadableByOthers' && d.severity === 'warning');
      assert.equal(warned, !skipped);
      assert.equal(
        r.diagnostics.some((d) => d.code === 'deprecatedSkipVariable'),
        deprecation,
      );
    });
  }

  it('the read warning says that the Snowflake CLI refuses such a file (config.py _check_default_config_files_permissions)', async () => {
    const fs = new MemoryFs().file(`${SF}/connections.toml`, '[a]\naccount = "a"\ntoken = "t"\n', { mode: 0o640 });
    const r = await resolveConnections(hostOf(fs));
    const d = r.diagnostics.find((x) => x.code === 'fileReadableByOthers')!;
    assert.match(d.message, /the Snowflake CLI \(snow\) refuses it/);
    assert.equal(d.fix, `Run: chmod 0600 ${SF}/connections.toml`);
    assert.deepEqual(listedNames(r), ['a']);
  });

  it('secret-looking keys are masked, path keys and plain keys are not', () => {
    for (const k of secretKeys) assert.equal(isSecretKey(k), true, k);
    for (const k of plainKeys) assert.equal(isSecretKey(k), false, k);
  });

  it("a TOML mistake is told in the user's terms: line, column, what was expected", async () => {
    const fs = new MemoryFs().file(`${SF}/connections.toml`, '[a]\nfoo\n');
    const r = await resolveConnections(hostOf(fs));
    const d = r.diagnostics.find((x) => x.code === 'tomlSyntax')!;
    assert.match(d.message, /at line 2, column \d: expected `=` and a value after the key/);
    assert.doesNotMatch(d.message, /incomplete key-value/);
  });
});
