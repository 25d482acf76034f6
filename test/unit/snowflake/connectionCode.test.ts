import assert from 'node:assert/strict';
import { pythonConnectionCode, rConnectionCode } from '../../../src/core/snowflake/connectionCode';
import { displayType, previewHtml } from '../../../src/core/tree/previewHtml';

describe('connection code', () => {
  it('opens the same named connection from Python', () => {
    assert.equal(
      pythonConnectionCode('workbench'),
      'import snowflake.connector\n\nconn = snowflake.connector.connect(connection_name="workbench")\n',
    );
  });

  it('opens the same named connection from R with DBI and odbc', () => {
    assert.match(rConnectionCode('prod'), /^con <- DBI::dbConnect\(odbc::snowflake\(\), connection_name = "prod"\)$/m);
  });

  it('keeps odd names valid string literals', () => {
    assert.match(pythonConnectionCode('a"b\\c'), /connection_name="a\\"b\\\\c"/);
  });
});

describe('table preview', () => {
  const preview = {
    columns: [
      { name: 'ID', type: 'fixed', nullable: false, precision: 38, scale: 0 },
      { name: 'NOTE', type: 'text', nullable: true },
    ],
    rows: [
      ['1', '<b>hi</b>'],
      ['2', null],
    ],
  };

  it('shows Snowflake type names', () => {
    assert.equal(displayType(preview.columns[0]!), 'NUMBER(38,0)');
    assert.equal(displayType({ name: 'T', type: 'timestamp_ntz', nullable: true }), 'TIMESTAMP_NTZ');
  });

  it('renders every row, escapes values, shows NULL, and runs no script', () => {
    const html = previewHtml('Preview: D.S.T', preview, 100);
    assert.match(html, /<th[^>]*>ID<br><span class="type">NUMBER\(38,0\)<\/span><\/th>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.ok(html.includes('&lt;b&gt;hi&lt;/b&gt;'));
    assert.ok(!html.includes('<b>hi'));
    assert.ok(html.includes('<td class="null">NULL</td>'));
    assert.match(html, /default-src 'none'/);
    assert.ok(html.includes('2 rows'));
  });
});
