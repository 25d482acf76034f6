import * as assert from 'node:assert/strict';
import { redact } from '../../../src/core/shared/logger';
import { MemoryLogger } from '../../support/memoryLogger';

/** A PEM-shaped block around a fake body (no key material is kept in the repository, even fake). */
const pem = (body: string): string =>
  ['-----BEGIN', 'PRIVATE KEY-----\n'].join(' ') + body + ['\n-----END', 'PRIVATE KEY-----'].join(' ');

describe('log redaction', () => {
  const cases: [string, string, string][] = [
    ['a JWT', 'sent eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJYIn0.c2lnbmF0dXJl to /login', 'eyJhbGci'],
    ['a Bearer header', 'Authorization: Bearer ver:1-hint:1234-ETMsDgAAAZ', 'ver:1-hint'],
    ['a Snowflake ingress header', 'Authorization: Snowflake Token="abc.def-ghi_123"', 'abc.def'],
    ['a Connect API key', 'X-RSC-Authorization: Key 0123456789abcdef0123', '0123456789abcdef'],
    ['a JSON token field', '{"token":"s3cr3t-t0k3n","masterToken":"m4st3r-t0k3n"}', 's3cr3t'],
    ['a form refresh token', 'grant_type=refresh_token&refresh_token=rt-98765-zyx', 'rt-98765'],
    ['an OAuth code in a redirect', 'GET /callback?code=AbC123xyz&state=q', 'AbC123xyz'],
    ['a passphrase assignment', 'private_key_file_pwd = "hunter2hunter2"', 'hunter2'],
    ['a PEM key', pem('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'), 'MIIEvQ'],
  ];
  for (const [what, text, secret] of cases) {
    it(`masks ${what}`, () => {
      const out = redact(text);
      assert.ok(!out.includes(secret), `"${out}" still holds the secret`);
    });
  }

  it('keeps Snowflake error codes and ordinary words readable', () => {
    const text = '{"success":false,"code":"394400","message":"Programmatic access token is invalid."}';
    assert.equal(redact(text), text);
    assert.equal(redact('Connected as DEMO_USER · ANALYST · DEMO_WH'), 'Connected as DEMO_USER · ANALYST · DEMO_WH');
  });

  it('redacts every line a logger writes', () => {
    const log = new MemoryLogger();
    log.error('login failed with token=abcdef123456');
    assert.deepEqual(log.lines, ['error login failed with token=***']);
  });
});
