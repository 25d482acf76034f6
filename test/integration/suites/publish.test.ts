// Publishing inside the real VS Code: Add Connect Server checks the key and says who you are, the publish command
// runs with progress against the emulated Connect (plain and behind the SPCS ingress) and writes the record, a
// failing deployment leaves no record, Open Deployed Content finds it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, catchingOpenedUrls, runDismissingErrors } from './authSandbox';

interface ConnectSandbox {
  readonly plainConnect: string;
  readonly connect: string;
  readonly connectApiKey: string;
}

interface PublishCommandResult {
  readonly contentGuid: string;
  readonly contentUrl: string;
  readonly recordPath: string;
  readonly created: boolean;
  readonly configurationName: string;
  readonly progress: readonly string[];
}

function connectSandbox(): ConnectSandbox {
  const raw = process.env.POSIT_SNOWFLAKE_SANDBOX;
  assert.ok(raw, 'the runner passes POSIT_SNOWFLAKE_SANDBOX');
  const info = JSON.parse(raw) as Partial<ConnectSandbox>;
  assert.ok(info.plainConnect && info.connect && info.connectApiKey, 'the sandbox names both Connects and the API key');
  return info as ConnectSandbox;
}

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-it-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const SITE = {
  'index.html': '<!doctype html><title>Report</title><p>Quarterly numbers</p>\n',
  'css/site.css': 'p { color: teal }\n',
};

describe('publish to Posit Connect (real editor)', function () {
  this.timeout(120_000);
  let sb: ConnectSandbox;
  const dirs: string[] = [];
  before(async () => {
    await api();
    sb = connectSandbox();
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('Add Connect Server checks the key and says who you are', async () => {
    const added = await vscode.commands.executeCommand<{ username: string; role: string; server: { url: string } }>(
      'positSnowflake.addConnectServer',
      { url: sb.plainConnect, apiKey: sb.connectApiKey, name: 'Emulated Connect' },
    );
    assert.equal(added?.username, 'publisher1');
    assert.equal(added?.role, 'publisher');
    const refused = await runDismissingErrors('positSnowflake.addConnectServer', {
      url: sb.plainConnect,
      apiKey: 'wrong-key',
      name: 'Wrong',
    });
    assert.equal(refused, undefined, 'a refused key adds nothing');
  });

  it('publishes a folder with progress, writes the record, and the content is served', async () => {
    const dir = project(SITE);
    dirs.push(dir);
    const result = await vscode.commands.executeCommand<PublishCommandResult>('positSnowflake.publish', {
      dir,
      serverUrl: sb.plainConnect,
    });
    assert.ok(result, 'the command returned its result');
    assert.equal(result.created, true);
    for (const step of [
      'Looking at the project',
      'Bundling',
      'Uploading',
      'Deploying',
      'Content is running',
      'Saving the deployment record',
    ]) {
      assert.ok(
        result.progress.some((m) => m.startsWith(step)),
        `progress showed "${step}": ${result.progress.join(' | ')}`,
      );
    }
    assert.equal(
      result.recordPath,
      path.join(dir, '.posit', 'publish', 'deployments', path.basename(result.recordPath)),
    );
    assert.match(fs.readFileSync(result.recordPath, 'utf8'), new RegExp(`id = "${result.contentGuid}"`));
    const page = await fetch(result.contentUrl);
    assert.equal(page.status, 200);
    const again = await vscode.commands.executeCommand<PublishCommandResult>('positSnowflake.publish', {
      dir,
      serverUrl: sb.plainConnect,
    });
    assert.equal(again?.contentGuid, result.contentGuid, 'a redeploy goes to the same content');
    const { result: url, opened } = await catchingOpenedUrls(() =>
      vscode.commands.executeCommand<string>('positSnowflake.openDeployedContent', { dir }),
    );
    assert.equal(url, result.contentUrl);
    assert.deepEqual(opened, [result.contentUrl], 'the browser is sent to the deployed content');
  });

  it('publishes with the Snowflake viewer integration, then copies the code that uses it', async () => {
    const dir = project({ 'app.py': 'import streamlit as st\nst.title("Sales")\n', 'requirements.txt': 'streamlit\n' });
    dirs.push(dir);
    const result = await vscode.commands.executeCommand<PublishCommandResult>('positSnowflake.publish', {
      dir,
      serverUrl: sb.plainConnect,
      integrations: ['Snowflake (viewer)'],
    });
    assert.ok(result, 'the command returned its result');
    const config = fs.readFileSync(path.join(dir, '.posit', 'publish', `${result.configurationName}.toml`), 'utf8');
    assert.match(config, /\[\[integration_requests\]\][^[]*auth_type = "Viewer"/s);
    const code = await vscode.commands.executeCommand<string>('positSnowflake.copyIntegrationCode', {
      dir,
      language: 'python',
      copy: false,
    });
    assert.match(code ?? '', /from posit\.connect\.external\.snowflake import PositAuthenticator/);
    assert.match(code ?? '', /st\.context\.headers\.get\("Posit-Connect-User-Session-Token"\)/);
    const r = await vscode.commands.executeCommand<string>('positSnowflake.copyIntegrationCode', {
      dir,
      language: 'r',
      copy: false,
    });
    assert.match(r ?? '', /connectapi::get_oauth_credentials\(client, user_session_token\)/);
  });

  it('publishes to the Connect inside Snowflake with a Snowflake connection opening the ingress', async () => {
    const added = await vscode.commands.executeCommand<{ username: string }>('positSnowflake.addConnectServer', {
      url: sb.connect,
      apiKey: sb.connectApiKey,
      snowflake: true,
      snowflakeConnection: 'keypair',
      name: 'Connect in Snowflake',
    });
    assert.equal(added?.username, 'publisher1');
    const dir = project(SITE);
    dirs.push(dir);
    const result = await vscode.commands.executeCommand<PublishCommandResult>('positSnowflake.publish', {
      dir,
      serverUrl: sb.connect,
    });
    assert.ok(result?.contentUrl.startsWith(sb.connect));
    assert.ok(fs.existsSync(result.recordPath));
  });

  it('a failing deployment is reported, and its record claims no success', async () => {
    const dir = project({ ...SITE, FAIL_DEPLOY: 'x' });
    dirs.push(dir);
    const result = await runDismissingErrors<PublishCommandResult>('positSnowflake.publish', {
      dir,
      serverUrl: sb.plainConnect,
    });
    assert.equal(result, undefined);
    const records = path.join(dir, '.posit', 'publish', 'deployments');
    const record = fs.readFileSync(path.join(records, fs.readdirSync(records)[0]!), 'utf8');
    assert.match(record, /\[deployment_error\][^[]*message = "Connect could not deploy the content/s);
    assert.doesNotMatch(record, /^deployed_at/m);
  });

  it('Remove Connect Server forgets the server and its key', async () => {
    await vscode.commands.executeCommand('positSnowflake.removeConnectServer', sb.plainConnect);
    const dir = project(SITE);
    dirs.push(dir);
    const result = await runDismissingErrors<PublishCommandResult>('positSnowflake.publish', {
      dir,
      serverUrl: sb.plainConnect,
    });
    assert.equal(result, undefined, 'publishing to a removed server is refused');
  });
});
