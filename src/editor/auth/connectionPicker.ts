// Turns a command's argument (a name, a tree node with `.connectionName`, or nothing) into one connection profile,
// asking with a QuickPick only when the argument does not say which.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import { CancelledError, SnowflakeExtError } from '../../core/shared/errors';

/** What commands accept to name a connection: its name, a tree node, or an options object with `name`. */
export type ConnectionArg = string | { readonly connectionName?: string; readonly name?: string } | undefined;

export function connectionNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.trim()) return arg.trim();
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as { connectionName?: unknown; name?: unknown };
    if (typeof o.connectionName === 'string') return o.connectionName;
    if (typeof o.name === 'string') return o.name;
  }
  return undefined;
}

export interface PickOptions {
  readonly title: string;
  /** Which connections qualify (e.g. only OAuth sign-ins). */
  readonly filter?: (p: ConnectionProfile) => boolean;
  /** Said when no connection qualifies. */
  readonly noneMessage?: string;
}

const ADD_FIX = {
  text: "Run 'Snowflake: Add Connection'.",
  command: 'positSnowflake.addConnection',
  commandTitle: 'Add Connection',
};

function describe(p: ConnectionProfile): string {
  return [p.account, p.user, p.source === 'workbench' ? 'Posit Workbench' : p.source].filter(Boolean).join(' · ');
}

/** The connection the argument names, or the one the user picks. */
export async function pickConnection(auth: AuthService, arg: unknown, opts: PickOptions): Promise<ConnectionProfile> {
  const named = connectionNameOf(arg);
  if (named !== undefined) return auth.getConnection(named);
  const { connections } = await auth.connections();
  const candidates = connections.filter(opts.filter ?? (() => true));
  if (candidates.length === 0) {
    throw new SnowflakeExtError('notFound', opts.noneMessage ?? 'No Snowflake connection was found.', ADD_FIX);
  }
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  const items = candidates.map((p) => ({
    label: p.name,
    description: `${p.isDefault ? '(default) ' : ''}${describe(p)}`,
    profile: p,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: opts.title,
    placeHolder: 'Choose a connection',
    ignoreFocusOut: true,
  });
  if (!picked) throw new CancelledError();
  return picked.profile;
}
