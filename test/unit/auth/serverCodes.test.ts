// The one code table, row by row: every code explains itself (kind, message, fix) for every kind of connection; the
// HTTP error keeps the server's code through redaction; the refresh-once helper never runs a call more than twice.
import assert from 'node:assert/strict';
import { codeRow, isCredentialRefused, needsSignIn, refusalOf, SERVER_CODES } from '../../../src/core/auth/serverCodes';
import { explainServerFailure } from '../../../src/core/auth/serverFailure';
import type { ConnectionProfile } from '../../../src/core/auth/types';
import { refreshOnceOnRefusal } from '../../../src/core/auth/withAuthRetry';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { HttpError, httpErrorFrom } from '../../../src/core/shared/http';

const base: ConnectionProfile = {
  name: 'prod',
  source: 'connections.toml',
  isDefault: true,
  params: {},
  authenticator: 'SNOWFLAKE_JWT',
  account: 'myorg-acct.eu-west-1',
  baseUrl: 'http://127.0.0.1:1',
  user: 'alice',
  role: 'ANALYST',
};
const PROFILES: readonly ConnectionProfile[] = [
  base,
  { ...base, name: 'oauth', authenticator: 'OAUTH' },
  { ...base, name: 'signin', authenticator: 'OAUTH_AUTHORIZATION_CODE' },
  { ...base, name: 'pat', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN' },
  { ...base, name: 'workbench', authenticator: 'OAUTH', source: 'workbench', user: undefined, role: undefined },
];

/** What a user notices: which refusals get one more try with a fresh credential (or a new login). */
const RETRIED = new Set([
  '390144',
  '394300',
  '394301',
  '394302',
  '394303',
  '394304',
  '394305',
  '394306',
  '390318',
  '390303',
  '394400',
  '390104',
  '390111',
  '390112',
  '390114',
  '405503',
  '407002',
]);

describe('the Snowflake code table', () => {
  for (const [code, row] of Object.entries(SERVER_CODES)) {
    it(`${code} → ${row.refusal}: a message and a fix, for every kind of connection`, () => {
      for (const profile of PROFILES) {
        const err = explainServerFailure(
          { code, message: 'server words' },
          { profile, now: Date.now(), fingerprint: 'SHA256:abc=' },
        );
        assert.equal(err.code, code);
        assert.equal(err.refusal, row.refusal);
        assert.equal(err.kind, row.kind);
        assert.match(err.message, new RegExp(`\\(code ${code}\\)\\. Snowflake said: server words$`));
        assert.ok(err.fix && err.fix.text.length > 10, `${code} for ${profile.name} has a fix`);
        assert.doesNotMatch(err.userText, /undefined|null/, `${code} for ${profile.name}`);
        assert.equal(isCredentialRefused(err), RETRIED.has(code), `${code}: retried with a fresh credential?`);
      }
    });
  }

  it('every code with a retry is in the table (none retried by accident of a missing row)', () => {
    for (const code of RETRIED) assert.ok(codeRow(code), code);
    assert.equal(codeRow('404026')?.refusal, 'driver-config', "the driver's 404xxx options family");
    assert.equal(codeRow('999999'), undefined);
  });

  it('an unknown code still says what happened and what to do, and is not retried', () => {
    const err = explainServerFailure({ code: '390999' }, { profile: base, now: Date.now() });
    assert.match(err.message, /Snowflake refused connection 'prod' \(code 390999\)/);
    assert.ok(err.fix?.text);
    assert.equal(isCredentialRefused(err), false);
  });

  it("390186 on a PAT names the PAT's role restriction; on OAuth, the token's roles", () => {
    const pat = explainServerFailure({ code: '390186' }, { profile: PROFILES[3]!, now: 0 });
    assert.match(pat.message, /programmatic access token of connection 'pat' is restricted to another role/);
    assert.doesNotMatch(pat.userText, /OAuth|sign in/i);
    assert.equal(pat.fix?.command, 'positSnowflake.setPat');
    const oauth = explainServerFailure({ code: '390186' }, { profile: PROFILES[1]!, now: 0 });
    assert.match(oauth.message, /not allowed by its OAuth token/);
  });

  it('names clock skew for the JWT time codes and an expired OAuth token, not for a key mismatch', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const serverDate = now - 7 * 60_000;
    const fix = (code: string) => explainServerFailure({ code, serverDate }, { profile: base, now }).fix?.text ?? '';
    assert.match(fix('394301'), /^Your clock is 7 minutes ahead of Snowflake's\./);
    assert.match(fix('390318'), /^Your clock is 7 minutes ahead/);
    assert.doesNotMatch(fix('394304'), /clock/);
  });

  it('the tree asks for a sign-in from the refusal kind, for a sign-in connection only', () => {
    const expired = explainServerFailure({ code: '390318' }, { profile: PROFILES[2]!, now: 0 });
    assert.equal(needsSignIn(expired, PROFILES[2]!), true);
    assert.equal(needsSignIn(expired, PROFILES[1]!), false, 'an OAuth token from a file is not fixed by signing in');
    const notSignedIn = new SnowflakeExtError('auth', 'Not signed in.', undefined, undefined, {
      refusal: 'sign-in-needed',
    });
    assert.equal(needsSignIn(notSignedIn, PROFILES[2]!), true);
    assert.equal(
      needsSignIn(new SnowflakeExtError('auth', 'x', { text: 'y', command: 'positSnowflake.signIn' }), base),
      false,
    );
  });
});

describe('HttpError keeps the server code through redaction', () => {
  const refusalOfBody = (body: string, status = 401) =>
    httpErrorFrom(new Response(body, { status }), 'https://acct.snowflakecomputing.com/api/v2/x?code=abc', 'POST');

  it("Snowflake's code survives a body full of secrets; the snippet and message are redacted", async () => {
    const body = JSON.stringify({
      code: '390318',
      message: 'OAuth access token expired. token=abcdefgh12345678 Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
      request_id: 'r-1',
    });
    const err = await refusalOfBody(body);
    assert.equal(err.serverCode, '390318');
    assert.equal(err.server.requestId, 'r-1');
    assert.ok(!err.bodySnippet.includes('abcdefgh12345678') && !err.bodySnippet.includes('eyJzdWIi'));
    assert.ok(!err.server.message?.includes('abcdefgh12345678'));
    assert.equal(refusalOf(err), 'auth-expired');
  });

  it("reads Cortex's error_code, Connect's numeric code with its error, and an OAuth error", async () => {
    assert.equal((await refusalOfBody('{"error_code":"394400","message":"PAT invalid"}')).serverCode, '394400');
    const connect = await refusalOfBody('{"code":3,"error":"The requested API key is invalid.","payload":null}');
    assert.equal(connect.server.code, 3);
    assert.equal(connect.server.error, 'The requested API key is invalid.');
    const oauth = await refusalOfBody('{"error":"invalid_grant","error_description":"Refresh token expired"}', 400);
    assert.equal(oauth.server.error, 'invalid_grant');
    assert.equal(oauth.server.message, 'Refresh token expired');
    assert.deepEqual((await refusalOfBody('<html>Sign in</html>')).server, {});
  });

  it('a 401 without a code is a refused credential; a 403 without one is not', async () => {
    assert.equal(isCredentialRefused(await refusalOfBody('Unauthorized')), true);
    assert.equal(isCredentialRefused(await refusalOfBody('{"message":"Forbidden"}', 403)), false);
  });
});

describe('refreshOnceOnRefusal', () => {
  const refused = () => new HttpError(401, new Headers(), '', 'http://x', 'GET');

  it('replaces only the refused credential, once, and gives up after the second refusal', async () => {
    const asked: (string | undefined)[] = [];
    let attempts = 0;
    const err = await refreshOnceOnRefusal<string, never>({
      credential: async (retry) => {
        asked.push(retry?.rejected);
        return `cred-${asked.length}`;
      },
      attempt: async () => {
        attempts++;
        throw refused();
      },
      finalError: () => new SnowflakeExtError('auth', 'explained'),
    }).catch((e: unknown) => e as Error);
    assert.equal(attempts, 2);
    assert.deepEqual(asked, [undefined, 'cred-1']);
    assert.equal(err.message, 'explained');
  });

  it('does not retry a failure a fresh credential cannot cure', async () => {
    let attempts = 0;
    await assert.rejects(
      refreshOnceOnRefusal({
        credential: async () => 'c',
        attempt: async () => {
          attempts++;
          throw explainServerFailure({ code: '390189' }, { profile: base, now: 0 });
        },
      }),
      /not granted to user ALICE/,
    );
    assert.equal(attempts, 1);
  });
});
