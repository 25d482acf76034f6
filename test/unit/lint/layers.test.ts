// The layer lint rules (scripts/lint/layers.mjs) on small sources: each rule's passing and failing cases, with the
// message a person would see in the editor or `npx eslint`.
import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import layers from '../../../scripts/lint/layers.mjs';

const at = (rel: string): string => path.join(process.cwd(), rel);

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
});

type Rule = Parameters<RuleTester['run']>[1];
const rule = (name: keyof typeof layers.rules): Rule => layers.rules[name] as unknown as Rule;

describe('layer lint rules', () => {
  tester.run('no-unlayered-files', rule('no-unlayered-files'), {
    valid: [
      { code: 'export const a = 1;', filename: at('src/core/shared/a.ts') },
      { code: 'export const a = 1;', filename: at('src/cli/main.ts') },
      { code: "import * as vscode from 'vscode'; vscode.window;", filename: at('src/editor/x.ts') },
      { code: 'export function activate() {}', filename: at('src/extension.ts') },
      { code: 'export interface Api {}', filename: at('src/api.ts') },
      { code: 'export const a = 1;', filename: at('src/webview/grid.ts') },
    ],
    invalid: [
      {
        code: 'export const a = 1;',
        filename: at('src/utils.ts'),
        errors: [
          { message: "'src/utils.ts' is in no layer: put it under src/core, src/cli, src/editor or src/webview." },
        ],
      },
      { code: 'export const a = 1;', filename: at('src/shared/x.ts'), errors: [{ messageId: 'unlayered' }] },
    ],
  });

  tester.run('layer-imports', rule('layer-imports'), {
    valid: [
      { code: "import { a } from '../shared/a';", filename: at('src/core/auth/x.ts') },
      { code: "import type * as vscode from 'vscode';", filename: at('src/core/auth/x.ts') },
      { code: "import { type Uri } from 'vscode';", filename: at('src/core/auth/x.ts') },
      { code: "import { a } from '../core/shared/a';", filename: at('src/cli/main.ts') },
      { code: "import * as vscode from 'vscode';", filename: at('src/editor/x.ts') },
      { code: "import { registerAuth } from './editor/auth/registerAuth';", filename: at('src/extension.ts') },
      { code: "import type { PositSnowflakeApi } from '../api';", filename: at('src/core/publicApi.ts') },
      { code: "import fs from 'node:fs';", filename: at('src/core/x.ts') },
    ],
    invalid: [
      {
        code: "import { pickConnection } from '../../editor/auth/connectionPicker';",
        filename: at('src/core/auth/x.ts'),
        errors: [{ message: "The core layer may not import the editor layer ('../../editor/auth/connectionPicker')." }],
      },
      {
        code: "import { runCli } from '../cli/main';",
        filename: at('src/core/x.ts'),
        errors: [{ messageId: 'upward', data: { from: 'core', to: 'cli', spec: '../cli/main' } }],
      },
      {
        code: "export { x } from '../editor/x';",
        filename: at('src/cli/x.ts'),
        errors: [{ messageId: 'upward', data: { from: 'cli', to: 'editor', spec: '../editor/x' } }],
      },
      {
        code: "const m = import('../extension');",
        filename: at('src/editor/x.ts'),
        errors: [{ messageId: 'upward', data: { from: 'editor', to: 'root', spec: '../extension' } }],
      },
      {
        code: "import * as vscode from 'vscode';",
        filename: at('src/core/auth/x.ts'),
        errors: [{ messageId: 'runtimeVscode' }],
      },
      {
        code: "import { Uri, type Disposable } from 'vscode';",
        filename: at('src/cli/x.ts'),
        errors: [{ messageId: 'runtimeVscode' }],
      },
    ],
  });

  tester.run('editor-uses-editor', rule('editor-uses-editor'), {
    valid: [
      { code: "import * as vscode from 'vscode'; export const w = vscode.window;", filename: at('src/editor/a.ts') },
      { code: 'const api = acquirePositronApi(); export { api };', filename: at('src/editor/p.ts') },
      {
        code: "import type { Logger } from '../core/shared/logger';\nexport interface Deps { log: Logger }\nexport type Pick1 = Deps;",
        filename: at('src/editor/deps.ts'),
      },
      { code: 'export const a = 1;', filename: at('src/core/a.ts') },
    ],
    invalid: [
      {
        code: "import type * as vscode from 'vscode';\nexport function label(n: string): string { return n; }",
        filename: at('src/editor/model.ts'),
        errors: [
          { message: 'This file uses neither vscode nor the Positron API at run time: it belongs in src/core.' },
        ],
      },
      {
        code: "import { a } from '../core/a';\nexport const b = a + 1;",
        filename: at('src/editor/b.ts'),
        errors: [{ messageId: 'editorFree' }],
      },
    ],
  });
});
