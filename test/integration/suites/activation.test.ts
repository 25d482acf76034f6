// The extension activates in a real VS Code and contributes what it promises.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PositSnowflakeApi } from '../../../src/api';

const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

describe('activation', () => {
  it('activates on demand and returns the typed public API', async () => {
    const ext = vscode.extensions.getExtension<PositSnowflakeApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(api.version, 1);
    assert.equal(typeof api.listConnections, 'function');
    assert.equal(typeof api.getRestHeaders, 'function');
    assert.equal(typeof api.getIngressHeader, 'function');
    assert.equal(typeof api.onDidChangeConnections, 'function');
  });

  it('registers its commands, each under the positSnowflake prefix', async () => {
    const all = await vscode.commands.getCommands(true);
    const ours = all.filter((c) => c.startsWith('positSnowflake.'));
    for (const id of [
      'positSnowflake.refresh',
      'positSnowflake.addConnection',
      'positSnowflake.showDiagnostics',
      'positSnowflake.showLog',
    ]) {
      assert.ok(ours.includes(id), `command ${id} is registered`);
    }
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string }[] };
    };
    for (const c of pkg.contributes.commands)
      assert.ok(all.includes(c.command), `contributed command ${c.command} has a handler`);
  });

  it('contributes the Snowflake view container, the Connections view and its settings', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as any;
    assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, 'positSnowflake');
    assert.ok(pkg.contributes.views.positSnowflake.some((v: { id: string }) => v.id === 'positSnowflake.connections'));
    await vscode.commands.executeCommand('positSnowflake.connections.focus');
    const config = vscode.workspace.getConfiguration('positSnowflake');
    assert.equal(config.inspect('cortex.connection')?.defaultValue, '');
  });

  it('does not load the SQL driver during activation', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const loaded = Object.keys(require.cache).filter((m) => /sqlDriver\.js$|[\\/]snowflake-sdk[\\/]/.test(m));
    assert.deepEqual(loaded, [], 'snowflake-sdk is loaded only when a SQL session is first needed');
  });

  it('never activates on startup for everything', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents?: string[] };
    assert.ok(!(pkg.activationEvents ?? []).includes('*'));
  });
});
