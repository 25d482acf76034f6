import assert from 'node:assert/strict';
import { onOwnLines } from '../../../src/core/shared/ownLines';

describe('text inserted on its own lines', () => {
  it('breaks the line before and after when the cursor sits between other text', () => {
    assert.equal(onOwnLines('SELECT 1;', '"""Docstring."""', 'import x'), '\nSELECT 1;\n');
  });

  it('adds nothing on an empty line, and drops blank lines around the text', () => {
    assert.equal(onOwnLines('\nSELECT 1;\n\n', '  ', ''), 'SELECT 1;');
  });

  it('breaks only on the side that has text', () => {
    assert.equal(onOwnLines('SELECT 1;', 'FROM t', ''), '\nSELECT 1;');
    assert.equal(onOwnLines('SELECT 1;', '', 'FROM t'), 'SELECT 1;\n');
  });
});
