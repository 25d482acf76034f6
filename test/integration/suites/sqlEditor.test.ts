// Running SQL from a .sql editor inside a real VS Code against the emulator: a file with two statements and an
// error runs up to the error, the results panel shows both results, the error is marked at its line, and the
// statements are in the query history.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { choosingInQuickPicks, testDoors } from './authSandbox';

const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

interface RunOutcome {
  readonly summary: { succeeded: number; failed: number; skipped: number };
  readonly html: string;
}

/**
 * A .sql file on disk: an untitled document can come back as a just-closed one with its old text (its name reused),
 * so the statements run would not be these.
 */
async function sqlFile(sql: string): Promise<vscode.TextDocument> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sql-editor-')), 'script.sql');
  fs.writeFileSync(file, sql);
  return vscode.workspace.openTextDocument(vscode.Uri.file(file));
}

describe('SQL editor', function () {
  this.timeout(180_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Run File runs the statements up to the first error, shows results, marks the error and keeps history', async () => {
    const sql = [
      'SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS;',
      "SELECT 'two' AS SECOND;",
      '',
      '-- the next one is misspelt',
      'SELEC 3;',
      'SELECT 4;',
    ].join('\n');
    const doc = await sqlFile(sql);
    await vscode.window.showTextDocument(doc);
    assert.equal(await vscode.commands.executeCommand('positSnowflake.chooseEditorConnection', 'keypair'), 'keypair');
    await vscode.window.showTextDocument(doc);
    // After another suite closed its untitled SQL documents, the name is reused and the old text can linger in the
    // active editor for a moment: run only once the editor shows this file.
    for (let i = 0; i < 50 && vscode.window.activeTextEditor?.document.getText() !== sql; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(vscode.window.activeTextEditor?.document.getText(), sql);
    const out = await vscode.commands.executeCommand<RunOutcome>('positSnowflake.runFile');
    assert.ok(out, 'the run finished (no error was shown instead)');
    assert.deepEqual([out.summary.succeeded, out.summary.failed, out.summary.skipped], [2, 1, 1]);
    // What the results panel shows: each statement's status, rows, types, query id; the error; the summary.
    assert.match(out.html, /Connection: keypair/);
    assert.match(out.html, /Statement 1 · line 1 · succeeded · \d+ rows · query id [0-9a-f-]{36}/);
    assert.match(out.html, /<th[^>]*>CUSTOMER_ID<br><span class="type">NUMBER\(38,0\)<\/span><\/th>/);
    assert.match(out.html, /Statement 2 · line 2 · succeeded · 1 row/);
    assert.match(out.html, /<td>two<\/td>/);
    // The grids show the same: the second statement's one row, its column typed.
    const results = (await testDoors()).results;
    const second = await results.waitFor(1, (g) => g.visible.length === 1);
    assert.deepEqual(second.visible[0], { n: 1, values: ['two'] });
    assert.equal(results.view()?.statements[1]?.grid?.columns[0]?.name, 'SECOND');
    assert.match(out.html, /Statement 3 · line 4 · failed/);
    assert.match(out.html, /syntax error line 2 at position 0 unexpected &#39;SELEC&#39;/);
    assert.doesNotMatch(out.html, /SELECT 4/, 'the statement after the error did not run');
    assert.match(out.html, /4 statements: 2 succeeded, 1 failed \(line 5\), 1 not run/);

    // The error is marked where Snowflake says (line 2 of the statement sent, which starts with its comment):
    // on the word SELEC, line 5 of the file.
    const diags = vscode.languages.getDiagnostics(doc.uri);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.deepEqual([diags[0]!.range.start.line, diags[0]!.range.start.character], [4, 0]);
    assert.equal(doc.getText(diags[0]!.range), 'SELEC');
    assert.match(diags[0]!.message, /syntax error/);

    // The history has the three statements that ran, newest first; the failed one opens as a SQL document.
    const first = await choosingInQuickPicks(['SELEC 3', 'Open in Editor'], () =>
      vscode.commands.executeCommand('positSnowflake.queryHistory'),
    );
    const [newest, middle, oldest] = first.offered[0] ?? [];
    assert.match(newest ?? '', /^SELEC 3 \(failed/);
    assert.match(middle ?? '', /^SELECT 'two' AS SECOND \(succeeded · 1 row/);
    assert.match(oldest ?? '', /^SELECT \* FROM SALES_DB\.PUBLIC\.CUSTOMERS \(succeeded · \d+ rows/);
    assert.deepEqual(first.offered[1], ['Run Again (on keypair)', 'Open in Editor']);
    const opened = vscode.window.activeTextEditor?.document;
    assert.equal(opened?.languageId, 'sql');
    assert.equal(opened?.getText(), '-- the next one is misspelt\nSELEC 3');
    await choosingInQuickPicks(['SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS', 'Open in Editor'], () =>
      vscode.commands.executeCommand('positSnowflake.queryHistory'),
    );
    assert.equal(vscode.window.activeTextEditor?.document.getText(), 'SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS');
  });

  it('scrolls a 1,000,000-row result to its last rows, sorts, filters and copies loaded rows, exports all of it', async () => {
    const sql = 'SELECT EVENT_ID, KIND, AMOUNT FROM BIG_DB.PUBLIC.EVENTS ORDER BY EVENT_ID';
    const doc = await sqlFile(sql);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('positSnowflake.chooseEditorConnection', 'keypair');
    await vscode.window.showTextDocument(doc);
    const out = await vscode.commands.executeCommand<RunOutcome>('positSnowflake.runStatement');
    assert.match(out.html, /Statement 1 · line 1 · succeeded · 1,000,000 rows · query id/);
    const results = (await testDoors()).results;
    const top = await results.waitFor(0, (g) => g.visible[0]?.values[0] === '1');
    assert.equal(top.totalRows, 1_000_000);
    assert.deepEqual(top.visible[0]?.values, ['1', 'view', '0.00']);
    assert.deepEqual(
      results.view()?.statements[0]?.grid?.columns.map((c) => `${c.name} ${c.type}`),
      ['EVENT_ID NUMBER(38,0)', 'KIND VARCHAR', 'AMOUNT NUMBER(10,2)'],
    );

    // To the bottom: the last rows arrive from the last result chunk.
    results.act(0, { kind: 'scrollTo', row: 999_999 });
    const bottom = await results.waitFor(0, (g) => g.visible.at(-1)?.values[0] === '1000000');
    assert.deepEqual(bottom.visible.at(-1), { n: 1_000_000, values: ['1000000', 'refund', '999.63'] });
    assert.ok(
      bottom.visible.every((r, i, all) => i === 0 || r.n === all[i - 1]!.n + 1),
      'consecutive rows',
    );
    assert.ok(bottom.loadedRows <= 25_000, `the grid holds a bounded number of rows (${bottom.loadedRows})`);

    // Sort and filter apply to the loaded rows (the top ones and the bottom ones).
    results.act(0, { kind: 'sort', column: 0, direction: 'desc' });
    const sorted = await results.waitFor(0, (g) => g.sort?.direction === 'desc' && g.firstRow === 0);
    assert.equal(sorted.visible[0]?.values[0], '1000000');
    assert.equal(sorted.shownRows, sorted.loadedRows);
    results.act(0, { kind: 'filter', text: 'PURCHASE' });
    const filtered = await results.waitFor(0, (g) => g.filter === 'PURCHASE');
    assert.ok(filtered.visible.length > 0 && filtered.visible.every((r) => r.values[1] === 'purchase'));
    assert.ok((filtered.shownRows ?? 0) < filtered.loadedRows);
    assert.equal(filtered.visible[0]?.values[0], '999999', 'still sorted: the highest purchase first');

    // Copy a cell, its row and its column as TSV.
    results.act(0, { kind: 'select', row: 0, column: 2 });
    await results.waitFor(0, (g) => g.selected?.column === 2);
    const copied = async (what: 'cell' | 'row' | 'column'): Promise<string> => {
      await vscode.env.clipboard.writeText('');
      results.act(0, { kind: 'copy', what });
      for (let i = 0; i < 100; i++) {
        const text = await vscode.env.clipboard.readText();
        if (text) return text;
        await new Promise((r) => setTimeout(r, 50));
      }
      return '';
    };
    assert.equal(await copied('cell'), '999.26');
    assert.equal(await copied('row'), '999999\tpurchase\t999.26');
    const column = (await copied('column')).split('\n');
    assert.equal(column[0], 'AMOUNT');
    assert.equal(column.length, (filtered.shownRows ?? 0) + 1);

    // Export the whole result (not what the grid holds) to CSV.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'grid-')), 'events.csv');
    const exported = await vscode.commands.executeCommand<{ rows: number }>('positSnowflake.exportResults', {
      format: 'csv',
      file,
    });
    assert.equal(exported?.rows, 1_000_000);
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\r\n');
    assert.equal(lines.length, 1_000_002);
    assert.equal(lines[0], 'EVENT_ID,KIND,AMOUNT');
    assert.equal(lines[1], '1,view,0.00');
    assert.equal(lines[1_000_000], '1000000,refund,999.63');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describe('SQL help', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const labelOf = (i: vscode.CompletionItem): string => (typeof i.label === 'string' ? i.label : i.label.label);

  async function completionsAt(doc: vscode.TextDocument, text: string): Promise<vscode.CompletionItem[]> {
    const end = doc.positionAt(doc.getText().indexOf(text) + text.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      end,
      '.',
    );
    return list.items;
  }

  it('completes schemas after `DB.`, tables after `DB.SCHEMA.` and columns after an alias, and hovers a table', async () => {
    const sql = 'SELECT c. FROM SALES_DB.PUBLIC.CUSTOMERS c JOIN sales_db.';
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('positSnowflake.chooseEditorConnection', 'keypair');

    const schemas = (await completionsAt(doc, 'JOIN sales_db.')).map(labelOf);
    assert.ok(schemas.includes('PUBLIC'), `schemas of SALES_DB offered: ${schemas.join(', ')}`);
    const tables = (await completionsAt(doc, 'FROM SALES_DB.PUBLIC.')).filter(
      (i) => i.kind === vscode.CompletionItemKind.Struct,
    );
    assert.ok(tables.map(labelOf).includes('CUSTOMERS'), `tables offered: ${tables.map(labelOf).join(', ')}`);
    const columns = await completionsAt(doc, 'SELECT c.');
    const id = columns.find((i) => labelOf(i) === 'CUSTOMER_ID');
    assert.ok(id, `columns of CUSTOMERS offered: ${columns.map(labelOf).join(', ')}`);
    assert.equal(id.kind, vscode.CompletionItemKind.Field);
    assert.match(String(id.detail), /^NUMBER\(38,0\)/);

    const at = doc.positionAt(sql.indexOf('CUSTOMERS') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /\*\*SALES_DB\.PUBLIC\.CUSTOMERS\*\*/);
    assert.match(text, /\| CUSTOMER_ID \(key\) \| NUMBER\(38,0\) NOT NULL \|/);
  });
});
