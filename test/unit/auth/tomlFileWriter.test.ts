// What an edit of connections.toml leaves behind: no temp file of a killed edit survives the next edit (they hold
// part of the new text, secrets included), a temp file that may be another edit's is left alone, and a hard-linked
// file is refused with a clear message instead of being cut off from its other name.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendConnection, editTomlFile } from '../../../src/core/connections/edit/connectionsFileEditor';
import { SnowflakeExtError } from '../../../src/core/shared/errors';

describe('connections file writes: stale temp files and hard links', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'psf-write-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it("removes a killed edit's temp file on the next edit, and leaves one that may be in progress", async () => {
    const file = path.join(dir, 'connections.toml');
    await fsp.writeFile(file, '[a]\naccount = "x"\n', { mode: 0o600 });
    const killed = path.join(dir, '.connections.toml.0123456789ab.tmp');
    const fresh = path.join(dir, '.connections.toml.ba9876543210.tmp');
    const notOurs = path.join(dir, '.connections.toml.notours.tmp');
    for (const p of [killed, fresh, notOurs]) await fsp.writeFile(p, '[b]\ntoken = "half-written-pat', { mode: 0o600 });
    const old = new Date(Date.now() - 10 * 60_000);
    await fsp.utimes(killed, old, old);
    await fsp.utimes(notOurs, old, old);
    await editTomlFile(file, (t) => appendConnection(t, 'b', { account: 'y' }));
    assert.deepEqual((await fsp.readdir(dir)).sort(), [
      '.connections.toml.ba9876543210.tmp',
      '.connections.toml.notours.tmp',
      'connections.toml',
    ]);
    assert.match(await fsp.readFile(file, 'utf8'), /\[b\]\naccount = "y"/);
  });

  it('refuses to edit a hard-linked file, leaving both names as they were', async () => {
    const file = path.join(dir, 'connections.toml');
    const other = path.join(dir, 'dotfiles-connections.toml');
    await fsp.writeFile(file, '[a]\naccount = "x"\n', { mode: 0o600 });
    await fsp.link(file, other);
    const err = await editTomlFile(file, (t) => appendConnection(t, 'b', { account: 'y' })).catch((e: unknown) => e);
    assert.ok(err instanceof SnowflakeExtError);
    assert.equal(
      err.userText,
      `${file} has 2 hard links; writing the edit would cut it off from the other name, so it was left unchanged. Make the change by hand ('Snowflake: Open Connections File'), or replace the hard link with a symbolic link, which edits keep.`,
    );
    assert.equal(err.fix?.command, 'positSnowflake.openConnectionsFile');
    assert.equal((await fsp.stat(file)).nlink, 2);
    assert.equal(await fsp.readFile(other, 'utf8'), '[a]\naccount = "x"\n');
    assert.deepEqual((await fsp.readdir(dir)).sort(), ['connections.toml', 'dotfiles-connections.toml']);
  });
});
