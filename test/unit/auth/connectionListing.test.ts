// What a person sees of the client-parity rules (see clientParity.test.ts): `connections --json` lists every
// connection with its problems, using a broken one fails with that problem, the doctor reports each once (also with
// --offline, which tries no login), and the tree shows an unusable connection as a row with its fix.
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { createAuthService } from '../../../src/core/auth/authService';
import { runDoctor } from '../../../src/core/auth/diagnostics/doctor';
import { formatDoctorReport } from '../../../src/core/auth/diagnostics/formatDoctorReport';
import { MemorySecretStorage, SecretStore } from '../../../src/core/auth/secretStore';
import { nullLogger } from '../../../src/core/shared/logger';
import { ConnectionsTreeModel } from '../../../src/core/tree/connectionsTreeModel';
import { HOME, MemoryFs, hostOf } from './memoryFs';

const SF = `${HOME}/.snowflake`;

function auth(fs: MemoryFs, env: Record<string, string> = {}) {
  return createAuthService({
    host: hostOf(fs, env),
    secrets: new SecretStore(new MemorySecretStorage()),
    logger: nullLogger,
  });
}

async function cli(
  argv: string[],
  service: ReturnType<typeof auth>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    argv,
    { env: {}, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } },
    { auth: service, homedir: HOME },
  );
  return { code, out, err };
}

describe('client parity: what a person sees (connections --json, using a connection, doctor, tree)', () => {
  const broken =
    '[ok]\naccount = "a"\nuser = "u"\nprivate_key_file = "/keys/k.p8"\nprivate_key_pwd = "hunter2"\n[noacct]\nuser = "u"\nclient_secret = "s3cret"\n[weird]\naccount = "a"\nauthenticator = "kerberos"\n';

  it('connections --json lists every connection with errors, the upper-case authenticator and masked secrets', async () => {
    const fs = new MemoryFs().file(`${SF}/connections.toml`, broken).file('/keys/k.p8', 'k');
    const { code, out } = await cli(['connections', '--json'], auth(fs, { SNOWFLAKE_CONNECTIONS_OK_PAT: 'pat-value' }));
    assert.equal(code, 0);
    const list = JSON.parse(out) as {
      name: string;
      authenticator: string | null;
      params: Record<string, unknown>;
      errors: { code: string; message: string; fix: string }[];
    }[];
    assert.deepEqual(
      list.map((c) => c.name),
      ['ok', 'noacct', 'weird'],
    );
    assert.equal(list[0]!.authenticator, 'SNOWFLAKE_JWT');
    assert.deepEqual(list[0]!.errors, []);
    assert.equal(list[0]!.params.private_key_pwd, '***');
    assert.equal(list[0]!.params.pat, '***');
    assert.equal(list[1]!.params.client_secret, '***');
    assert.equal(list[1]!.errors[0]!.code, 'missingAccount');
    assert.ok(list[1]!.errors[0]!.fix.includes('account = '));
    assert.equal(list[2]!.authenticator, null);
    assert.equal(list[2]!.errors[0]!.code, 'unknownAuthenticator');
    for (const secret of ['hunter2', 's3cret', 'pat-value']) assert.ok(!out.includes(secret), secret);
  });

  it('using an unusable connection fails with its own problem; the missing default names the known ones', async () => {
    const fs = new MemoryFs().file(`${SF}/connections.toml`, broken).file('/keys/k.p8', 'k');
    const service = auth(fs);
    await assert.rejects(service.getConnection('noacct'), /Connection 'noacct' has no account/);
    await assert.rejects(
      service.getConnection('default'),
      /Default connection with name 'default' cannot be found, known ones are \['ok', 'noacct', 'weird'\]/,
    );
  });

  it('doctor with no connections reports the missing default, not "No problems found"', async () => {
    const fs = new MemoryFs().dir(SF);
    const host = hostOf(fs);
    const text = formatDoctorReport(await runDoctor(host, auth(fs), undefined, { skipLogin: true }));
    assert.match(text, /Default connection with name 'default' cannot be found, known ones are \[\]/);
    assert.doesNotMatch(text, /No problems found/);
  });

  it('doctor --offline tries no login and reports a missing key file once', async () => {
    const fs = new MemoryFs().file(
      `${SF}/connections.toml`,
      '[k]\naccount = "a"\nuser = "u"\nprivate_key_file = "/keys/gone.p8"\n[t]\naccount = "a"\ntoken = "t"\nauthenticator = "oauth"\n',
    );
    let fetched = 0;
    const report = await runDoctor(hostOf(fs), auth(fs), undefined, {
      skipLogin: true,
      fetch: async () => {
        fetched++;
        return new Response('{}');
      },
    });
    const text = formatDoctorReport(report);
    assert.equal(fetched, 0);
    assert.match(text, /Offline: no login attempted/);
    assert.equal(text.split('/keys/gone.p8').length - 1, 1, text);
  });

  it('doctor lists an unusable connection with its problem and fix, and the tree shows it as an error row', async () => {
    const fs = new MemoryFs().file(`${SF}/connections.toml`, broken).file('/keys/k.p8', 'k');
    const service = auth(fs);
    const text = formatDoctorReport(await runDoctor(hostOf(fs), service, undefined, { skipLogin: true }));
    assert.match(text, /Connection 'noacct'[\s\S]*✗ Connection 'noacct' has no account[\s\S]*→ Add account = /);
    const model = new ConnectionsTreeModel({
      connections: async () => (await service.connections()).connections,
      unusable: async () => (await service.connections()).listed.filter((c) => !c.profile),
      sessions: {
        query: async () => {
          throw new Error('no SQL in this test');
        },
        state: () => ({ status: 'notConnected' }),
        cancel: () => undefined,
        reset: async () => undefined,
        onDidChangeState: () => ({ dispose: () => undefined }),
      },
      logger: nullLogger,
    });
    const roots = await model.children();
    assert.deepEqual(
      roots.map((n) => [n.kind, n.connectionName]),
      [
        ['connection', 'ok'],
        ['unusableConnection', 'noacct'],
        ['unusableConnection', 'weird'],
      ],
    );
    const rows = await model.children(roots[1]);
    assert.equal(rows[0]!.kind, 'error');
    assert.match((rows[0] as { message: string }).message, /has no account/);
    assert.match((rows[0] as { fix?: { text: string } }).fix!.text, /Add account = /);
  });
});
