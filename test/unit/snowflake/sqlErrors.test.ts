import assert from 'node:assert/strict';
import { CancelledError, SnowflakeExtError } from '../../../src/core/shared/errors';
import { needsReauth, toSqlError } from '../../../src/core/snowflake/sqlErrors';
import { driverError } from './fakeSql';

describe('sqlErrors', () => {
  it('an expired OAuth token or session asks for a fresh login; an ordinary SQL error does not', () => {
    for (const code of ['390318', '390114', '390111', '407002', '394400'])
      assert.equal(needsReauth(driverError(code)), true, code);
    for (const code of ['002003', '390100', '401002']) assert.equal(needsReauth(driverError(code)), false, code);
    assert.equal(needsReauth(toSqlError(driverError('390318'), 'x')), true, 'still recognised once typed');
  });

  it('says what was being done, and what to do', () => {
    const e = toSqlError(driverError('390318', 'OAuth access token expired. [1234]'), 'Listing databases');
    assert.equal(e.kind, 'auth');
    assert.equal(e.code, '390318');
    assert.match(e.message, /^Listing databases: Snowflake refused the credential/);
    assert.equal(e.fix?.command, 'positSnowflake.testConnection');
  });

  it('maps HTTP failures, network errors and missing objects', () => {
    const http = (status: number) =>
      Object.assign(driverError('401002', 'Request to Snowflake failed.'), { response: { status } });
    assert.equal(toSqlError(http(503), 'x').kind, 'server');
    assert.equal(toSqlError(http(403), 'x').kind, 'permission');
    assert.equal(toSqlError(http(429), 'x').kind, 'rateLimit');
    assert.equal(toSqlError(driverError('401001', 'connect ECONNREFUSED'), 'x').kind, 'network');
    assert.equal(
      toSqlError(driverError('002003', "Schema 'A.B' does not exist or not authorized.", '02000'), 'x').kind,
      'notFound',
    );
    assert.equal(toSqlError(driverError('003001', 'Insufficient privileges', '42501'), 'x').kind, 'permission');
    assert.equal(toSqlError(driverError('404026', 'Invalid private key'), 'x').kind, 'config');
  });

  it('keeps typed errors and cancellation as they are', () => {
    const typed = new SnowflakeExtError('config', 'already typed');
    assert.equal(toSqlError(typed, 'x'), typed);
    assert.ok(toSqlError(new CancelledError(), 'x') instanceof CancelledError);
  });
});
