import assert from 'node:assert/strict';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { needsReauth, toSqlError } from '../../../src/core/snowflake/sqlErrors';
import { driverError, profile } from './fakeSql';

const p = profile();

describe('sqlErrors', () => {
  it('an expired OAuth token or session asks for a fresh login; an ordinary SQL error does not', () => {
    for (const code of ['390318', '390114', '390111', '407002', '394400', '394302', '394304'])
      assert.equal(needsReauth(driverError(code)), true, code);
    for (const code of ['002003', '390100', '390189', '390186', '401002'])
      assert.equal(needsReauth(driverError(code)), false, code);
    assert.equal(needsReauth(toSqlError(driverError('390318'), 'x', p)), true, 'still recognised once typed');
  });

  it("says what was being done, and explains the code from the one table (the session's connection named)", () => {
    const e = toSqlError(driverError('390318', 'OAuth access token expired. [1234]'), 'Listing databases', p);
    assert.equal(e.kind, 'auth');
    assert.equal(e.code, '390318');
    assert.equal(e.refusal, 'auth-expired');
    assert.match(e.message, /^Listing databases: The OAuth token of connection 'dev' has expired \(OAuth access token/);
    assert.ok(e.fix?.text);
  });

  it("a PAT's role refusal (390186) names the PAT's role restriction, not an OAuth sign-in", () => {
    const pat = profile({ authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', role: 'ANALYST' });
    const e = toSqlError(driverError('390186', 'The role requested ... is not listed in the Access Token'), 'x', pat);
    assert.equal(e.refusal, 'role');
    assert.match(e.message, /programmatic access token .* restricted to another role than 'ANALYST'/);
    assert.doesNotMatch(e.userText, /OAuth|sign in/i);
    assert.equal(e.fix?.command, 'positSnowflake.setPat');
  });

  it('maps HTTP failures, network errors and missing objects', () => {
    const http = (status: number) =>
      Object.assign(driverError('401002', 'Request to Snowflake failed.'), { response: { status } });
    assert.equal(toSqlError(http(503), 'x', p).kind, 'server');
    assert.equal(toSqlError(http(403), 'x', p).kind, 'permission');
    assert.equal(toSqlError(http(429), 'x', p).kind, 'rateLimit');
    assert.equal(toSqlError(driverError('401001', 'connect ECONNREFUSED'), 'x', p).kind, 'network');
    const missing = toSqlError(
      driverError('002003', "Schema 'A.B' does not exist or not authorized.", '02000'),
      'x',
      p,
    );
    assert.equal(missing.kind, 'notFound');
    assert.match(missing.message, /Schema 'A\.B' does not exist/, "keeps Snowflake's words");
    assert.equal(toSqlError(driverError('003001', 'Insufficient privileges', '42501'), 'x', p).kind, 'permission');
    assert.equal(toSqlError(driverError('404026', 'Invalid private key'), 'x', p).kind, 'config');
    const noWarehouse = toSqlError(driverError('000606', 'No active warehouse selected'), 'x', p);
    assert.equal(noWarehouse.refusal, 'warehouse-missing');
    assert.equal(noWarehouse.fix?.command, 'positSnowflake.switchWarehouse');
  });

  it('keeps typed errors and cancellation as they are', () => {
    const typed = new SnowflakeExtError('config', 'already typed');
    assert.equal(toSqlError(typed, 'x', p), typed);
    assert.ok(toSqlError(new CancelledError(), 'x', p) instanceof CancelledError);
  });
});
