// Editing a user's connections.toml / config.toml: their text and comments survive, the result parses as meant,
// bad input is refused with a message that names the problem, and writes are atomic and 0600.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  appendConnection,
  editTomlFile,
  formatTomlKey,
  parseTomlText,
  setTableKey,
  setTopLevelKey,
  validateConnectionName,
} from '../../../src/core/connections/edit/connectionsFileEditor';
import { scanTomlStatements } from '../../../src/core/connections/edit/tomlStatements';
import { SnowflakeExtError } from '../../../src/core/shared/errors';

const USER_FILE = `# My Snowflake connections — do not lose this comment
[prod]   # production, read-only
account = "myorg-prod"
user    = "ALICE"          # my user
authenticator = 'SNOWFLAKE_JWT'
private_key_file = "~/.ssh/snowflake.p8"

# a tricky one
["eu analytics"]
account = "myorg-eu"
tags = [
  "a", # inline comment
  [1, 2],
]
note = """
[not-a-table]
role = "fake"
"""
`;

function throwsExt(fn: () => unknown, kind: string, re: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SnowflakeExtError, `expected SnowflakeExtError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, re);
    return true;
  });
}

/** smol-toml, the parser the auth service reads these files with. */
const parse = (text: string): Record<string, unknown> => parseTomlText(text, 'test.toml');

describe('connectionsFileEditor: appendConnection', () => {
  it('appends one table and keeps every byte of the user text, comments included', () => {
    const out = appendConnection(USER_FILE, 'dev', {
      account: 'myorg-dev',
      user: 'BOB',
      authenticator: 'SNOWFLAKE_JWT',
      private_key_file: '/home/bob/k.p8',
      role: undefined,
      warehouse: '',
    });
    assert.ok(out.startsWith(USER_FILE));
    assert.equal(
      out.slice(USER_FILE.length),
      '\n[dev]\naccount = "myorg-dev"\nuser = "BOB"\nauthenticator = "SNOWFLAKE_JWT"\nprivate_key_file = "/home/bob/k.p8"\n',
    );
    const doc = parse(out) as Record<string, Record<string, unknown>>;
    assert.deepEqual(
      { ...doc.dev },
      { account: 'myorg-dev', user: 'BOB', authenticator: 'SNOWFLAKE_JWT', private_key_file: '/home/bob/k.p8' },
    );
    assert.equal(doc.prod?.user, 'ALICE');
  });

  it('starts an empty file without a leading blank line', () => {
    assert.equal(appendConnection('', 'a', { account: 'x' }), '[a]\naccount = "x"\n');
  });

  it('adds the missing final newline and a blank line after a file that lacks one', () => {
    const text = '[a]\naccount = "x" # no newline at end';
    assert.equal(appendConnection(text, 'b', { account: 'y' }), `${text}\n\n[b]\naccount = "y"\n`);
  });

  it('does not stack blank lines when the file already ends with one', () => {
    assert.equal(
      appendConnection('[a]\naccount = "x"\n\n', 'b', { account: 'y' }),
      '[a]\naccount = "x"\n\n[b]\naccount = "y"\n',
    );
  });

  it('keeps Windows line endings in a CRLF file', () => {
    const text = '# c\r\n[a]\r\naccount = "x"\r\n';
    assert.equal(appendConnection(text, 'b', { account: 'y' }), `${text}\r\n[b]\r\naccount = "y"\r\n`);
  });

  it('quotes names that are not bare keys and escapes values so they read back exactly', () => {
    const name = 'team "blue".prod';
    const keyFile = 'C:\\Users\\me\\keys\\rsa "new".p8';
    const out = appendConnection('', name, {
      account: 'a',
      private_key_file: keyFile,
      port: 8443,
      insecure_mode: false,
    });
    assert.match(out, /^\["team \\"blue\\".prod"\]\n/);
    const doc = parse(out) as Record<string, Record<string, unknown>>;
    assert.deepEqual({ ...doc[name] }, { account: 'a', private_key_file: keyFile, port: 8443, insecure_mode: false });
    assert.equal(formatTomlKey('my_conn-1'), 'my_conn-1');
    assert.equal(formatTomlKey('my.conn'), '"my.conn"');
  });

  it('refuses a name that already exists, even written quoted, and leaves the text alone', () => {
    throwsExt(
      () => appendConnection(USER_FILE, 'prod', { account: 'x' }),
      'config',
      /A connection named "prod" already exists in connections\.toml\. Nothing was changed\./,
    );
    throwsExt(
      () => appendConnection(USER_FILE, 'eu analytics', { account: 'x' }),
      'config',
      /"eu analytics" already exists/,
    );
  });

  it('refuses a name that differs only in case, because environment overrides upper-case names', () => {
    throwsExt(
      () => appendConnection(USER_FILE, 'PROD', { account: 'x' }),
      'config',
      /"prod" already exists \(the names differ only in case\)/,
    );
  });

  it('refuses to touch a file that is not valid TOML and names the line', () => {
    throwsExt(
      () =>
        appendConnection(
          '[a]\naccount = "x"\nuser = \n',
          'b',
          { account: 'y' },
          { file: '/h/.snowflake/connections.toml' },
        ),
      'config',
      /^\/h\/\.snowflake\/connections\.toml is not valid TOML at line 3.*left unchanged/,
    );
  });

  it('appends [connections.<name>] to config.toml, after its other tables', () => {
    const config =
      'default_connection_name = "prod"\n\n[connections.prod]\naccount = "p"\n\n[cli.logs]\nsave_logs = true\n';
    const out = appendConnection(
      config,
      'dev',
      { account: 'd' },
      { tablePrefix: ['connections'], file: 'config.toml' },
    );
    assert.ok(out.startsWith(config));
    assert.ok(out.endsWith('\n[connections.dev]\naccount = "d"\n'));
    const doc = parse(out) as { connections: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc.connections), ['prod', 'dev']);
    throwsExt(
      () => appendConnection(config, 'prod', { account: 'x' }, { tablePrefix: ['connections'], file: 'config.toml' }),
      'config',
      /already exists in config\.toml/,
    );
  });

  it('refuses config.toml whose connections are an inline table (a new table would break it)', () => {
    throwsExt(
      () =>
        appendConnection(
          'connections = { a = { account = "x" } }\n',
          'b',
          { account: 'y' },
          { tablePrefix: ['connections'], file: 'config.toml' },
        ),
      'internal',
      /Could not edit config\.toml safely.*left unchanged/,
    );
  });

  const badNames: [string, RegExp][] = [
    ['', /needs a name/],
    ['   ', /needs a name/],
    [' prod', /starts or ends with spaces/],
    ['pro\nd', /control character/],
    ['x'.repeat(201), /longer than 200/],
  ];
  for (const [name, re] of badNames) {
    it(`refuses the name ${JSON.stringify(name.slice(0, 12))}`, () => {
      throwsExt(() => validateConnectionName(name), 'config', re);
      throwsExt(() => appendConnection('', name, { account: 'x' }), 'config', re);
    });
  }
});

describe('connectionsFileEditor: setTableKey', () => {
  it('rewrites only the value, keeping spacing and the trailing comment', () => {
    const out = setTableKey(USER_FILE, ['prod'], 'user', 'BOB');
    assert.equal(out, USER_FILE.replace('user    = "ALICE"          # my user', 'user    = "BOB"          # my user'));
  });

  it("adds a missing key after the table's last key, before the blank line and the next table's comment", () => {
    const out = setTableKey(USER_FILE, ['prod'], 'role', 'ANALYST');
    assert.equal(
      out,
      USER_FILE.replace(
        'private_key_file = "~/.ssh/snowflake.p8"\n',
        'private_key_file = "~/.ssh/snowflake.p8"\nrole = "ANALYST"\n',
      ),
    );
  });

  it('finds a quoted table name and is not fooled by brackets inside arrays and multi-line strings', () => {
    const out = setTableKey(USER_FILE, ['eu analytics'], 'role', 'EU_ROLE');
    const doc = parse(out) as Record<string, Record<string, unknown>>;
    assert.equal(doc['eu analytics']?.role, 'EU_ROLE');
    assert.equal(doc['eu analytics']?.note, '[not-a-table]\nrole = "fake"\n');
    assert.ok(out.endsWith('"""\nrole = "EU_ROLE"\n'));
  });

  it('removes a key by deleting just its line', () => {
    const out = setTableKey(USER_FILE, ['prod'], 'authenticator', undefined);
    assert.equal(out, USER_FILE.replace("authenticator = 'SNOWFLAKE_JWT'\n", ''));
  });

  it('patches [connections.<name>] in config.toml', () => {
    const config = '[connections.prod]\naccount = "p"\n[connections.dev]\naccount = "d"\n';
    assert.equal(
      setTableKey(config, ['connections', 'dev'], 'warehouse', 'WH', 'config.toml'),
      '[connections.prod]\naccount = "p"\n[connections.dev]\naccount = "d"\nwarehouse = "WH"\n',
    );
  });

  it('adds a key to a last table that has no final newline', () => {
    assert.equal(setTableKey('[a]\naccount = "x"', ['a'], 'role', 'R'), '[a]\naccount = "x"\nrole = "R"\n');
  });

  it('says so when the table does not exist, or is not written as a [header], or the value spans lines', () => {
    throwsExt(() => setTableKey(USER_FILE, ['staging'], 'role', 'R'), 'notFound', /has no \[staging\] table/);
    throwsExt(
      () => setTableKey('[connections]\nprod.account = "p"\n', ['connections', 'prod'], 'role', 'R', 'config.toml'),
      'config',
      /\[connections\.prod\] in config\.toml is not written as its own table/,
    );
    throwsExt(
      () => setTableKey(USER_FILE, ['eu analytics'], 'note', 'x'),
      'config',
      /"note" in connections\.toml spans several lines/,
    );
  });
});

describe('connectionsFileEditor: setTopLevelKey (default_connection_name)', () => {
  it('goes above the first table and its comment block, with a blank line', () => {
    const config = '# Snowflake CLI config\n\n# my connections\n[connections.prod]\naccount = "p"\n';
    const out = setTopLevelKey(config, 'default_connection_name', 'prod');
    assert.equal(
      out,
      '# Snowflake CLI config\n\ndefault_connection_name = "prod"\n\n# my connections\n[connections.prod]\naccount = "p"\n',
    );
    assert.equal((parse(out) as Record<string, unknown>).default_connection_name, 'prod');
  });

  it('rewrites an existing top-level value in place', () => {
    const config = 'default_connection_name = "old" # chosen in 2024\n[connections.prod]\naccount = "p"\n';
    assert.equal(setTopLevelKey(config, 'default_connection_name', 'prod'), config.replace('"old"', '"prod"'));
  });

  it('adds a top-level line even when the same key sits uselessly inside [connections]', () => {
    const config = 'log_level = "info"\n[connections]\ndefault_connection_name = "x"\n';
    const out = setTopLevelKey(config, 'default_connection_name', 'prod');
    assert.equal(
      out,
      'log_level = "info"\ndefault_connection_name = "prod"\n[connections]\ndefault_connection_name = "x"\n',
    );
  });

  it('creates the line in an empty or table-less file', () => {
    assert.equal(setTopLevelKey('', 'default_connection_name', 'a'), 'default_connection_name = "a"\n');
    assert.equal(
      setTopLevelKey('# only a comment', 'default_connection_name', 'a'),
      '# only a comment\ndefault_connection_name = "a"\n',
    );
  });
});

describe('tomlStatements: scanTomlStatements', () => {
  it('covers every byte, one statement after another, and finds only the real headers', () => {
    const statements = scanTomlStatements(USER_FILE);
    let at = 0;
    for (const s of statements) {
      assert.equal(s.start, at);
      at = s.end;
    }
    assert.equal(at, USER_FILE.length);
    const headers = statements
      .filter((s) => s.kind === 'table')
      .map((s) => (s.kind === 'table' ? s.path.join('.') : ''));
    assert.deepEqual(headers, ['prod', 'eu analytics']);
  });
});

describe('connectionsFileEditor: editTomlFile (atomic, 0600)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'psf-edit-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const isPosix = process.platform !== 'win32';

  it('creates the directory and the file, readable only by the user', async () => {
    const file = path.join(dir, 'home', '.snowflake', 'connections.toml');
    const res = await editTomlFile(file, (t) => appendConnection(t, 'a', { account: 'x' }));
    assert.equal(res.created, true);
    assert.equal(await fsp.readFile(file, 'utf8'), '[a]\naccount = "x"\n');
    if (isPosix) {
      assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
      assert.equal((await fsp.stat(path.dirname(file))).mode & 0o777, 0o700);
    }
  });

  it('keeps an existing 0600 file at 0600 and tightens a 0644 one, saying what it was', async () => {
    const file = path.join(dir, 'connections.toml');
    await fsp.writeFile(file, USER_FILE, { mode: 0o600 });
    const first = await editTomlFile(file, (t) => appendConnection(t, 'a', { account: 'x' }));
    assert.equal(first.previousMode, undefined);
    if (isPosix) assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
    await fsp.chmod(file, 0o644);
    const second = await editTomlFile(file, (t) => appendConnection(t, 'b', { account: 'y' }));
    assert.equal(second.created, false);
    if (isPosix) {
      assert.equal(second.previousMode, 0o644);
      assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
    }
    assert.ok((await fsp.readFile(file, 'utf8')).startsWith(USER_FILE));
  });

  it('loses nothing when the final rename fails: old text intact, no temp file left', async () => {
    const file = path.join(dir, 'connections.toml');
    await fsp.writeFile(file, USER_FILE, { mode: 0o600 });
    const failingRename = async (): Promise<void> => {
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    };
    await assert.rejects(
      editTomlFile(file, (t) => appendConnection(t, 'a', { account: 'x' }), {
        rename: failingRename,
        writeFile: (f, t, o) => fsp.writeFile(f, t, o),
      }),
      (err: unknown) =>
        err instanceof SnowflakeExtError &&
        /Could not write .*connections\.toml \(ENOSPC\)\. The file was left as it was\./.test(err.message),
    );
    assert.equal(await fsp.readFile(file, 'utf8'), USER_FILE);
    assert.deepEqual(await fsp.readdir(dir), ['connections.toml']);
  });

  it('writes nothing when the edit is refused (duplicate name)', async () => {
    const file = path.join(dir, 'connections.toml');
    await fsp.writeFile(file, USER_FILE, { mode: 0o600 });
    await assert.rejects(
      editTomlFile(file, (t) => appendConnection(t, 'prod', { account: 'x' })),
      /already exists/,
    );
    assert.equal(await fsp.readFile(file, 'utf8'), USER_FILE);
    assert.deepEqual(await fsp.readdir(dir), ['connections.toml']);
  });

  it('writes nothing when someone else changes the file meanwhile', async () => {
    const file = path.join(dir, 'connections.toml');
    await fsp.writeFile(file, USER_FILE, { mode: 0o600 });
    const theirs = `${USER_FILE}\n[theirs]\naccount = "t"\n`;
    await assert.rejects(
      editTomlFile(file, (t) => appendConnection(t, 'a', { account: 'x' }), {
        rename: (a, b) => fsp.rename(a, b),
        writeFile: async (f, t, o) => {
          await fsp.writeFile(f, t, o);
          await fsp.writeFile(file, theirs); // another editor saves in between
        },
      }),
      /changed on disk while it was being edited\. Nothing was written\./,
    );
    assert.equal(await fsp.readFile(file, 'utf8'), theirs);
    assert.deepEqual(await fsp.readdir(dir), ['connections.toml']);
  });

  it('refuses a file that is not UTF-8 rather than rewrite its bytes', async () => {
    const file = path.join(dir, 'connections.toml');
    const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n[a]\naccount = "x"\n')]);
    await fsp.writeFile(file, latin1, { mode: 0o600 });
    await assert.rejects(
      editTomlFile(file, (t) => appendConnection(t, 'b', { account: 'y' })),
      /is not UTF-8 text \(TOML must be\), so it was left unchanged/,
    );
    assert.ok((await fsp.readFile(file)).equals(latin1));
  });

  it('writes through a symlinked file and keeps the link', async () => {
    const real = path.join(dir, 'dotfiles', 'connections.toml');
    await fsp.mkdir(path.dirname(real));
    await fsp.writeFile(real, '[a]\naccount = "x"\n', { mode: 0o600 });
    const link = path.join(dir, 'connections.toml');
    await fsp.symlink(real, link);
    const res = await editTomlFile(link, (t) => appendConnection(t, 'b', { account: 'y' }));
    assert.equal(res.file, real);
    assert.ok((await fsp.lstat(link)).isSymbolicLink());
    assert.equal(await fsp.readFile(link, 'utf8'), '[a]\naccount = "x"\n\n[b]\naccount = "y"\n');
  });
});
