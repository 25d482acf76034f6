// A Workbench user browsing through the real auth service and snowflake-sdk while Workbench rotates the token in
// its connections.toml: the tree keeps loading after the old token and every session died.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthService } from '../../../src/core/auth/authService';
import { nodeFileSystem } from '../../../src/core/shared/nodeFileSystem';
import { MemorySecretStorage, SecretStore } from '../../../src/core/auth/secretStore';
import type { AuthService } from '../../../src/core/auth/types';
import type { Disposable } from '../../../src/core/shared/events';
import { MemoryLogger } from '../../support/memoryLogger';
import { createSnowflakeSdkDriver } from '../../../src/core/snowflake/snowflakeSdkDriver';
import { SqlSessionManager } from '../../../src/core/snowflake/sqlSessionManager';
import type { ConnectionsNode } from '../../../src/core/tree/connectionNodes';
import { ConnectionsTreeModel } from '../../../src/core/tree/connectionsTreeModel';
import { loginProbe } from '../../../src/core/auth/diagnostics/loginProbe';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { startEmulator, type Emulator } from '../../emulator/index';

describe('Workbench token rotated mid-browse (real auth service, snowflake-sdk, emulator)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let dir: string;
  let auth: AuthService & Disposable;
  let sessions: SqlSessionManager;
  let model: ConnectionsTreeModel;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-sf-tree-wb-'));
    emu = await startEmulator({ home: path.join(dir, 'home'), workbenchGraceSeconds: 0 });
    const log = new MemoryLogger();
    auth = createAuthService({
      host: {
        env: emu.home!.workbenchEnv,
        homedir: dir,
        platform: process.platform,
        uid: process.getuid?.(),
        fs: nodeFileSystem,
      },
      secrets: new SecretStore(new MemorySecretStorage()),
      logger: log,
    });
    sessions = new SqlSessionManager({ auth, driver: createSnowflakeSdkDriver(log), logger: log });
    model = new ConnectionsTreeModel({
      connections: async () => (await auth.connections()).connections,
      sessions,
      logger: log,
    });
  });

  after(async () => {
    model.dispose();
    await sessions.reset('workbench');
    auth.dispose();
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const logins = (): number => emu.servers.snowflake.log.filter((e) => e.path === '/session/v1/login-request').length;
  const names = (nodes: ConnectionsNode[]): string[] =>
    nodes.map((n) => (n.kind === 'database' ? n.database : n.kind === 'schema' ? n.schema : n.kind));

  it('keeps listing after the token rotates and the old one and the session expire', async () => {
    const roots = await model.children();
    const wb = roots[0]!;
    assert.equal(wb.kind === 'connection' && wb.profile.source, 'workbench', 'the Workbench connection comes first');
    const dbs = await model.children(wb);
    assert.deepEqual(names(dbs), ['BIG_DB', 'SALES_DB']);
    assert.equal(logins(), 1);

    emu.state.expireAllTokens({ masters: true }); // the old token and every session are dead...
    emu.rotateWorkbenchToken(); // ...and Workbench has written a fresh token

    const sales = dbs.find((d) => d.kind === 'database' && d.database === 'SALES_DB')!;
    const schemas = await model.children(sales);
    assert.ok(names(schemas).includes('PUBLIC'), `schemas listed, got ${JSON.stringify(schemas)}`);
    assert.equal(logins(), 2, 'one more login, with the rotated token');
    assert.equal(sessions.state('workbench').status, 'connected');
  });

  it("an expired token Workbench did not replace: the connection's state and rows give Test Connection's explanation", async () => {
    const wb = (await model.children())[0]!;
    emu.state.expireAllTokens({ masters: true }); // ...and this time Workbench writes no new token
    model.refresh(wb);
    const rows = await model.children(wb);
    const state = sessions.state('workbench');
    assert.equal(state.status, 'error', 'the connection row shows the failure, not "connected"');
    const probe = await loginProbe(auth, (wb as { profile: Parameters<typeof loginProbe>[1] }).profile, {
      logger: new MemoryLogger(),
    }).then(
      () => assert.fail('Test Connection should fail too'),
      (err: unknown) => err as SnowflakeExtError,
    );
    // The same explanation as Test Connection's for the code (what was being done, and the server's words, around it).
    const explanation = probe.message.replace(/ \(code 390318\)\..*$/s, '');
    assert.equal(probe.code, '390318');
    assert.match(explanation, /^The Posit Workbench token of connection 'workbench' has expired/);
    assert.equal(state.status === 'error' && state.error.code, '390318');
    assert.ok(state.status === 'error' && state.error.message.includes(explanation), JSON.stringify(state));
    assert.equal(state.status === 'error' && state.error.fix?.text, probe.fix?.text);
    const row = rows[0]!;
    assert.equal(row.kind, 'error');
    assert.ok(row.kind === 'error' && row.message.includes(explanation), JSON.stringify(row));
    assert.doesNotMatch(JSON.stringify(rows), /terminated connection/i, 'no raw driver text');
  });
});
