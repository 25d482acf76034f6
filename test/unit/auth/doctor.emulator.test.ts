// The doctor's structured report: files not used and why, permissions, the key, clock skew from the Date header,
// and login failures explained; formatDoctorReport renders it as text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runDoctor } from '../../../src/core/auth/diagnostics/doctor';
import { formatDoctorReport } from '../../../src/core/auth/diagnostics/formatDoctorReport';
import { makeAuth, startAuthWorld, table, writeHome, type AuthWorld } from './authHarness';

describe('doctor', () => {
  let w: AuthWorld;
  before(async () => {
    w = await startAuthWorld();
  });
  after(async () => {
    await w.close();
  });

  it('reports files in other locations as not used, with the reason', async () => {
    fs.mkdirSync(path.join(w.dir, '.snowflake'), { recursive: true });
    fs.writeFileSync(path.join(w.dir, '.snowflake', 'connections.toml'), '[old]\naccount = "x"\n', { mode: 0o600 });
    try {
      const t = makeAuth(w, w.emu.home!.env);
      const report = await runDoctor(t.host, t.auth, 'keypair');
      const unused = report.general.find((d) => d.file === path.join(w.dir, '.snowflake', 'connections.toml'));
      assert.equal(
        unused?.message,
        `${path.join(w.dir, '.snowflake', 'connections.toml')} is not used because SNOWFLAKE_HOME is set, so ~/.snowflake is never read; the Snowflake clients read ${w.home}.`,
      );
      assert.equal(report.directoryWhy, 'SNOWFLAKE_HOME points to it');
      const [c] = report.connections;
      assert.equal(c?.key?.fingerprint, w.emu.home!.fingerprints.keypair);
      assert.equal(c?.jwtAccount, 'SANDBOX-DEMO');
      assert.deepEqual(c?.login, { user: 'DEMO_USER', role: 'ANALYST', warehouse: 'DEMO_WH' });
      assert.equal(report.problemCount, 0);
      assert.ok(formatDoctorReport(report).includes(`· ${unused!.message}`));
    } finally {
      fs.rmSync(path.join(w.dir, '.snowflake'), { recursive: true, force: true });
    }
  });

  // Issue: no connections must still say the default cannot be found (the connector's words), never "No problems found".
  it('with no connection at all, says the default cannot be found and never "No problems found"', async () => {
    const home = path.join(w.dir, 'empty-home');
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const t = makeAuth(w, { SNOWFLAKE_HOME: home });
    const text = formatDoctorReport(await runDoctor(t.host, t.auth));
    assert.doesNotMatch(text, /Default connection:/);
    assert.doesNotMatch(text, /No problems found/);
    assert.match(text, /No connection found\.\n {2}→ Run 'Snowflake: Add Connection'/);
    assert.match(text, /Default connection with name 'default' cannot be found, known ones are \[\]/);
    assert.match(text, /1 problem found\.\n$/);
  });

  it('with no connection and no default named, says there is nothing to check yet', async () => {
    const home = path.join(w.dir, 'empty-home-no-default');
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const t = makeAuth(w, { SNOWFLAKE_HOME: home, SNOWFLAKE_DEFAULT_CONNECTION_NAME: '' });
    const text = formatDoctorReport(await runDoctor(t.host, t.auth));
    assert.doesNotMatch(text, /No problems found/);
    assert.match(text, /Nothing to check yet: add a connection, then run this again\.\n$/);
  });

  it('names clock skew from the server Date header even when the login succeeds', async () => {
    w.emu.servers.snowflake.addFault({ route: 'POST /session/v1/login-request', dateSkewSeconds: 7 * 60 });
    const t = makeAuth(w, w.emu.home!.env);
    const report = await runDoctor(t.host, t.auth, 'pat');
    assert.equal(report.connections[0]?.clockText, "Your clock is 7 minutes behind Snowflake's.");
    assert.ok(formatDoctorReport(report).includes("  clock: Your clock is 7 minutes behind Snowflake's."));
  });

  it('explains a readable-by-others file, a broken connection and a refused login', async () => {
    const home = writeHome(
      w,
      'doc',
      table(w, 'bad', { authenticator: 'nonsense' }) +
        table(w, 'pat', { authenticator: 'programmatic_access_token', token: 'pat_wrong', user: 'DEMO_USER' }),
    );
    fs.chmodSync(path.join(home, 'connections.toml'), 0o644);
    const t = makeAuth(w, { SNOWFLAKE_HOME: home });
    const report = await runDoctor(t.host, t.auth);
    const text = formatDoctorReport(report);
    assert.ok(
      text.includes(
        `! The connections file ${home}/connections.toml is readable by group or others (mode 0644). The Python connector and this extension only warn and use it, but the Snowflake CLI (snow) refuses it ("has too wide permissions").\n  → Run: chmod 0600 ${home}/connections.toml`,
      ),
      text,
    );
    assert.ok(
      text.includes(
        `Connection 'bad' — connections.toml: ${home}/connections.toml\n  ✗ Connection 'bad': authenticator 'nonsense' is not one Snowflake knows`,
      ),
      text,
    );
    assert.ok(
      text.includes(
        "  ✗ login: Snowflake did not accept the programmatic access token of connection 'pat': it may be wrong, expired or revoked (code 394400).",
      ),
      text,
    );
    // The unknown authenticator, the refused login, and the missing default (no [default] and none named).
    assert.equal(report.problemCount, 3);
  });
});
