// ESLint rules that make the runtime layers of src/ visible and enforced (see ARCHITECTURE.md, "Layers"):
// - every source file sits in a known layer;
// - a layer imports only the layers below it (core ← cli, core ← editor ← composition root, core ← webview: scripts
//   that run inside a webview, bundled for the browser);
// - outside the editor layer and the composition root, 'vscode' is imported as a type at most;
// - a file in the editor layer uses the editor at run time (else it belongs in core), unless it holds only types.
// In the spirit of vscode-copilot-chat's layer rules; written for this tree.
import path from 'node:path';

const ROOT_FILES = new Map([
  ['src/extension.ts', 'root'],
  ['src/api.ts', 'api'],
]);

/** Which layer a file is in, or undefined when it is in none. */
export function layerOf(file, cwd) {
  const rel = path.relative(cwd, file).split(path.sep).join('/');
  if (ROOT_FILES.has(rel)) return ROOT_FILES.get(rel);
  const m = /^src\/(core|cli|editor|webview)\//.exec(rel);
  return m ? m[1] : undefined;
}

// What each layer may import (besides itself and packages).
const ALLOWED = {
  api: new Set(['core']),
  core: new Set(['api']),
  cli: new Set(['core', 'api']),
  editor: new Set(['core', 'api']),
  webview: new Set(['core']),
  root: new Set(['core', 'editor', 'api']),
};

const isTypeOnly = (node) =>
  node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));

const noUnlayeredFiles = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { unlayered: "'{{file}}' is in no layer: put it under src/core, src/cli, src/editor or src/webview." },
  },
  create(context) {
    return {
      Program(node) {
        if (!layerOf(context.filename, context.cwd)) {
          context.report({
            node,
            messageId: 'unlayered',
            data: { file: path.relative(context.cwd, context.filename) },
          });
        }
      },
    };
  },
};

const layerImports = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      upward: "The {{from}} layer may not import the {{to}} layer ('{{spec}}').",
      runtimeVscode: "'vscode' at run time belongs in src/editor; here import it as a type only (`import type`).",
    },
  },
  create(context) {
    const from = layerOf(context.filename, context.cwd);
    if (!from) return {};
    const check = (node, spec, typeOnly) => {
      if (spec === 'vscode') {
        if (from !== 'editor' && from !== 'root' && !typeOnly) context.report({ node, messageId: 'runtimeVscode' });
        return;
      }
      if (!spec.startsWith('.')) return;
      const to =
        layerOf(path.resolve(path.dirname(context.filename), spec) + '.ts', context.cwd) ??
        layerOf(path.resolve(path.dirname(context.filename), spec), context.cwd);
      if (to && to !== from && !ALLOWED[from].has(to))
        context.report({ node, messageId: 'upward', data: { from, to, spec } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};

const TYPE_STATEMENTS = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration']);
const isTypeStatement = (s) =>
  TYPE_STATEMENTS.has(s.type) ||
  (s.type === 'ImportDeclaration' && isTypeOnly(s)) ||
  (s.type === 'ExportNamedDeclaration' &&
    (s.exportKind === 'type' || (s.declaration && TYPE_STATEMENTS.has(s.declaration.type))));

const editorUsesEditor = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { editorFree: 'This file uses neither vscode nor the Positron API at run time: it belongs in src/core.' },
  },
  create(context) {
    if (layerOf(context.filename, context.cwd) !== 'editor') return {};
    return {
      Program(node) {
        const src = context.sourceCode.text;
        const runtimeVscode = node.body.some(
          (s) => s.type === 'ImportDeclaration' && s.source.value === 'vscode' && !isTypeOnly(s),
        );
        const positron = /\bacquirePositronApi\b/.test(src);
        const onlyTypes = node.body.every(isTypeStatement);
        if (!runtimeVscode && !positron && !onlyTypes) context.report({ node, messageId: 'editorFree' });
      },
    };
  },
};

export default {
  rules: {
    'no-unlayered-files': noUnlayeredFiles,
    'layer-imports': layerImports,
    'editor-uses-editor': editorUsesEditor,
  },
};
