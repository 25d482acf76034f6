// Cortex inside a real VS Code: the `snowflake-cortex` models through vscode.lm (listing, streaming, a tool round
// trip, token counts, cancellation), and the @snowflake participant's /sql driven through the chat UI, whose answer
// must be SQL naming the emulator's demo tables. Answers come from the emulator's scripted Cortex.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ParticipantRecord } from '../../../src/editor/cortex/snowflakeParticipant';
import { api, sandbox, testDoors } from './authSandbox';
import { treeWalker, type Node, type Provider } from './treeWalker';

const VENDOR = 'snowflake-cortex';
const MODEL = 'claude-sonnet-4-5';

async function until<T>(
  get: () => Thenable<T> | T,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await get();
  while (!ok(last)) {
    if (Date.now() > end) assert.fail(`${what} (last seen: ${JSON.stringify(last)?.slice(0, 500)})`);
    await new Promise((r) => setTimeout(r, 200));
    last = await get();
  }
  return last;
}

async function emulatorCortex(): Promise<{ answers: { closedEarly: boolean; finished: boolean; model: string }[] }> {
  const res = await fetch(new URL('/__emulator/cortex', sandbox().snowflake));
  return (await res.json()) as { answers: { closedEarly: boolean; finished: boolean; model: string }[] };
}

async function setFrameDelay(ms: number): Promise<void> {
  await fetch(new URL('/__emulator/cortex', sandbox().snowflake), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ frameDelayMs: ms }),
  });
}

async function cortexModel(): Promise<vscode.LanguageModelChat> {
  const [model] = await until(
    () => vscode.lm.selectChatModels({ vendor: VENDOR, id: MODEL }),
    (m) => m.length > 0,
    `the ${MODEL} model is offered`,
  );
  return model!;
}

describe('Cortex in the editor', function () {
  this.timeout(90_000);
  before(() => api());
  after(() => setFrameDelay(0));

  it("offers the account's Cortex models with their limits and tool calling", async () => {
    const models = await until(
      () => vscode.lm.selectChatModels({ vendor: VENDOR }),
      (m) => m.length >= 3,
      'Cortex models are listed',
    );
    const ids = models.map((m) => m.id);
    for (const id of [MODEL, 'llama3.1-70b', 'mistral-large2'])
      assert.ok(ids.includes(id), `${id} is offered (got ${ids.join(', ')})`);
    const sonnet = models.find((m) => m.id === MODEL)!;
    assert.equal(sonnet.vendor, VENDOR);
    assert.ok(sonnet.maxInputTokens >= 100_000, `input limit ${sonnet.maxInputTokens}`);
  });

  it('streams the scripted reply through sendRequest, in several pieces', async () => {
    const model = await cortexModel();
    const res = await model.sendRequest(
      [vscode.LanguageModelChatMessage.User('Hello from the editor ❄ — twice as long as one piece.')],
      {},
      new vscode.CancellationTokenSource().token,
    );
    const pieces: string[] = [];
    for await (const t of res.text) pieces.push(t);
    assert.equal(pieces.join(''), 'Hello from the editor ❄ — twice as long as one piece.');
    assert.ok(pieces.length > 2, `text arrived in ${pieces.length} pieces`);
  });

  it('does a tool round trip: the call arrives as a ToolCallPart, the result goes back as a ToolResultPart', async () => {
    const model = await cortexModel();
    const tools: vscode.LanguageModelChatTool[] = [
      {
        name: 'lookup_table',
        description: 'Looks up a table',
        inputSchema: { type: 'object', properties: { table: { type: 'string' } } },
      },
    ];
    const ask = vscode.LanguageModelChatMessage.User('Please use the tool lookup_table for ORDERS.');
    const first = await model.sendRequest([ask], { tools }, new vscode.CancellationTokenSource().token);
    const parts: unknown[] = [];
    for await (const p of first.stream) parts.push(p);
    const call = parts.find(
      (p): p is vscode.LanguageModelToolCallPart => p instanceof vscode.LanguageModelToolCallPart,
    );
    assert.ok(call, 'a tool call part arrived');
    assert.equal(call.name, 'lookup_table');
    assert.deepEqual(call.input, { table: 'demo ❄' });
    const second = await model.sendRequest(
      [
        ask,
        vscode.LanguageModelChatMessage.Assistant([call]),
        vscode.LanguageModelChatMessage.User([
          new vscode.LanguageModelToolResultPart(call.callId, [
            new vscode.LanguageModelTextPart('ORDERS has 1,200 rows'),
          ]),
        ]),
      ],
      { tools },
      new vscode.CancellationTokenSource().token,
    );
    let text = '';
    for await (const t of second.text) text += t;
    assert.equal(text, 'The tool lookup_table returned: ORDERS has 1,200 rows');
  });

  it('counts tokens with the documented estimate', async () => {
    const model = await cortexModel();
    assert.equal(await model.countTokens('abcd'.repeat(10)), 10);
  });

  it('cancelling a request closes the HTTP stream at the emulator', async () => {
    const model = await cortexModel();
    await setFrameDelay(10);
    const cts = new vscode.CancellationTokenSource();
    const before = (await emulatorCortex()).answers.length;
    const res = await model.sendRequest([vscode.LanguageModelChatMessage.User('long stream 3000')], {}, cts.token);
    let received = 0;
    try {
      for await (const _t of res.text) {
        if (++received === 3) cts.cancel();
      }
    } catch {
      // The editor may end the stream with a cancellation error; either way the request must stop.
    }
    const answer = await until(
      async () => (await emulatorCortex()).answers[before],
      (a) => a !== undefined && (a.closedEarly || a.finished),
      'the emulator saw the answer end',
    );
    assert.equal(answer!.closedEarly, true, 'the client hung up before the stream finished');
    await setFrameDelay(0);
  });

  /** Asks @snowflake in the chat UI with the Cortex model, and waits for the participant's recorded answer. */
  async function askSnowflake(query: string): Promise<ParticipantRecord> {
    const before = (await testDoors()).answers().length;
    await vscode.commands.executeCommand('workbench.action.chat.open', {
      query,
      modelSelector: { vendor: VENDOR, id: MODEL },
    });
    const answers = await until(
      async () => (await testDoors()).answers(),
      (a) => a.length > before,
      'the participant answered',
      60_000,
    );
    return answers[answers.length - 1]!;
  }

  it('@snowflake /sql in the chat answers with SQL naming the demo tables', async () => {
    const answer = await askSnowflake('@snowflake /sql total order amount per customer');
    assert.equal(answer.command, 'sql');
    assert.equal(answer.model, MODEL);
    assert.match(answer.markdown, /Tables from SALES_DB\.PUBLIC \(the connection's database and schema\)/);
    assert.ok(answer.sql, `the answer holds a SQL block:\n${answer.markdown}`);
    assert.match(answer.sql, /FROM SALES_DB\.PUBLIC\.(ORDERS|CUSTOMERS)\b/);
  });

  it('@snowflake /sql grounds in the schema last expanded in the Snowflake view, relevant tables first', async () => {
    // The view reports expansions and selections to the tree model (registerConnections); here the expansion is
    // reported the same way, after walking the tree down to BIG_DB.MANY_TABLES (20,000 tables).
    const provider = (await testDoors()).tree as Provider & { model: { noteFocus(n: Node): void } };
    const walk = treeWalker(() => provider);
    provider.model.noteFocus(await walk.path('keypair', 'BIG_DB', 'MANY_TABLES'));
    try {
      const answer = await askSnowflake('@snowflake /sql the rows of table T_01234');
      assert.match(answer.markdown, /Tables from BIG_DB\.MANY_TABLES \(selected in the Snowflake view\)/);
      assert.match(answer.markdown, /30 of more than 10000 described/);
      assert.match(answer.sql ?? '', /FROM BIG_DB\.MANY_TABLES\.T_01234\b/, answer.markdown.slice(0, 500));
    } finally {
      provider.model.noteFocus(await walk.path('keypair', 'SALES_DB', 'PUBLIC'));
    }
  });

  it('Run Preview runs the SQL read-only on the connection and shows the rows in the results panel', async () => {
    const html = await vscode.commands.executeCommand<string>(
      'positSnowflake.cortex.previewSql',
      'SELECT * FROM SALES_DB.PUBLIC.ORDERS',
      'keypair',
    );
    assert.ok(html, 'the preview ran (no error was shown)');
    // It opens in the SQL results panel: the capped query, its rows and the column header with its type.
    assert.match(html, /Connection: keypair/);
    assert.match(html, /LIMIT 100/);
    assert.match(html, /Statement 1 · line 1 · succeeded · \d+ rows?/);
    assert.match(html, /<th[^>]*>ORDER_ID<br>/);
    // The same grid as the SQL editor's: the rows on screen, the columns named.
    const results = (await testDoors()).results;
    const grid = await results.waitFor(0, (g) => g.visible.length > 0);
    assert.equal(grid.visible[0]?.n, 1);
    assert.equal(results.view()?.statements[0]?.grid?.columns[0]?.name, 'ORDER_ID');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Insert into Editor: a new SQL document when a Python file is active; its own lines in an active SQL editor', async () => {
    const sql = 'SELECT * FROM SALES_DB.PUBLIC.ORDERS;';
    const pyText = '"""Docstring."""\nimport os\n';
    const pyFile = path.join(os.tmpdir(), `insert-into-editor-${process.pid}.py`);
    fs.writeFileSync(pyFile, pyText);
    const py = await vscode.workspace.openTextDocument(vscode.Uri.file(pyFile));
    await vscode.window.showTextDocument(py);
    const first = await vscode.commands.executeCommand<{ uri: string }>('positSnowflake.cortex.insertSql', sql);
    const active = vscode.window.activeTextEditor!.document;
    assert.equal(active.languageId, 'sql');
    assert.equal(active.uri.toString(), first?.uri);
    // A just-closed untitled document's name is reused and its old text can linger here for a moment.
    for (let i = 0; i < 50 && active.getText() !== `${sql}\n`; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(active.getText(), `${sql}\n`);
    assert.equal(py.getText(), pyText, 'the Python file is untouched');
    assert.equal(py.isDirty, false);

    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT 1; -- first\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 9, 0, 9); // after "SELECT 1;"
    await vscode.commands.executeCommand('positSnowflake.cortex.insertSql', sql);
    assert.equal(doc.getText(), `SELECT 1;\n${sql}\n -- first\n`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(pyFile, { force: true });
  });
});
