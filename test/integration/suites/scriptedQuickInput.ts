// Answers the extension's quick inputs (createInputBox / createQuickPick, and the one-shot showInputBox /
// showQuickPick) from a script, as a person types: each step's title is checked, a value is typed and Enter pressed,
// Back pressed, an item (or several) picked, or Escape pressed; a check's message keeps the same prompt open for the
// next line of the script. Everything the person would have seen is recorded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export type Act =
  | { readonly title: RegExp; readonly type?: 'type'; readonly value: string; readonly expectValue?: string }
  | { readonly title: RegExp; readonly type: 'back' }
  | { readonly title: RegExp; readonly type: 'pick'; readonly label: string }
  | { readonly title: RegExp; readonly type: 'picks'; readonly labels: readonly string[] }
  | { readonly title: RegExp; readonly type: 'escape' };

export interface Seen {
  readonly title: string;
  readonly message?: string;
}

type Win = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
type Offered = string | vscode.QuickPickItem;
const labelOf = (i: Offered): string => (typeof i === 'string' ? i : i.label);

interface Fake {
  title?: string;
  value: string;
  validationMessage?: string | { readonly message: string };
  busy: boolean;
  items: readonly vscode.QuickPickItem[];
  selectedItems: readonly vscode.QuickPickItem[];
  activeItems: readonly vscode.QuickPickItem[];
  disposed: boolean;
  readonly accept: vscode.EventEmitter<void>;
  readonly change: vscode.EventEmitter<string>;
  readonly button: vscode.EventEmitter<vscode.QuickInputButton>;
  readonly hidden: vscode.EventEmitter<void>;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

/** Replaces the quick-input factories for `run`; returns what was shown. */
export async function withScriptedQuickInput(script: readonly Act[], run: () => Promise<unknown>): Promise<Seen[]> {
  const win = vscode.window as unknown as Win;
  const saved = {
    createInputBox: win.createInputBox,
    createQuickPick: win.createQuickPick,
    showInputBox: win.showInputBox,
    showQuickPick: win.showQuickPick,
  };
  const seen: Seen[] = [];
  const queue = [...script];

  async function drive(f: Fake): Promise<void> {
    for (;;) {
      const act = queue.shift();
      assert.ok(act, `no answer scripted for "${f.title}"`);
      assert.match(f.title ?? '', act.title, `the prompt shown is "${f.title}"`);
      f.validationMessage = undefined;
      if (act.type === 'escape') {
        seen.push({ title: f.title ?? '' });
        f.hidden.fire();
        return;
      }
      if (act.type === 'picks') throw new Error(`"${f.title}" takes one answer`);
      if (act.type === 'back') {
        seen.push({ title: f.title ?? '' });
        f.button.fire(vscode.QuickInputButtons.Back);
        return;
      }
      if (act.type === 'pick') {
        const item = f.items.find((i) => i.label === act.label);
        assert.ok(item, `"${act.label}" is offered`);
        f.selectedItems = [item];
      } else {
        if (act.expectValue !== undefined) assert.equal(f.value, act.expectValue, `${f.title} keeps its answer`);
        f.value = act.value;
        f.change.fire(act.value);
      }
      f.accept.fire();
      for (let i = 0; i < 500 && !f.disposed && (f.busy || f.validationMessage === undefined); i++) await tick();
      const shown = f.validationMessage as Fake['validationMessage']; // set by the extension meanwhile
      const message = typeof shown === 'string' ? shown : shown?.message;
      seen.push({ title: f.title ?? '', ...(message ? { message } : {}) });
      if (f.disposed) return;
      assert.ok(message, `"${f.title}" neither moved on nor said what is wrong`);
    }
  }

  function fake(): Fake & Record<string, unknown> {
    const f = {
      value: '',
      busy: false,
      items: [],
      selectedItems: [],
      activeItems: [],
      disposed: false,
      enabled: true,
      buttons: [],
      accept: new vscode.EventEmitter<void>(),
      change: new vscode.EventEmitter<string>(),
      button: new vscode.EventEmitter<vscode.QuickInputButton>(),
      hidden: new vscode.EventEmitter<void>(),
    } as Fake & Record<string, unknown>;
    Object.assign(f, {
      onDidAccept: f.accept.event,
      onDidChangeValue: f.change.event,
      onDidTriggerButton: f.button.event,
      onDidHide: f.hidden.event,
      onDidChangeSelection: new vscode.EventEmitter().event,
      onDidChangeActive: new vscode.EventEmitter().event,
      show: () => void tick().then(() => drive(f)),
      hide: () => f.hidden.fire(),
      dispose: () => {
        f.disposed = true;
      },
    });
    return f;
  }

  /** The next scripted act, checked against the one-shot prompt shown. */
  function next(title: string): Act {
    const act = queue.shift();
    assert.ok(act, `no answer scripted for "${title}"`);
    assert.match(title, act.title, `the prompt shown is "${title}"`);
    seen.push({ title });
    return act;
  }

  win.showQuickPick = (async (
    items: readonly Offered[] | Thenable<readonly Offered[]>,
    options?: vscode.QuickPickOptions,
  ) => {
    const list = await items;
    const act = next(options?.title ?? options?.placeHolder ?? '');
    if (act.type === 'escape') return undefined;
    const wanted = act.type === 'picks' ? act.labels : act.type === 'pick' ? [act.label] : [];
    assert.ok(wanted.length > 0 || act.type === 'picks', `"${options?.title}" is a pick, not a "${act.type}"`);
    const chosen = wanted.map((label) => {
      const item = list.find((i) => labelOf(i) === label);
      assert.ok(item !== undefined, `"${label}" is offered: ${list.map(labelOf).join(', ')}`);
      return item;
    });
    return options?.canPickMany ? chosen : chosen[0];
  }) as unknown as Win['showQuickPick'];
  win.showInputBox = (async (options?: vscode.InputBoxOptions) => {
    const act = next(options?.title ?? options?.prompt ?? '');
    if (act.type === 'escape') return undefined;
    assert.ok(act.type === undefined || act.type === 'type', `"${options?.title}" is an input box`);
    if (act.expectValue !== undefined) assert.equal(options?.value, act.expectValue);
    return act.value;
  }) as unknown as Win['showInputBox'];
  win.createInputBox = (() => fake()) as unknown as Win['createInputBox'];
  win.createQuickPick = (() => fake()) as unknown as Win['createQuickPick'];
  try {
    await run();
  } finally {
    Object.assign(win, saved);
  }
  assert.deepEqual(queue, [], 'every scripted answer was asked for');
  return seen;
}
