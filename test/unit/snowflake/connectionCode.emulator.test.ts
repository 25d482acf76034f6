// Copy Python Connection Code, run: Debian packages no snowflake-connector-python, so the generated script is read
// the way the connector runs it (its SNOWFLAKE_HOME line before the import, the connection looked up by name in that
// folder's connections.toml, keyword arguments over the file's values: `kwargs = {**connections[name], **kwargs}` in
// snowflake-connector-python's connection.py) and the same parameters go to the Node driver, snowflake-sdk, against
// the emulator. The case: a user's own encrypted-key connection in a Posit Workbench session, role and warehouse
// switched in the tree.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';
import { resolveConnections } from '../../../src/core/connections/resolveConnections';
import { nodeFileSystem } from '../../../src/core/shared/nodeFileSystem';
import { connectionCodeSpec, pythonConnectionCode } from '../../../src/core/snowflake/connectionCode';
import { connect, destroy, query, removeDriverLog } from '../../emulator/driverHarness';
import { startEmulator, type Emulator } from '../../emulator/index';

type Kwargs = Record<string, unknown>;

/** What the script's own lines do before connect(): its SNOWFLAKE_HOME, and the values of its variables. */
function runScriptPrelude(code: string, env: Record<string, string>, homedir: string): Record<string, string> {
  const out = { ...env };
  const home = /^os\.environ\["SNOWFLAKE_HOME"\] = os\.path\.expanduser\("([^"]+)"\)$/m.exec(code);
  if (home) out.SNOWFLAKE_HOME = home[1]!.replace(/^~(?=\/|$)/, homedir);
  assert.ok(
    code.indexOf('import snowflake.connector') > (home?.index ?? -1),
    'SNOWFLAKE_HOME is set before the connector is imported',
  );
  return out;
}

function connectKwargs(code: string, env: Record<string, string>): Kwargs {
  const call = /snowflake\.connector\.connect\(([\s\S]*?)\)\n/.exec(code);
  assert.ok(call, `a connect() call in:\n${code}`);
  const vars: Record<string, string | undefined> = {};
  const passphrase = /^passphrase = os\.environ\.get\("(\w+)"\) or getpass\(/m.exec(code);
  if (passphrase) vars.passphrase = env[passphrase[1]!];
  const kwargs: Kwargs = {};
  for (const m of call[1]!.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\w+)/g)) {
    const value = m[2]!;
    kwargs[m[1]!] = value.startsWith('"') ? JSON.parse(value) : vars[value];
  }
  return kwargs;
}

/** snowflake-connector-python's lookup: [name] in connections.toml of SNOWFLAKE_HOME (else ~/.snowflake). */
function connectorParams(procEnv: Record<string, string>, homedir: string, kwargs: Kwargs): Kwargs {
  const dir = procEnv.SNOWFLAKE_HOME ?? path.join(homedir, '.snowflake');
  const file = path.join(dir, 'connections.toml');
  const tables = fs.existsSync(file) ? (parse(fs.readFileSync(file, 'utf8')) as Record<string, Kwargs>) : {};
  const { connection_name: name, ...rest } = kwargs;
  const table = tables[String(name)];
  if (!table) throw new Error(`Invalid connection_name '${String(name)}', known ones are ${Object.keys(tables)}`);
  return { ...table, ...rest };
}

/** The same parameters, in snowflake-sdk's names. */
function sdkOptions(p: Kwargs): Record<string, unknown> {
  return {
    account: p.account,
    username: p.user,
    authenticator: String(p.authenticator).toUpperCase(),
    privateKeyPath: p.private_key_file,
    privateKeyPass: p.private_key_file_pwd,
    role: p.role,
    warehouse: p.warehouse,
    accessUrl: `${String(p.protocol)}://${String(p.host)}:${String(p.port)}`,
  };
}

describe('Copy Python Connection Code runs as it is (emulator, snowflake-sdk with the same parameters)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let homedir: string;

  before(async () => {
    homedir = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-sf-code-'));
    emu = await startEmulator({ home: path.join(homedir, '.snowflake') });
  });

  after(async () => {
    await emu.close();
    fs.rmSync(homedir, { recursive: true, force: true });
    removeDriverLog();
  });

  it("a user's encrypted key in a Workbench session, with the tree's role and warehouse", async () => {
    const sessionEnv = emu.home!.workbenchEnv;
    const resolved = await resolveConnections({
      env: sessionEnv,
      homedir,
      platform: process.platform,
      fs: nodeFileSystem,
    });
    const profile = resolved.connections.find((c) => c.name === 'encrypted_key');
    assert.ok(profile && resolved.userDirectory, 'the user connection is listed in the Workbench session');
    const code = pythonConnectionCode(
      connectionCodeSpec(profile, {
        userDirectory: resolved.userDirectory,
        homedir,
        preferences: { role: 'FINANCE', warehouse: 'BIG_WH' },
        keyEncrypted: true,
      }),
    );
    assert.match(code, /os\.environ\["SNOWFLAKE_HOME"\] = os\.path\.expanduser\("~\/\.snowflake"\)/);

    // The person runs it in the session's terminal with the passphrase in the environment.
    const terminalEnv = { ...sessionEnv, PRIVATE_KEY_PASSPHRASE: emu.home!.passphrase };
    const procEnv = runScriptPrelude(code, terminalEnv, homedir);
    const params = connectorParams(procEnv, homedir, connectKwargs(code, terminalEnv));
    const conn = await connect(sdkOptions(params));
    try {
      assert.deepEqual(await query(conn, 'SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE()'), [
        { 'CURRENT_USER()': 'DEMO_USER', 'CURRENT_ROLE()': 'FINANCE', 'CURRENT_WAREHOUSE()': 'BIG_WH' },
      ]);
    } finally {
      await destroy(conn);
    }

    // Without the SNOWFLAKE_HOME line the connector would look in Workbench's folder and not find the connection.
    const withoutHome = code.replace(/^os\.environ\["SNOWFLAKE_HOME"\].*$/m, '');
    assert.throws(
      () =>
        connectorParams(
          runScriptPrelude(withoutHome, terminalEnv, homedir),
          homedir,
          connectKwargs(withoutHome, terminalEnv),
        ),
      /Invalid connection_name 'encrypted_key'/,
    );
  });
});
