// Tokens read from files others rewrite: re-read when the mtime changes, the SPCS session token when a connection
// has none, and never anything copied to the SecretStore.
import assert from 'node:assert/strict';
import { createAuthService } from '../../../src/core/auth/authService';
import { MemorySecretStorage, SecretStore } from '../../../src/core/auth/secretStore';
import { MemoryLogger } from '../../support/memoryLogger';
import { HOME, MemoryFs, hostOf } from './memoryFs';

function service(fs: MemoryFs, env: Record<string, string> = {}) {
  const raw = new MemorySecretStorage();
  return {
    raw,
    auth: createAuthService({ host: hostOf(fs, env), secrets: new SecretStore(raw), logger: new MemoryLogger() }),
  };
}

describe('file tokens', () => {
  it('inside SPCS, an oauth connection without a token uses /snowflake/session/token, re-read when rewritten', async () => {
    const fs = new MemoryFs({ '/snowflake/session/token': 'spcs-1\n' });
    const { auth, raw } = service(fs, { SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_HOST: 'acct.snowflakecomputing.com' });
    const c = await auth.getConnection('default');
    assert.equal((await auth.forRest(c)).headers.Authorization, 'Bearer spcs-1');
    fs.file('/snowflake/session/token', 'spcs-2');
    assert.deepEqual(await auth.forLogin(c), { authenticator: 'OAUTH', token: 'spcs-2' });
    assert.equal(raw.data.size, 0);
  });

  it('token_file_path: read once per file version (mtime), trimmed', async () => {
    const fs = new MemoryFs({
      [`${HOME}/.snowflake/connections.toml`]:
        '[c]\naccount = "a"\nauthenticator = "oauth"\ntoken_file_path = "~/tok"\n',
      [`${HOME}/tok`]: ' one \n',
    });
    const { auth } = service(fs);
    const c = await auth.getConnection('c');
    await auth.forRest(c);
    await auth.forRest(c);
    assert.equal(fs.reads.filter((p) => p === `${HOME}/tok`).length, 1);
    fs.file(`${HOME}/tok`, 'two');
    assert.equal((await auth.forRest(c)).headers.Authorization, 'Bearer two');
  });

  it('a Workbench file rewritten with a new token is picked up by a profile resolved before', async () => {
    const dir = '/var/lib/posit-workbench/s/snowflake';
    const fs = new MemoryFs({
      [`${dir}/connections.toml`]: '[workbench]\naccount = "a"\ntoken = "wb-1"\nauthenticator = "oauth"\n',
    });
    const { auth, raw } = service(fs, { SNOWFLAKE_HOME: dir, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'workbench' });
    const c = await auth.getConnection('workbench');
    assert.equal((await auth.forRest(c)).headers.Authorization, 'Bearer wb-1');
    fs.file(`${dir}/connections.toml`, '[workbench]\naccount = "a"\ntoken = "wb-2"\nauthenticator = "oauth"\n');
    assert.equal((await auth.forRest(c)).headers.Authorization, 'Bearer wb-2');
    assert.equal(raw.data.size, 0);
  });
});
