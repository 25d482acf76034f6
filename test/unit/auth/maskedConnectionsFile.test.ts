// A Workbench-managed connections file shown on screen: secrets masked, every other byte as it was.
import assert from 'node:assert/strict';
import { maskSecretsInToml } from '../../../src/core/connections/edit/maskedConnectionsFile';

describe('masked connections file', () => {
  it('hides token, password and passphrase values and keeps the rest of the text', () => {
    const text = [
      '# written by Posit Workbench',
      '[workbench]',
      'account = "sandbox-demo"',
      'authenticator = "oauth"',
      "token = 'ver:1-hint:123-ETMsDgAAAZ'  # rotates",
      '',
      '[mine]',
      'password = """multi',
      'line"""',
      'private_key_file_pwd="p4ss"',
      'user = "DEMO_USER"',
      '',
    ].join('\n');
    const masked = maskSecretsInToml(text);
    assert.equal(
      masked,
      [
        '# written by Posit Workbench',
        '[workbench]',
        'account = "sandbox-demo"',
        'authenticator = "oauth"',
        'token = "***"  # rotates',
        '',
        '[mine]',
        'password = "***"',
        'private_key_file_pwd="***"',
        'user = "DEMO_USER"',
        '',
      ].join('\n'),
    );
    for (const secret of ['ETMsDgAAAZ', 'multi', 'p4ss']) assert.ok(!masked.includes(secret), secret);
  });
});
