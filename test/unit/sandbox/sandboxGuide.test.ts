// What `npm start` prints (scripts/sandboxGuide.mjs): every command it names is one the Command Palette shows, under
// that category and title, and the Connect API key comes with what it is for and where to paste it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sandboxGuide } from '../../../scripts/sandboxGuide.mjs';

interface Contributed {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

const pkg = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as {
  contributes: { commands: Contributed[] };
};
const paletteNames = new Set(pkg.contributes.commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title)));
const categories = new Set(pkg.contributes.commands.flatMap((c) => (c.category ? [c.category] : [])));

const info = {
  snowflake: 'http://127.0.0.1:4100',
  connect: 'http://127.0.0.1:4200',
  connectApiKey: 'key-for-the-test',
  passphrase: 'phrase-for-the-test',
};
const text = sandboxGuide(info, 'http://127.0.0.1:4300/?folder=%2Fw').join('\n');

describe('npm start: the text it prints', () => {
  it('names commands exactly as the Command Palette shows them', () => {
    // Every quoted "<Category>: <Title>" the text names, for a category the extension contributes.
    const named = [...text.matchAll(/"([^"]+?): ([^"]+)"/g)]
      .filter((m) => categories.has(m[1]!))
      .map((m) => `${m[1]}: ${m[2]}`);
    assert.ok(named.length >= 3, `the text names commands: ${named.join(', ')}`);
    for (const n of named) assert.ok(paletteNames.has(n), `"${n}" is a command in package.json`);
    assert.ok(named.includes('Posit Connect: Publish to Posit Connect…'));
    assert.ok(named.includes('Posit Connect: Add Connect Server…'));
  });

  it('says what the Connect API key is for and where it goes, not only where it is stored', () => {
    const at = text.indexOf(info.connectApiKey);
    assert.ok(at >= 0, 'the key is printed');
    const after = text.slice(at);
    assert.match(after, /signs the extension in to Posit Connect/);
    assert.match(after, /paste this key/);
    assert.match(after, /secret storage/);
  });

  it('prints the passphrase only when the sandbox has one, and the address to open last', () => {
    assert.match(text, /Passphrase of the encrypted_key connection's key: phrase-for-the-test/);
    const { passphrase: _, ...noPassphrase } = info;
    assert.doesNotMatch(sandboxGuide(noPassphrase, 'x').join('\n'), /Passphrase/);
    assert.match(text.split('\n').at(-1)!, /^Open http:\/\/127\.0\.0\.1:4300\/\?folder=%2Fw /);
  });
});
