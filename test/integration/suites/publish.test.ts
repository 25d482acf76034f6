// Publishing inside the real VS Code, answering the prompts as a person does: Add Connect Server checks the key and
// says who you are, the publish command runs with progress against the emulated Connect (plain and behind the SPCS
// ingress) and writes the record, a failing deployment leaves no record and offers one log button, a check that
// fails before the upload is in the deployment log, Escape in a picker stops the publish quietly, Open Deployed
// Content finds it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, catchingOpenedUrls, testDoors } from './authSandbox';
import { withScriptedQuickInput, type Act } from './scriptedQuickInput';

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

const DEPLOY_LOG = 'Posit Connect Deployments';

/** The error toasts shown while `run` runs (message and buttons), answered with no choice as if dismissed. */
async function catchingErrorToasts<T>(run: () => Promise<T>): Promise<{ result: T; toasts: string[][] }> {
  const win = vscode.window as { showErrorMessage: (message: string, ...items: string[]) => Thenable<undefined> };
  const saved = win.showErrorMessage;
  const toasts: string[][] = [];
  win.showErrorMessage = async (message: string, ...items: string[]) => {
    toasts.push([message, ...items]);
    return undefined;
  };
  try {
    return { result: await run(), toasts };
  } finally {
    win.showErrorMessage = saved;
  }
}

/** What the extension writes to the clipboard while `run` runs, instead of the clipboard. */
async function catchingClipboard<T>(run: () => Thenable<T>): Promise<{ result: T; copied: string[] }> {
  const saved = Object.getOwnPropertyDescriptor(vscode.env, 'clipboard')!;
  const copied: string[] = [];
  const clipboard: vscode.Clipboard = {
    readText: async () => copied.at(-1) ?? '',
    writeText: async (text: string) => void copied.push(text),
  };
  Object.defineProperty(vscode.env, 'clipboard', { value: clipboard, configurable: true });
  try {
    return { result: await run(), copied };
  } finally {
    Object.defineProperty(vscode.env, 'clipboard', saved);
  }
}

const hostOf = (url: string): string => new URL(url).host;
const pickServer = (url: string): Act => ({ title: /^Publish \S+ to$/, type: 'pick', label: hostOf(url) });
const contentTitle = (value: string): Act => ({ title: /^Publish: content title$/, value });
const integrations = (...labels: string[]): Act => ({
  title: /^Publish: OAuth integrations the content needs$/,
  type: 'picks',
  labels,
});
const deploy: Act = { title: /^Publish: review \(\d+ files\)$/, type: 'pick', label: 'Deploy' };

/** Publishes `dir` from the Explorer, answering the prompts with `script`. */
async function publishing(dir: string, script: readonly Act[]): Promise<PublishCommandResult | undefined> {
  let result: PublishCommandResult | undefined;
  await withScriptedQuickInput(script, async () => {
    result = await vscode.commands.executeCommand<PublishCommandResult>('positSnowflake.publish', vscode.Uri.file(dir));
  });
  return result;
}

/** Adds a Connect server through Add Connect Server's form. */
async function addingServer(script: readonly Act[]): Promise<{ username: string; role: string } | undefined> {
  let added: { username: string; role: string } | undefined;
  await withScriptedQuickInput(script, async () => {
    added = await vscode.commands.executeCommand('positSnowflake.addConnectServer');
  });
  return added;
}

const deployLogSince = async (start: number): Promise<string[]> =>
  (await testDoors()).outputLines(DEPLOY_LOG).slice(start);
const deployLogLength = async (): Promise<number> => (await testDoors()).outputLines(DEPLOY_LOG).length;

describe('publish to Posit Connect (real editor)', function () {
  this.timeout(120_000);
  let sb: ConnectSandbox;
  const dirs: string[] = [];
  const made = (files: Record<string, string>): string => {
    const dir = project(files);
    dirs.push(dir);
    return dir;
  };
  before(async () => {
    await api();
    sb = connectSandbox();
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('Add Connect Server checks the key and says who you are; a refused key is asked again and adds nothing', async () => {
    const address = /^Add Connect Server: address/;
    const where = /^Add Connect Server: where it runs/;
    const key = /^Add Connect Server: API key/;
    const { toasts } = await catchingErrorToasts(async () => {
      const refused = await addingServer([
        { title: address, value: sb.plainConnect },
        { title: where, type: 'pick', label: 'Posit Connect' },
        { title: key, value: 'wrong-key' },
        { title: key, type: 'escape' },
      ]);
      assert.equal(refused, undefined, 'a refused key adds nothing');
    });
    assert.deepEqual(toasts, [], 'Escape after a refused key is no error');
    const added = await addingServer([
      { title: address, value: sb.plainConnect },
      { title: where, type: 'pick', label: 'Posit Connect' },
      { title: key, value: sb.connectApiKey },
    ]);
    assert.equal(added?.username, 'publisher1');
    assert.equal(added?.role, 'publisher');
  });

  it('publishes a folder with progress, writes the record, and the content is served', async () => {
    const dir = made(SITE);
    const result = await publishing(dir, [
      pickServer(sb.plainConnect),
      contentTitle('Quarterly report'),
      integrations(),
      deploy,
    ]);
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
    const again = await publishing(dir, [pickServer(sb.plainConnect), integrations(), deploy]);
    assert.equal(again?.contentGuid, result.contentGuid, 'a redeploy goes to the same content, without asking a title');
    const { result: url, opened } = await catchingOpenedUrls(() =>
      vscode.commands.executeCommand<string>('positSnowflake.openDeployedContent', vscode.Uri.file(dir)),
    );
    assert.equal(url, result.contentUrl);
    assert.deepEqual(opened, [result.contentUrl], 'the browser is sent to the deployed content');
  });

  it('publishes with the Snowflake viewer integration, then copies the code that uses it', async () => {
    const dir = made({ 'app.py': 'import streamlit as st\nst.title("Sales")\n', 'requirements.txt': 'streamlit\n' });
    const result = await publishing(dir, [
      pickServer(sb.plainConnect),
      contentTitle('Sales'),
      integrations('Snowflake (viewer)'),
      deploy,
    ]);
    assert.ok(result, 'the command returned its result');
    const config = fs.readFileSync(path.join(dir, '.posit', 'publish', `${result.configurationName}.toml`), 'utf8');
    assert.match(config, /\[\[integration_requests\]\][^[]*auth_type = "Viewer"/s);
    const language = (label: string): Act => ({ title: /^Copy code for this content$/, type: 'pick', label });
    const copy = async (label: string): Promise<{ code: string | undefined; copied: string[] }> => {
      let code: string | undefined;
      const { copied } = await catchingClipboard(() =>
        withScriptedQuickInput([language(label)], async () => {
          code = await vscode.commands.executeCommand<string>(
            'positSnowflake.copyIntegrationCode',
            vscode.Uri.file(dir),
          );
        }),
      );
      return { code, copied };
    };
    const python = await copy('Python (posit-sdk)');
    assert.deepEqual(python.copied, [python.code], 'the code is what went to the clipboard');
    assert.match(python.code ?? '', /from posit\.connect\.external\.snowflake import PositAuthenticator/);
    assert.match(python.code ?? '', /st\.context\.headers\.get\("Posit-Connect-User-Session-Token"\)/);
    const r = await copy('R (connectapi)');
    assert.deepEqual(r.copied, [r.code]);
    assert.match(r.code ?? '', /connectapi::get_oauth_credentials\(client, user_session_token\)/);
  });

  it('publishes to the Connect inside Snowflake with a Snowflake connection opening the ingress', async () => {
    const added = await addingServer([
      { title: /^Add Connect Server: address/, value: sb.connect },
      { title: /^Add Connect Server: where it runs/, type: 'pick', label: 'Posit Connect inside Snowflake' },
      { title: /^Add Connect Server: Snowflake connection for the ingress/, type: 'pick', label: 'keypair' },
      { title: /^Add Connect Server: API key/, value: sb.connectApiKey },
    ]);
    assert.equal(added?.username, 'publisher1');
    const dir = made(SITE);
    const result = await publishing(dir, [
      pickServer(sb.connect),
      contentTitle('Report in Snowflake'),
      integrations(),
      deploy,
    ]);
    assert.ok(result, 'the command returned its result');
    assert.ok(result.contentUrl.startsWith(sb.connect));
    assert.ok(fs.existsSync(result.recordPath));
  });

  it('a failing deployment is reported once, with one button to the deployment log, and its record claims no success', async () => {
    const dir = made({ ...SITE, FAIL_DEPLOY: 'x' });
    const { result, toasts } = await catchingErrorToasts(() =>
      publishing(dir, [pickServer(sb.plainConnect), contentTitle('Failing report'), integrations(), deploy]),
    );
    assert.equal(result, undefined);
    assert.equal(toasts.length, 1, `one error toast: ${JSON.stringify(toasts)}`);
    assert.match(toasts[0]![0]!, /Connect could not deploy the content/);
    assert.deepEqual(toasts[0]!.slice(1), ['Show Deployment Log'], 'one log button, not "Show Log" beside it');
    const records = path.join(dir, '.posit', 'publish', 'deployments');
    const record = fs.readFileSync(path.join(records, fs.readdirSync(records)[0]!), 'utf8');
    assert.match(record, /\[deployment_error\][^[]*message = "Connect could not deploy the content/s);
    assert.doesNotMatch(record, /^deployed_at/m);
  });

  it('a check that fails before the upload (no requirements.txt) is in the deployment log, as in the toast', async () => {
    const dir = made({ 'app.py': 'import streamlit as st\nst.title("No requirements")\n' });
    const start = await deployLogLength();
    const { result, toasts } = await catchingErrorToasts(() => publishing(dir, [pickServer(sb.plainConnect)]));
    assert.equal(result, undefined);
    assert.equal(toasts.length, 1, `one error toast: ${JSON.stringify(toasts)}`);
    assert.match(toasts[0]![0]!, /requirements\.txt/);
    const lines = await deployLogSince(start);
    assert.ok(
      lines.some((l) => l.startsWith('Not published: ') && l.includes('requirements.txt')),
      `the deployment log says why:\n${lines.join('\n')}`,
    );
    assert.equal(fs.existsSync(path.join(dir, '.posit', 'publish', 'deployments')), false, 'no record is written');
  });

  it('Escape in the entrypoint picker stops the publish quietly: no error toast, nothing deployed, the log says so', async () => {
    const dir = made({ 'notes.txt': 'just notes\n' });
    const kind = { title: /^What is \S+\?$/, type: 'pick', label: 'Streamlit app' } as const;
    const entrypoint = { title: /: entrypoint$/, type: 'escape' } as const;
    const start = await deployLogLength();
    const { result, toasts } = await catchingErrorToasts(() =>
      publishing(dir, [pickServer(sb.plainConnect), kind, entrypoint]),
    );
    assert.equal(result, undefined);
    assert.deepEqual(toasts, [], 'Escape is the person stopping, not an error');
    const lines = await deployLogSince(start);
    assert.ok(lines.includes('Cancelled; nothing was recorded.'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('Not published:') || l.startsWith('Uploaded')), lines.join('\n'));
    assert.equal(fs.existsSync(path.join(dir, '.posit')), false, 'nothing is written into the project');
  });

  it('Remove Connect Server forgets the server and its key', async () => {
    await vscode.commands.executeCommand('positSnowflake.removeConnectServer', sb.plainConnect);
    const dir = made(SITE);
    let offered: readonly string[] = [];
    const win = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
    const saved = win.showQuickPick;
    win.showQuickPick = (async (items: readonly vscode.QuickPickItem[]) => {
      offered = items.map((i) => i.label);
      return undefined;
    }) as unknown as typeof win.showQuickPick;
    try {
      await vscode.commands.executeCommand('positSnowflake.publish', vscode.Uri.file(dir));
    } finally {
      win.showQuickPick = saved;
    }
    assert.ok(!offered.includes(hostOf(sb.plainConnect)), `the removed server is not offered: ${offered.join(', ')}`);
    assert.ok(offered.includes(hostOf(sb.connect)), 'the other server still is');
  });
});
