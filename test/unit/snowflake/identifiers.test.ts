import assert from 'node:assert/strict';
import {
  needsQuoting,
  qualifiedName,
  quoteIdentifier,
  sqlIdentifier,
  sqlString,
} from '../../../src/core/snowflake/identifiers';

describe('identifiers', () => {
  it('leaves plain upper-case names as a user would type them', () => {
    assert.equal(quoteIdentifier('SALES_DB'), 'SALES_DB');
    assert.equal(quoteIdentifier('_T$1'), '_T$1');
    assert.equal(qualifiedName('SALES_DB', 'PUBLIC', 'ORDERS'), 'SALES_DB.PUBLIC.ORDERS');
  });

  it('quotes names that would not resolve to themselves unquoted', () => {
    assert.equal(quoteIdentifier('orders'), '"orders"'); // lower case would be upper-cased
    assert.equal(quoteIdentifier('My Table'), '"My Table"');
    assert.equal(quoteIdentifier('1ST'), '"1ST"');
    assert.equal(quoteIdentifier('ORDER'), '"ORDER"'); // reserved word
    assert.equal(quoteIdentifier('ÄPFEL'), '"ÄPFEL"');
    assert.equal(quoteIdentifier(''), '""');
  });

  it('doubles internal double quotes', () => {
    assert.equal(quoteIdentifier('say "hi"'), '"say ""hi"""');
    assert.equal(qualifiedName('DB', 'we"ird', 'T'), 'DB."we""ird".T');
  });

  it('always quotes identifiers in generated SQL', () => {
    assert.equal(sqlIdentifier('SALES_DB', 'PUBLIC'), '"SALES_DB"."PUBLIC"');
    assert.equal(sqlIdentifier('a"b'), '"a""b"');
  });

  it('escapes string literals for LIMIT ... FROM cursors', () => {
    assert.equal(sqlString("O'Brien"), "'O''Brien'");
    assert.equal(sqlString('back\\slash'), "'back\\\\slash'");
  });

  it('knows which names need quoting', () => {
    assert.equal(needsQuoting('PUBLIC'), false);
    assert.equal(needsQuoting('TABLE'), true);
    assert.equal(needsQuoting('a'), true);
  });
});
