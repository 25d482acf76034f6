// Running SQL from a .sql editor inside a real VS Code against the emulator: a file with two statements and an
// error runs up to the error, the results panel shows both results, the error is marked at its line, and the
// statements are in the query history.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'posit-snowflake.posit-snowflake';

interface RunOutcome {
  readonly summary: { succeeded: number; failed: number; skipped: number };
  readonly html: string;
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
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
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
    await vscode.commands.executeCommand('positSnowflake.queryHistory', { index: 0, action: 'open' });
    const opened = vscode.window.activeTextEditor?.document;
    assert.equal(opened?.languageId, 'sql');
    assert.equal(opened?.getText(), '-- the next one is misspelt\nSELEC 3');
    await vscode.commands.executeCommand('positSnowflake.queryHistory', { index: 2, action: 'open' });
    assert.equal(vscode.window.activeTextEditor?.document.getText(), 'SELECT * FROM SALES_DB.PUBLIC.CUSTOMERS');
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
