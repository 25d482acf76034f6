// A form of several prompts in one quick-input widget: "(n/m)" in the title, a Back button, answers kept when the
// person goes back or a check fails, and a check on Enter that keeps the prompt open with its message (so only the
// wrong answer is asked again). Escape cancels the whole form (CancelledError).
import * as vscode from 'vscode';
import { CancelledError, SnowflakeExtError } from '../core/shared/errors';

const BACK = Symbol('back');

export interface InputStep {
  /** What is asked, in the title: "Add Snowflake Connection: user (4/10)". */
  readonly label: string;
  readonly prompt: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  /** Checked while typing: a message, or undefined when fine. */
  readonly validate?: (value: string) => string | undefined;
  /** Checked on Enter (may be slow: a file read, a server call); a message keeps the prompt open. */
  readonly accept?: (value: string) => Promise<string | undefined>;
  /** An extra button (e.g. Browse…) that may fill in the value. */
  readonly button?: {
    readonly icon: string;
    readonly tooltip: string;
    readonly run: () => Promise<string | undefined>;
  };
}

export interface PickStep<T extends vscode.QuickPickItem> {
  readonly label: string;
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly active?: T;
}

/** The message of a check's failure, in the person's terms. */
export function problemText(err: unknown): string {
  return err instanceof SnowflakeExtError ? err.userText : err instanceof Error ? err.message : String(err);
}

export class FormInput {
  private step = 1;
  private total = 1;

  constructor(private readonly title: string) {}

  /** Set by the runner before each step. */
  at(step: number, total: number): void {
    this.step = step;
    this.total = total;
  }

  private heading(label: string): string {
    return `${this.title}: ${label} (${this.step}/${this.total})`;
  }

  inputBox(s: InputStep): Promise<string> {
    const box = vscode.window.createInputBox();
    box.title = this.heading(s.label);
    box.prompt = s.prompt;
    box.value = s.value ?? '';
    box.placeholder = s.placeholder;
    box.password = s.password ?? false;
    box.ignoreFocusOut = true;
    const extra = s.button ? { iconPath: new vscode.ThemeIcon(s.button.icon), tooltip: s.button.tooltip } : undefined;
    box.buttons = [...(this.step > 1 ? [vscode.QuickInputButtons.Back] : []), ...(extra ? [extra] : [])];
    // A file dialog hides the prompt: that is not the person leaving the form.
    let browsing = false;
    return this.run<string>(
      box,
      () => browsing,
      (resolve, reject) => [
        box.onDidTriggerButton(async (b) => {
          if (b === vscode.QuickInputButtons.Back) return reject(BACK);
          browsing = true;
          const picked = await s.button?.run().finally(() => (browsing = false));
          if (picked !== undefined) {
            box.value = picked;
            box.validationMessage = s.validate?.(picked);
          }
          box.show();
        }),
        box.onDidChangeValue((v) => {
          box.validationMessage = s.validate?.(v);
        }),
        box.onDidAccept(async () => {
          const value = s.password ? box.value : box.value.trim();
          const quick = s.validate?.(value);
          if (quick) {
            box.validationMessage = quick;
            return;
          }
          box.busy = true;
          box.enabled = false;
          const problem = await s.accept?.(value).catch((err: unknown) => problemText(err));
          box.busy = false;
          box.enabled = true;
          if (problem) box.validationMessage = problem;
          else resolve(value);
        }),
      ],
    );
  }

  pick<T extends vscode.QuickPickItem>(s: PickStep<T>): Promise<T> {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = this.heading(s.label);
    qp.placeholder = s.placeholder;
    qp.items = s.items;
    if (s.active) qp.activeItems = [s.active];
    qp.ignoreFocusOut = true;
    qp.buttons = this.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    return this.run<T>(
      qp,
      () => false,
      (resolve, reject) => [
        qp.onDidTriggerButton(() => reject(BACK)),
        qp.onDidAccept(() => {
          const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
          if (chosen) resolve(chosen);
        }),
      ],
    );
  }

  private run<T>(
    input: vscode.QuickInput,
    away: () => boolean,
    wire: (resolve: (v: T) => void, reject: (e: unknown) => void) => vscode.Disposable[],
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        for (const d of subs) d.dispose();
        fn();
        input.dispose();
      };
      const subs = [
        ...wire(
          (v) => finish(() => resolve(v)),
          (e) => finish(() => reject(e)),
        ),
        input.onDidHide(() => {
          if (!away()) finish(() => reject(new CancelledError()));
        }),
      ];
      input.show();
    });
  }
}

/** One prompt of a form; `when` leaves it out (and out of the count) for answers that do not need it. */
export interface FormStep<S> {
  readonly when?: (state: S) => boolean;
  readonly ask: (input: FormInput, state: S) => Promise<void>;
}

/** Runs the steps in order; Back returns to the previous asked step with its answer kept in `state`. */
export async function runForm<S>(title: string, steps: readonly FormStep<S>[], state: S): Promise<S> {
  const input = new FormInput(title);
  const asked: number[] = [];
  let i = 0;
  while (i < steps.length) {
    const step = steps[i]!;
    if (step.when && !step.when(state)) {
      i++;
      continue;
    }
    const active = steps.filter((s) => !s.when || s.when(state));
    input.at(active.indexOf(step) + 1, active.length);
    try {
      await step.ask(input, state);
      asked.push(i);
      i++;
    } catch (err) {
      if (err !== BACK) throw err;
      i = asked.pop() ?? 0;
    }
  }
  return state;
}
