// Every connection-resolution rule of PROTOCOLS §1–§2, table-driven over an in-memory file system.
import assert from 'node:assert/strict';
import { resolveConnections } from '../../../src/core/connections/resolveConnections';
import type { HostEnvironment, ResolvedConnections } from '../../../src/core/auth/types';
import { HOME, MemoryFs, hostOf } from './memoryFs';

const SF = `${HOME}/.snowflake`;
const XDG = `${HOME}/.config/snowflake`;
const KEY = `${HOME}/keys/rsa_key.p8`;

interface Case {
  readonly name: string;
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly host?: Partial<HostEnvironment>;
  readonly setup?: (fs: MemoryFs) => void;
  readonly check: (r: ResolvedConnections) => void;
}

const names = (r: ResolvedConnections): string[] => r.connections.map((c) => c.name);
const conn = (r: ResolvedConnections, name: string) => {
  const c = r.connections.find((x) => x.name === name);
  assert.ok(
    c,
    `connection ${name} missing; have ${names(r).join(',')}; diagnostics: ${r.diagnostics.map((d) => d.message).join(' | ')}`,
  );
  return c;
};
const messages = (r: ResolvedConnections, severity?: string): string[] =>
  r.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.message);
const has = (r: ResolvedConnections, severity: string, text: string): void => {
  assert.ok(
    messages(r, severity).some((m) => m.includes(text)),
    `no ${severity} containing "${text}" in: ${messages(r).join(' | ')}`,
  );
};

const BASIC = '[a]\naccount = "acct"\nuser = "u"\ntoken = "t"\nauthenticator = "oauth"\n';

const directoryCases: Case[] = [
  {
    name: '1.1 SNOWFLAKE_HOME that exists is the directory',
    files: { '/opt/sf/connections.toml': BASIC, [`${SF}/connections.toml`]: '[other]\naccount="x"\n' },
    env: { SNOWFLAKE_HOME: '/opt/sf' },
    check: (r) => {
      assert.equal(r.directory, '/opt/sf');
      assert.deepEqual(names(r), ['a']);
      has(r, 'info', `${SF}/connections.toml is not used because SNOWFLAKE_HOME is set, so ~/.snowflake is never read`);
    },
  },
  {
    name: '1.1 SNOWFLAKE_HOME set but missing skips ~/.snowflake and uses the platform directory',
    files: { [`${SF}/connections.toml`]: '[dot]\naccount="x"\ntoken="t"\n', [`${XDG}/connections.toml`]: BASIC },
    env: { SNOWFLAKE_HOME: '/nowhere' },
    check: (r) => {
      assert.equal(r.directory, XDG);
      assert.deepEqual(names(r), ['a']);
      has(r, 'info', `${SF}/connections.toml is not used`);
    },
  },
  {
    name: '1.1 ~/.snowflake comes before the platform directory',
    files: { [`${SF}/connections.toml`]: BASIC, [`${XDG}/connections.toml`]: '[xdg]\naccount="x"\n' },
    check: (r) => {
      assert.equal(r.directory, SF);
      has(r, 'info', `${XDG}/connections.toml is not used because ${SF} comes first`);
    },
  },
  {
    name: '1.1 ~ in SNOWFLAKE_HOME is expanded',
    files: { [`${HOME}/sf/connections.toml`]: BASIC },
    env: { SNOWFLAKE_HOME: '~/sf' },
    check: (r) => assert.equal(r.directory, `${HOME}/sf`),
  },
  {
    name: '1.1 XDG_CONFIG_HOME on Linux',
    files: { '/xdg/snowflake/connections.toml': BASIC },
    env: { XDG_CONFIG_HOME: '/xdg' },
    check: (r) => assert.equal(r.directory, '/xdg/snowflake'),
  },
  {
    name: '1.1 macOS platform directory',
    files: { [`${HOME}/Library/Application Support/snowflake/connections.toml`]: BASIC },
    host: { platform: 'darwin' },
    check: (r) => {
      assert.equal(r.directory, `${HOME}/Library/Application Support/snowflake`);
      assert.deepEqual(names(r), ['a']);
    },
  },
  {
    name: '1.1 Windows uses %LOCALAPPDATA%\\snowflake and checks no permissions',
    host: { platform: 'win32', homedir: 'C:\\Users\\ada' },
    env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
    check: (r) => assert.equal(r.directory, 'C:\\Users\\ada\\AppData\\Local\\snowflake'),
  },
];

const fileCases: Case[] = [
  {
    name: '1.2 connections.toml replaces config.toml [connections] entirely',
    files: {
      [`${SF}/connections.toml`]: BASIC,
      [`${SF}/config.toml`]: '[connections.old]\naccount = "x"\ntoken="t"\n',
    },
    check: (r) => {
      assert.deepEqual(names(r), ['a']);
      assert.equal(conn(r, 'a').source, 'connections.toml');
      has(
        r,
        'info',
        `The [connections] of ${SF}/config.toml are not used because ${SF}/connections.toml exists and replaces them`,
      );
    },
  },
  {
    name: '1.2 an empty connections.toml still replaces config.toml [connections]',
    files: {
      [`${SF}/connections.toml`]: '# nothing yet\n',
      [`${SF}/config.toml`]: '[connections.old]\naccount = "x"\ntoken="t"\n',
    },
    check: (r) => assert.deepEqual(names(r), []),
  },
  {
    name: '1.2 config.toml [connections.x] when there is no connections.toml',
    files: {
      [`${SF}/config.toml`]: 'default_connection_name = "dev"\n[connections.dev]\naccount = "x"\ntoken = "t"\n',
    },
    check: (r) => {
      const c = conn(r, 'dev');
      assert.equal(c.source, 'config.toml');
      assert.equal(c.file, `${SF}/config.toml`);
      assert.equal(c.isDefault, true);
    },
  },
  {
    name: '1.2 default_connection_name inside [connections] does nothing and is pointed out',
    files: {
      [`${SF}/config.toml`]:
        '[connections]\ndefault_connection_name = "dev"\n[connections.dev]\naccount = "x"\ntoken="t"\n',
    },
    check: (r) => {
      assert.equal(r.defaultName, 'default');
      assert.equal(conn(r, 'dev').isDefault, false);
      // Connector: [connections] is a dict, so the key is one more "connection" (config_manager.py).
      has(
        r,
        'error',
        `default_connection_name in [connections] of ${SF}/config.toml does nothing as a setting: the Python connector reads it as a connection named 'default_connection_name'`,
      );
      assert.deepEqual(
        r.listed.map((c) => c.name),
        ['default_connection_name', 'dev'],
      );
    },
  },
  {
    name: '1.3 SNOWFLAKE_DEFAULT_CONNECTION_NAME beats config.toml',
    files: {
      [`${SF}/connections.toml`]: `${BASIC}[b]\naccount="y"\ntoken="t"\n`,
      [`${SF}/config.toml`]: 'default_connection_name = "a"\n',
    },
    env: { SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'b' },
    check: (r) => {
      assert.equal(r.defaultName, 'b');
      assert.equal(conn(r, 'b').isDefault, true);
      assert.equal(conn(r, 'a').isDefault, false);
    },
  },
  {
    name: '1.3 a missing default is named with the known ones',
    files: { [`${SF}/connections.toml`]: `${BASIC}[b]\naccount="y"\ntoken="t"\n` },
    check: (r) => {
      assert.equal(r.defaultName, 'default');
      has(r, 'error', "Default connection with name 'default' cannot be found, known ones are ['a', 'b'].");
    },
  },
  {
    name: '1.4 SNOWFLAKE_CONNECTIONS replaces every file connection',
    files: { [`${SF}/connections.toml`]: BASIC },
    env: { SNOWFLAKE_CONNECTIONS: '[envconn]\naccount = "e"\ntoken = "t"\n' },
    check: (r) => {
      assert.deepEqual(names(r), ['envconn']);
      assert.equal(conn(r, 'envconn').source, 'environment');
      assert.equal(conn(r, 'envconn').file, undefined);
    },
  },
  {
    name: '1.4 SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> beats the file; generic SNOWFLAKE_<KEY> only fills gaps',
    files: { [`${SF}/connections.toml`]: '[prod]\naccount = "file_acct"\nuser = "file_user"\ntoken = "t"\n' },
    env: {
      SNOWFLAKE_CONNECTIONS_PROD_USER: 'env_user',
      SNOWFLAKE_USER: 'generic_user',
      SNOWFLAKE_ACCOUNT: 'generic_acct',
      SNOWFLAKE_WAREHOUSE: 'WH',
    },
    check: (r) => {
      const c = conn(r, 'prod');
      assert.equal(c.user, 'env_user');
      assert.equal(c.account, 'file_acct');
      assert.equal(c.warehouse, 'WH');
    },
  },
  {
    name: '1.4 the longest connection name wins an ambiguous variable',
    files: { [`${SF}/connections.toml`]: '[my]\naccount = "a1"\ntoken="t"\n[my_conn]\naccount = "a2"\ntoken="t"\n' },
    env: { SNOWFLAKE_CONNECTIONS_MY_CONN_ROLE: 'R' },
    check: (r) => {
      assert.equal(conn(r, 'my_conn').role, 'R');
      assert.equal(conn(r, 'my').role, undefined);
      assert.equal(conn(r, 'my').params.conn_role, undefined);
    },
  },
  {
    name: '1.4 a name with a dash cannot be targeted by a variable',
    files: { [`${SF}/connections.toml`]: '[my-conn]\naccount = "a1"\ntoken="t"\n' },
    env: { SNOWFLAKE_CONNECTIONS_MY_CONN_ROLE: 'R' },
    check: (r) => assert.equal(conn(r, 'my-conn').role, undefined),
  },
  {
    name: '1.4 a variable names the connection in upper case, whatever case the name has',
    files: { [`${SF}/connections.toml`]: '[Prod]\naccount = "a1"\ntoken="t"\n[dev]\naccount = "a2"\ntoken="t"\n' },
    env: { SNOWFLAKE_CONNECTIONS_PROD_ROLE: 'R', SNOWFLAKE_CONNECTIONS_dev_ROLE: 'D' },
    check: (r) => {
      assert.equal(conn(r, 'Prod').role, 'R');
      assert.equal(conn(r, 'dev').role, undefined);
    },
  },
  {
    name: '1.4 private_key_path is an alias of private_key_file; both set: private_key_file wins',
    files: {
      [`${SF}/connections.toml`]: `[k]\naccount = "a"\nuser = "u"\nprivate_key_path = "/p"\n[both]\naccount = "a"\nuser="u"\nprivate_key_file = "/f"\nprivate_key_path = "/p"\n`,
    },
    check: (r) => {
      assert.equal(conn(r, 'k').params.private_key_file, '/p');
      assert.equal(conn(r, 'k').params.private_key_path, undefined);
      assert.equal(conn(r, 'both').params.private_key_file, '/f');
      has(
        r,
        'warning',
        "Connection 'both': both private_key_file and its alias private_key_path are set; private_key_file is used.",
      );
    },
  },
  {
    name: '1.4 keys are lower-cased',
    files: { [`${SF}/connections.toml`]: '[a]\nACCOUNT = "acct"\nToken = "t"\n' },
    check: (r) => assert.equal(conn(r, 'a').params.token, 't'),
  },
];

const authenticatorCases: Case[] = [
  {
    name: '1.5 authenticators are case-insensitive',
    files: {
      [`${SF}/connections.toml`]:
        '[a]\naccount="x"\nauthenticator="Programmatic_Access_Token"\n[b]\naccount="x"\nauthenticator="oauth"\ntoken="t"\n',
    },
    check: (r) => {
      assert.equal(conn(r, 'a').authenticator, 'PROGRAMMATIC_ACCESS_TOKEN');
      assert.equal(conn(r, 'b').authenticator, 'OAUTH');
    },
  },
  {
    name: '1.5 an Okta URL is an authenticator',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="x"\nuser="u"\nauthenticator="https://acme.okta.com"\n' },
    check: (r) => assert.equal(conn(r, 'a').authenticator, 'OKTA'),
  },
  {
    name: '1.5 an unknown authenticator is an error: the connection is listed but cannot be used',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="x"\nauthenticator="kerberos"\n[b]\naccount="x"\ntoken="t"\n' },
    check: (r) => {
      assert.deepEqual(names(r), ['b']);
      has(r, 'error', "Connection 'a': authenticator 'kerberos' is not one Snowflake knows");
      assert.deepEqual(
        r.listed.map((c) => [c.name, c.errors.map((e) => e.code)]),
        [
          ['a', ['unknownAuthenticator']],
          ['b', []],
        ],
      );
    },
  },
  {
    name: '1.5 private_key_file forces SNOWFLAKE_JWT (with a warning when another was written)',
    files: {
      [`${SF}/connections.toml`]: `[a]\naccount="x"\nuser="u"\nprivate_key_file="${KEY}"\n[b]\naccount="x"\nuser="u"\nauthenticator="oauth"\nprivate_key_file="${KEY}"\n`,
      [KEY]: 'k',
    },
    check: (r) => {
      assert.equal(conn(r, 'a').authenticator, 'SNOWFLAKE_JWT');
      assert.equal(conn(r, 'b').authenticator, 'SNOWFLAKE_JWT');
      has(
        r,
        'warning',
        "Connection 'b': a private key is set, so it signs in with a key pair (SNOWFLAKE_JWT), not oauth.",
      );
    },
  },
  {
    name: '1.5 a token without authenticator is OAuth; nothing at all is SNOWFLAKE (password)',
    files: { [`${SF}/connections.toml`]: '[t]\naccount="x"\ntoken="t"\n[p]\naccount="x"\nuser="u"\n' },
    check: (r) => {
      assert.equal(conn(r, 't').authenticator, 'OAUTH');
      assert.equal(conn(r, 'p').authenticator, 'SNOWFLAKE');
    },
  },
  {
    name: '1.5 unknown keys are warnings, not errors',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="x"\ntoken="t"\nwarehose="WH"\n' },
    check: (r) => {
      assert.deepEqual(names(r), ['a']);
      has(r, 'warning', "Connection 'a': unknown key 'warehose' is ignored.");
    },
  },
  {
    name: '1.5 a token_file_path that does not exist is reported',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="x"\nauthenticator="oauth"\ntoken_file_path="/run/tok"\n' },
    check: (r) => has(r, 'error', "Connection 'a': the token file /run/tok (token_file_path) does not exist."),
  },
];

const permissionCases: Case[] = [
  {
    name: '1.6 a connections file writable by others is not used',
    setup: (fs) => fs.file(`${SF}/connections.toml`, BASIC, { mode: 0o666 }),
    check: (r) => {
      assert.deepEqual(names(r), []);
      has(
        r,
        'error',
        `The connections file ${SF}/connections.toml is writable by group or others (mode 0666), so it is not used`,
      );
    },
  },
  {
    name: '1.6 readable by others is a warning with a chmod hint',
    setup: (fs) => fs.file(`${SF}/connections.toml`, BASIC, { mode: 0o644 }),
    check: (r) => {
      assert.deepEqual(names(r), ['a']);
      const d = r.diagnostics.find(
        (x) => x.severity === 'warning' && x.message.includes('readable by group or others'),
      );
      assert.equal(d?.fix, `Run: chmod 0600 ${SF}/connections.toml`);
    },
  },
  ...[
    'SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
    'SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
    'SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE',
  ].map((v): Case => ({
    name: `1.6 ${v}=true skips the read warning`,
    setup: (fs) => fs.file(`${SF}/connections.toml`, BASIC, { mode: 0o644 }),
    env: { [v]: 'true' },
    check: (r) =>
      assert.deepEqual(
        messages(r, 'warning').filter((m) => m.includes('readable')),
        [],
      ),
  })),
  {
    name: '1.6 owned by another user is a warning',
    setup: (fs) => fs.file(`${SF}/connections.toml`, BASIC, { uid: 4242 }),
    check: (r) => has(r, 'warning', 'is owned by another user (uid 4242)'),
  },
  {
    // config_manager.py read_config: `st_uid != 0 and st_uid != os.getuid()`; a root-owned file draws no warning.
    name: '1.6 owned by root is not a warning (connector)',
    setup: (fs) => fs.file(`${SF}/connections.toml`, BASIC, { uid: 0 }),
    check: (r) =>
      assert.deepEqual(
        messages(r, 'warning').filter((m) => m.includes('owned by')),
        [],
      ),
  },
];

const accountCases: Case[] = [
  {
    name: '2 host from the full account, region kept; JWT account noted',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="xy12345.ap-southeast-2"\ntoken="t"\n' },
    check: (r) => {
      assert.equal(conn(r, 'a').baseUrl, 'https://xy12345.ap-southeast-2.snowflakecomputing.com');
      has(r, 'info', 'key-pair JWTs name the account XY12345');
    },
  },
  {
    name: '2 host/port/protocol honoured',
    files: {
      [`${SF}/connections.toml`]:
        '[a]\naccount="acct"\ntoken="t"\nhost="acct.privatelink.snowflakecomputing.com"\n[b]\naccount="acct"\ntoken="t"\nhost="127.0.0.1"\nport=8080\nprotocol="http"\n',
    },
    check: (r) => {
      assert.equal(conn(r, 'a').baseUrl, 'https://acct.privatelink.snowflakecomputing.com');
      assert.equal(conn(r, 'b').baseUrl, 'http://127.0.0.1:8080');
    },
  },
  {
    name: '2 an account pasted as a URL is cleaned, with a warning',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="https://myorg-acct.snowflakecomputing.com"\ntoken="t"\n' },
    check: (r) => {
      assert.equal(conn(r, 'a').account, 'myorg-acct');
      has(r, 'warning', "account 'https://myorg-acct.snowflakecomputing.com' looks like a URL; using 'myorg-acct'.");
    },
  },
  {
    name: '2 an org-account with a region is pointed out',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="myorg-acct.us-east-1"\ntoken="t"\n' },
    check: (r) =>
      has(r, 'warning', "account 'myorg-acct.us-east-1' mixes the org-account form with a region (us-east-1)"),
  },
  {
    name: '2 an invalid account is an error',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="my acct"\ntoken="t"\n' },
    check: (r) => {
      assert.deepEqual(names(r), []);
      has(
        r,
        'error',
        "Connection 'a': account 'my acct' is not valid: 'my acct' may hold only letters, digits, '_' and '-'.",
      );
    },
  },
  {
    name: '2 no account is an error; an account is taken from a Snowflake host',
    files: {
      [`${SF}/connections.toml`]:
        '[none]\ntoken="t"\n[fromhost]\nhost="xy1.eu-west-1.snowflakecomputing.com"\ntoken="t"\n',
    },
    check: (r) => {
      has(r, 'error', "Connection 'none' has no account");
      assert.equal(conn(r, 'fromhost').account, 'xy1.eu-west-1');
    },
  },
  {
    name: '2 the legacy region parameter is appended to a bare locator',
    files: { [`${SF}/connections.toml`]: '[a]\naccount="xy1"\nregion="eu-west-1"\ntoken="t"\n' },
    check: (r) => assert.equal(conn(r, 'a').baseUrl, 'https://xy1.eu-west-1.snowflakecomputing.com'),
  },
];

const workbenchCases: Case[] = [
  {
    name: '1.7 a SNOWFLAKE_HOME under posit-workbench is Workbench-managed',
    files: {
      '/var/lib/posit-workbench/u/snowflake/connections.toml':
        '[workbench]\naccount = "acct"\ntoken = "wb"\nauthenticator = "oauth"\n',
    },
    env: { SNOWFLAKE_HOME: '/var/lib/posit-workbench/u/snowflake', SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'workbench' },
    check: (r) => {
      const c = conn(r, 'workbench');
      assert.equal(c.source, 'workbench');
      assert.equal(c.isDefault, true);
      assert.equal(c.authenticator, 'OAUTH');
      assert.equal(r.connections[0]?.name, 'workbench');
    },
  },
  {
    name: "1.7 in a Workbench session the user's own connections follow the Workbench ones, and are written to there",
    files: {
      '/var/lib/posit-workbench/u/snowflake/connections.toml':
        '[workbench]\naccount = "acct"\ntoken = "wb"\nauthenticator = "oauth"\n',
      [`${SF}/connections.toml`]:
        '[mine]\naccount = "acct"\ntoken = "t"\n[workbench]\naccount = "other"\ntoken = "t2"\n',
    },
    env: { SNOWFLAKE_HOME: '/var/lib/posit-workbench/u/snowflake', SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'workbench' },
    check: (r) => {
      assert.deepEqual(names(r), ['workbench', 'mine']);
      assert.equal(conn(r, 'workbench').source, 'workbench');
      assert.equal(conn(r, 'workbench').account, 'acct', 'the Workbench-managed connection wins a name clash');
      assert.equal(conn(r, 'mine').source, 'connections.toml');
      assert.equal(conn(r, 'mine').isDefault, false);
      assert.equal(r.directory, '/var/lib/posit-workbench/u/snowflake');
      assert.equal(r.userDirectory, SF);
      has(r, 'info', 'see only the Workbench-managed ones');
      has(r, 'warning', 'has the name of a Posit Workbench-managed connection, which wins');
      assert.ok(!messages(r).some((m) => m.includes('is not used because')), 'the own file is not reported as unused');
    },
  },
  {
    name: 'no file, SNOWFLAKE_ACCOUNT set: a connection made from the environment (SPCS token file)',
    files: { '/snowflake/session/token': 'spcs' },
    env: { SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_HOST: 'acct.snowflakecomputing.com' },
    check: (r) => {
      const c = conn(r, 'default');
      assert.equal(c.source, 'environment');
      assert.equal(c.authenticator, 'OAUTH');
    },
  },
  {
    name: 'SNOWFLAKE_ACCOUNT alone (no credential, no SPCS token) makes no connection',
    env: { SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'workbench' },
    check: (r) => assert.deepEqual(names(r), []),
  },
  {
    name: 'SNOWFLAKE_ACCOUNT with SNOWFLAKE_PRIVATE_KEY_FILE makes a key-pair connection from the environment',
    env: { SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_USER: 'u', SNOWFLAKE_PRIVATE_KEY_FILE: KEY },
    check: (r) => {
      assert.equal(conn(r, 'default').authenticator, 'SNOWFLAKE_JWT');
      assert.equal(conn(r, 'default').isDefault, true);
    },
  },
];

const malformedCases: Case[] = [
  {
    name: 'malformed TOML names the file and line, and its connections are not used',
    files: { [`${SF}/connections.toml`]: '[a]\naccount = "x"\ntoken = "secret-token-value\n' },
    check: (r) => {
      assert.deepEqual(names(r), []);
      has(r, 'error', `${SF}/connections.toml is not valid TOML at line 3`);
      assert.ok(!messages(r).join(' ').includes('secret-token-value'));
    },
  },
];

describe('resolveConnections', () => {
  for (const group of [
    directoryCases,
    fileCases,
    authenticatorCases,
    permissionCases,
    accountCases,
    workbenchCases,
    malformedCases,
  ]) {
    for (const c of group) {
      it(c.name, async () => {
        const fs = new MemoryFs(c.files ?? {});
        c.setup?.(fs);
        const before = fs.snapshot();
        const r = await resolveConnections(hostOf(fs, c.env ?? {}, c.host ?? {}));
        c.check(r);
        assert.equal(fs.snapshot(), before, 'resolution must not change any file');
      });
    }
  }

  it('is a pure function: same input, same output', async () => {
    const fs = new MemoryFs({
      [`${SF}/connections.toml`]: BASIC,
      [`${SF}/config.toml`]: 'default_connection_name = "a"\n',
    });
    const host = hostOf(fs, { SNOWFLAKE_CONNECTIONS_A_ROLE: 'R' });
    assert.deepEqual(await resolveConnections(host), await resolveConnections(host));
  });
});
