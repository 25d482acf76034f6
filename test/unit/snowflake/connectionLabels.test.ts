// What the Connections view says about a connection and an error row (tooltip Markdown, state, menus' context value).
import assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import {
  codeSpan,
  connectionContextValue,
  connectionDescription,
  connectionTooltip,
  errorRowText,
  stateText,
} from '../../../src/core/tree/connectionLabels';
import type { ErrorNode } from '../../../src/core/tree/connectionNodes';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { signInPromptOf } from '../../../src/core/auth/signInText';

const profile = {
  name: 'sandbox_demo',
  account: 'sandbox-demo',
  user: 'DEMO_USER',
  source: 'workbench',
  file: '/home/me/.snowflake/posit-workbench/connections.toml',
  authenticator: 'OAUTH',
  isDefault: true,
  params: {},
} as unknown as ConnectionProfile;

describe('Connections view labels', () => {
  it('tooltips put names and paths in code spans, unescaped, and escape Markdown elsewhere', () => {
    const tip = connectionTooltip(profile, { status: 'notConnected' });
    assert.match(tip, /^\*\*sandbox\\_demo\*\* \(default connection\)/);
    assert.ok(tip.includes('Account: `sandbox-demo`'));
    assert.ok(tip.includes('— `/home/me/.snowflake/posit-workbench/connections.toml`'));
    assert.doesNotMatch(tip, /`[^`]*\\[^`]*`/, 'no backslash inside a code span');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x'), '`` `x ``');
  });

  it('a failed session says what is wrong in a few words, with the server code', () => {
    const expired = new SnowflakeExtError('auth', 'The Posit Workbench token … has expired', undefined, '390318');
    assert.equal(stateText({ status: 'error', error: expired }), 'token expired (390318)');
    const needsPassphrase = new SnowflakeExtError(
      'config',
      'The key is encrypted and no passphrase is set.',
      { text: 'Run Set Key Passphrase.', command: 'positSnowflake.setKeyPassphrase' },
      'passphraseNeeded',
    );
    assert.equal(stateText({ status: 'error', error: needsPassphrase }), 'key passphrase needed');
  });

  it('an expired browser sign-in: the row says "sign-in expired", its menu offers Sign in again, chat a button', () => {
    const oauth = { ...profile, source: 'connections.toml', authenticator: 'OAUTH_AUTHORIZATION_CODE' } as const;
    const expired = { signInExpired: true };
    assert.equal(
      connectionDescription(oauth, { status: 'notConnected' }, expired),
      'default · connections.toml · OAuth sign-in · sign-in expired',
    );
    assert.equal(
      connectionDescription(oauth, { status: 'connected', user: 'U' }, expired),
      'default · connections.toml · OAuth sign-in · connected as U',
      'a session still open keeps working until it ends',
    );
    assert.equal(connectionContextValue(oauth, expired), 'connection.oauth.expired.default');
    const refused = new SnowflakeExtError(
      'auth',
      "The Snowflake sign-in of connection 'c' has expired or was revoked.",
      { text: 'Sign in again.', command: 'positSnowflake.signInAgain', commandTitle: 'Sign in again' },
      'signInExpired',
      { refusal: 'sign-in-needed' },
    );
    assert.equal(stateText({ status: 'error', error: refused }), 'sign-in expired');
    assert.deepEqual(signInPromptOf(refused), {
      message: "The Snowflake sign-in of connection 'c' has expired or was revoked.",
      command: 'positSnowflake.signInAgain',
      title: 'Sign in again',
    });
    const other = new SnowflakeExtError('server', 'Cortex failed.', { text: 'x', command: 'positSnowflake.signIn' });
    assert.equal(signInPromptOf(other), undefined, 'only a refusal only a sign-in cures becomes a button');
  });

  it('context values name how a connection logs in, so its menu offers its fix', () => {
    assert.equal(connectionContextValue(profile), 'connection.token.workbench.default');
    assert.equal(
      connectionContextValue({
        ...profile,
        source: 'connections.toml',
        isDefault: false,
        authenticator: 'SNOWFLAKE_JWT',
      }),
      'connection.keypair',
    );
  });

  it('an error row whose fix is a connection command leads with it; others keep Retry', () => {
    const base = {
      kind: 'error',
      id: 'c/x/#error',
      parentId: 'c/x',
      connectionName: 'x',
      errorKind: 'config',
    } as const;
    const fixable: ErrorNode = {
      ...base,
      message: 'The private key … is encrypted and no passphrase is set.',
      fix: { text: "Run 'Snowflake: Set Key Passphrase'.", command: 'positSnowflake.setKeyPassphrase' },
    };
    const row = errorRowText(fixable);
    assert.equal(row.label, 'Set Key Passphrase: The private key … is encrypted and no passphrase is set.');
    assert.equal(row.contextValue, 'error.setKeyPassphrase');
    assert.match(row.tooltip, /Click to run Set Key Passphrase; the view then loads again\.$/);
    const plain = errorRowText({ ...base, message: 'Snowflake answered HTTP 503.', fix: { text: 'Try again.' } });
    assert.deepEqual(
      [plain.label, plain.description, plain.contextValue],
      ['Snowflake answered HTTP 503.', 'Try again.', 'error'],
    );
  });
});
