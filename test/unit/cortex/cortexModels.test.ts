// Model catalogue, connection choice, token estimate and the @snowflake prompts: the small pure pieces.
import assert from 'node:assert/strict';
import { chooseCortexConnection } from '../../../src/core/cortex/cortexConnection';
import { describeModel, fallbackModels, parseModelsResponse, pickDefaultModel } from '../../../src/core/cortex/models';
import {
  extractSql,
  parseTableRef,
  renderSchema,
  sqlSystemPrompt,
  type SchemaTable,
} from '../../../src/core/cortex/grounding/sqlPrompts';
import { estimateMessageTokens, estimateTextTokens } from '../../../src/core/cortex/tokenEstimate';
import type { ConnectionProfile, ResolvedConnections } from '../../../src/core/auth/types';
import { SnowflakeExtError } from '../../../src/core/shared/errors';

const conn = (
  name: string,
  source: ConnectionProfile['source'] = 'connections.toml',
  isDefault = false,
): ConnectionProfile => ({
  name,
  source,
  isDefault,
  params: {},
  authenticator: 'SNOWFLAKE_JWT',
  account: 'a',
  baseUrl: 'https://a.snowflakecomputing.com',
});
const resolved = (connections: ConnectionProfile[], defaultName = 'default'): ResolvedConnections => ({
  connections,
  listed: connections.map((c) => ({ ...c, errors: [], profile: c })),
  defaultName,
  directory: '/h',
  files: [],
  diagnostics: [],
});

describe('Cortex models', () => {
  it('reads the models endpoint in the shapes it may take, with limits and tool calling', () => {
    const ids = (body: unknown) => parseModelsResponse(body).map((m) => m.id);
    assert.deepEqual(ids({ models: [{ name: 'claude-sonnet-4-5' }, { name: 'llama3.1-70b' }] }), [
      'claude-sonnet-4-5',
      'llama3.1-70b',
    ]);
    assert.deepEqual(ids(['mistral-large2', 'mistral-large2']), ['mistral-large2']);
    assert.deepEqual(ids({ data: [{ id: 'openai-gpt-4.1' }] }), ['openai-gpt-4.1']);
    assert.deepEqual(ids({ nothing: true }), []);
    const [custom] = parseModelsResponse({
      models: [{ name: 'new-model', context_window: 50_000, max_output_tokens: 2_000, supports_tools: true }],
    });
    assert.deepEqual(custom, {
      id: 'new-model',
      name: 'new-model',
      family: 'new-model',
      maxInputTokens: 50_000,
      maxOutputTokens: 2_000,
      toolCalling: true,
    });
    assert.equal(describeModel('claude-sonnet-4-5').toolCalling, true);
    assert.equal(describeModel('mistral-large2').toolCalling, false);
  });

  it("reads the spec's answer ({models: [string]}) and describes a model missing from the table by its family", () => {
    const models = parseModelsResponse({ models: ['claude-opus-4-5', 'openai-gpt-5-mini', 'snowflake-arctic'] });
    const [opus, mini, arctic] = models;
    assert.equal(opus!.toolCalling, true);
    assert.ok(opus!.maxInputTokens >= 200_000, `claude input ${opus!.maxInputTokens}`);
    assert.equal(mini!.toolCalling, true);
    assert.equal(arctic!.toolCalling, false);
  });

  it('never advertises more output than the REST API accepts (16,384 tokens)', () => {
    for (const id of ['openai-gpt-5', 'claude-sonnet-4-5', 'claude-opus-4-5'])
      assert.equal(describeModel(id).maxOutputTokens, 16_384, id);
    assert.equal(describeModel('x', { maxOutputTokens: 100_000 }).maxOutputTokens, 16_384);
  });

  it('picks a capable default model, and the fallback list has one', () => {
    assert.equal(pickDefaultModel(parseModelsResponse(['llama3.1-70b', 'claude-4-sonnet']))?.id, 'claude-4-sonnet');
    assert.equal(pickDefaultModel(parseModelsResponse(['x-1']))?.id, 'x-1');
    assert.equal(pickDefaultModel([]), undefined);
    assert.ok(pickDefaultModel(fallbackModels())?.toolCalling);
  });
});

describe('chooseCortexConnection', () => {
  it('uses the setting, else the Workbench connection, else the default', () => {
    const all = [conn('mine', 'connections.toml', true), conn('workbench', 'workbench'), conn('other')];
    assert.equal(chooseCortexConnection(resolved(all, 'mine'), 'other')?.name, 'other');
    assert.equal(chooseCortexConnection(resolved(all, 'mine'), '')?.name, 'workbench');
    assert.equal(chooseCortexConnection(resolved([all[0]!, all[2]!], 'mine'), undefined)?.name, 'mine');
    assert.equal(chooseCortexConnection(resolved([]), undefined), undefined);
  });

  it('says which connections exist when the setting names a missing one', () => {
    assert.throws(
      () => chooseCortexConnection(resolved([conn('a'), conn('b')]), 'nope'),
      (e: unknown) =>
        e instanceof SnowflakeExtError &&
        e.kind === 'config' &&
        /'nope'/.test(e.message) &&
        /'a', 'b'/.test(e.fix!.text),
    );
  });
});

describe('token estimate', () => {
  it('counts about 4 ASCII characters per token and one per CJK character or emoji', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('abcd'.repeat(25)), 25);
    assert.equal(estimateTextTokens('雪雪雪'), 3);
    assert.equal(estimateTextTokens('🏔🏔'), 2);
    assert.equal(estimateTextTokens('café'), 2);
    assert.equal(
      estimateMessageTokens({
        role: 'user',
        parts: [
          { kind: 'text', text: 'abcdefgh' },
          { kind: 'toolCall', callId: 'c', name: 'run', input: { a: 1 } },
        ],
      }),
      4 + 2 + 1 + 2,
    );
  });
});

describe('@snowflake prompts', () => {
  const table = (name: string, cols = 3): SchemaTable => ({
    database: 'SALES_DB',
    schema: 'PUBLIC',
    name,
    columns: Array.from({ length: cols }, (_, i) => ({ name: `COL_${i}`, type: 'NUMBER(38,0)' })),
  });

  it('lists tables with their columns as they must be typed, bounded in size', () => {
    const text = renderSchema([table('ORDERS'), { ...table('Mixed Case', 1), kind: 'VIEW', comment: 'a\nview' }]);
    assert.equal(
      text,
      '- SALES_DB.PUBLIC.ORDERS: COL_0 NUMBER(38,0), COL_1 NUMBER(38,0), COL_2 NUMBER(38,0)\n- SALES_DB.PUBLIC."Mixed Case" (view): COL_0 NUMBER(38,0) -- a view',
    );
    const many = renderSchema(Array.from({ length: 500 }, (_, i) => table(`T${i}`, 80)));
    assert.ok(many.length <= 12_100, `bounded (${many.length} chars)`);
    assert.match(many, /more tables and views not listed\)$/);
    assert.match(many, /… 40 more columns/);
    assert.match(
      sqlSystemPrompt(many, { connection: 'c', database: 'SALES_DB' }),
      /Connection: c \(database SALES_DB\)/,
    );
  });

  it('extracts the SQL block of an answer', () => {
    assert.equal(extractSql('Here:\n```sql\nSELECT 1;\n```\nDone.'), 'SELECT 1;');
    assert.equal(extractSql('```\nSELECT 2\n```'), 'SELECT 2');
    assert.equal(extractSql('```python\nx\n```\n```SQL\nSELECT 3\n```'), 'SELECT 3');
    assert.equal(extractSql('no code'), undefined);
  });

  it('reads the table a /schema question names', () => {
    assert.deepEqual(parseTableRef('orders'), { name: 'ORDERS' });
    assert.deepEqual(parseTableRef(' sales_db.public.orders  please'), {
      database: 'SALES_DB',
      schema: 'PUBLIC',
      name: 'ORDERS',
    });
    assert.deepEqual(parseTableRef('"My ""odd"" table"'), { name: 'My "odd" table' });
    assert.deepEqual(parseTableRef('public."Mixed Case"'), { schema: 'PUBLIC', name: 'Mixed Case' });
    assert.equal(parseTableRef(''), undefined);
  });
});
