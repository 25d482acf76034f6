// `posit-snowflake publish` against the emulator: the content URL on stdout, progress and task lines on stderr,
// exit codes for CI, and Connect inside Snowflake through the CLI's own auth service.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { fixedRuntimeProbe } from '../../support/fixedRuntimeProbe';
import { runPublishCli } from '../../../src/cli/commands/publish';
import { startAuthWorld, type AuthWorld } from '../auth/authHarness';
import type { ConnectState } from '../../emulator/connect';
import { makeProject, removeProjects } from './projectFixture';

const STREAMLIT = { 'app.py': 'import streamlit as st\n', 'requirements.txt': 'streamlit\n' };

function io(env: Record<string, string | undefined>): {
  env: typeof env;
  out: string[];
  err: string[];
  stdout: { write(t: string): void };
  stderr: { write(t: string): void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, stdout: { write: (t) => out.push(t) }, stderr: { write: (t) => err.push(t) } };
}

describe('CLI: posit-snowflake publish', function () {
  this.timeout(30_000);
  let w: AuthWorld;
  const probe = fixedRuntimeProbe({ python: '3.11.9' });
  before(async () => {
    w = await startAuthWorld();
  });
  after(async () => {
    await w.close();
    removeProjects();
  });

  it('publishes to a plain Connect: URL on stdout, task lines on stderr, exit 0', async () => {
    const dir = makeProject(STREAMLIT);
    const c = io({ CONNECT_API_KEY: w.emu.connectApiKey });
    const code = await runPublishCli([dir, '--server', w.emu.plainConnectUrl], c, { probe });
    assert.equal(code, 0, c.err.join(''));
    assert.match(c.out.join(''), new RegExp(`^${w.emu.plainConnectUrl}/content/[0-9a-f-]+/\\n$`));
    assert.match(c.err.join(''), /Detected python-streamlit \(entrypoint app\.py\)/);
    assert.match(c.err.join(''), / {2}Content is running/);
  });

  it('reaches a Connect inside Snowflake with --snowflake-connection and --api-key-env', async () => {
    const dir = makeProject(STREAMLIT);
    const c = io({ ...w.emu.home!.env, MY_KEY: w.emu.connectApiKey });
    const code = await runPublishCli(
      [dir, '--server', w.emu.connectUrl, '--snowflake-connection', 'keypair', '--api-key-env', 'MY_KEY'],
      c,
      { probe, homedir: w.dir },
    );
    assert.equal(code, 0, c.err.join(''));
    assert.match(c.out.join(''), new RegExp(`^${w.emu.connectUrl}/content/`));
  });

  it('exit 1 with the fix on stderr when the deployment fails', async () => {
    const dir = makeProject({ ...STREAMLIT, FAIL_DEPLOY: 'x' });
    const c = io({ CONNECT_API_KEY: w.emu.connectApiKey });
    assert.equal(await runPublishCli([dir, '--server', w.emu.plainConnectUrl], c, { probe }), 1);
    assert.match(c.err.join(''), /Last lines of the deployment log:\n(.|\n)*ERROR: The content failed to start/);
    assert.match(c.err.join(''), /posit-snowflake publish: Connect could not deploy the content/);
    assert.equal(c.out.join(''), '');
  });

  it('exit 2 for usage mistakes, routed from the main CLI', async () => {
    const noServer = io({});
    assert.equal(await runCli(['publish', '.'], noServer), 2);
    assert.match(noServer.err.join(''), /--server <url> is required/);
    const noKey = io({});
    assert.equal(await runCli(['publish', '.', '--server', 'https://connect.example.com'], noKey), 2);
    assert.match(noKey.err.join(''), /API key is not in \$CONNECT_API_KEY/);
    const badType = io({ CONNECT_API_KEY: 'k' });
    assert.equal(
      await runCli(['publish', '.', '--server', 'https://c.example.com', '--type', 'python-rocket'], badType),
      2,
    );
    assert.match(badType.err.join(''), /--type python-rocket is not a Connect app mode/);
  });

  it('an unknown project: exit 1 with how to say what it is', async () => {
    const dir = makeProject({ 'notes.txt': 'hello' });
    const c = io({ CONNECT_API_KEY: w.emu.connectApiKey });
    assert.equal(await runPublishCli([dir, '--server', w.emu.plainConnectUrl], c, { probe }), 1);
    assert.match(
      c.err.join(''),
      /Cannot tell what kind of content .* is.*--entrypoint app\.py --type python-streamlit/,
    );
    const forced = io({ CONNECT_API_KEY: w.emu.connectApiKey });
    assert.equal(
      await runPublishCli(
        [dir, '--server', w.emu.plainConnectUrl, '--entrypoint', 'notes.txt', '--type', 'static'],
        forced,
        { probe },
      ),
      0,
      forced.err.join(''),
    );
  });

  it('--integration (repeatable), --env, --secret from the environment, --draft and --quarto-version', async () => {
    const connect = w.emu.connectState as ConnectState;
    const dir = makeProject({ 'report.qmd': '---\ntitle: Regional sales\n---\n# Sales\n' });
    const c = io({ CONNECT_API_KEY: w.emu.connectApiKey, DB_PASSWORD: 'pw-from-env' });
    const code = await runPublishCli(
      [
        dir,
        '--server',
        w.emu.plainConnectUrl,
        '--integration',
        'Snowflake (viewer)',
        '--integration',
        'GitHub',
        '--env',
        'REGION=EMEA',
        '--secret',
        'DB_PASSWORD',
        '--quarto-version',
        '1.6.40',
      ],
      c,
      { probe },
    );
    assert.equal(code, 0, c.err.join(''));
    assert.match(c.err.join(''), /Associated the content with 2 OAuth integration\(s\)/);
    const guid = /content\/([0-9a-f-]+)\//.exec(c.out.join(''))![1]!;
    const content = connect.contents.get(guid)!;
    assert.deepEqual(
      [content.environment.get('REGION'), content.environment.get('DB_PASSWORD')],
      ['EMEA', 'pw-from-env'],
    );
    assert.equal(connect.bundles.get(content.bundle_id!)!.manifest.quarto.version, '1.6.40');
    assert.equal(content.title, 'Regional sales');
    assert.equal(connect.oauth.associations.get(guid)?.length, 2);
    const active = content.bundle_id;
    fs.appendFileSync(path.join(dir, 'report.qmd'), '\nMore.\n');
    const draft = io({ CONNECT_API_KEY: w.emu.connectApiKey, DB_PASSWORD: 'pw-from-env' });
    assert.equal(
      await runPublishCli([dir, '--server', w.emu.plainConnectUrl, '--draft', '--quarto-version', '1.6.40'], draft, {
        probe,
      }),
      0,
      draft.err.join(''),
    );
    assert.match(draft.err.join(''), /as a draft \(not activated\)/);
    assert.equal(content.bundle_id, active, 'Connect still serves the active bundle');
    const missing = io({ CONNECT_API_KEY: w.emu.connectApiKey });
    assert.equal(
      await runPublishCli([dir, '--server', w.emu.plainConnectUrl, '--quarto-version', '1.6.40'], missing, { probe }),
      1,
    );
    assert.match(missing.err.join(''), /needs the secret DB_PASSWORD.*set the environment variable DB_PASSWORD/);
  });
});
