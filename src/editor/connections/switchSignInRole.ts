// Switch Role for a browser sign-in: the roles already signed in (switching needs no browser) and "Sign in with
// another role…", which runs the browser sign-in with that role's scope (session:role:<ROLE>, Snowflake OAuth's
// scope for a role: https://docs.snowflake.com/en/user-guide/oauth-custom), keeping the other roles' sign-ins.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile } from '../../core/auth/types';
import { CancelledError } from '../../core/shared/errors';

export const ANOTHER_ROLE = 'Sign in with another role…';

/** The role to sign in with: one of the user's roles (when a session can list them) not signed in yet, or typed. */
async function askRole(
  profile: ConnectionProfile,
  signedIn: ReadonlySet<string>,
  listRoles: () => Promise<readonly { name: string }[]>,
): Promise<string> {
  const roles = (await listRoles().catch(() => [])).map((r) => r.name).filter((r) => !signedIn.has(r));
  const title = `Sign in to "${profile.name}" with role`;
  const role =
    roles.length > 0
      ? await vscode.window.showQuickPick(roles, { title, placeHolder: 'Choose a role' })
      : await vscode.window.showInputBox({
          title,
          prompt: 'Role names are case-sensitive, as Snowflake grants them (e.g. ANALYST).',
          validateInput: (v) => (v.trim() ? undefined : 'Type a role name.'),
        });
  if (!role?.trim()) throw new CancelledError();
  return role.trim();
}

/** Asks which role, switches to it (signing in with the browser for a new one) and returns it. */
export async function switchSignInRole(
  auth: Pick<AuthService, 'signIns' | 'useSignIn'>,
  profile: ConnectionProfile,
  listRoles: () => Promise<readonly { name: string }[]>,
): Promise<string> {
  const valid = (await auth.signIns(profile)).filter((s) => s.kind === 'oauthSignIn' && s.status === 'valid');
  const items: (vscode.QuickPickItem & { role?: string })[] = [
    ...valid.map((s) => ({
      label: s.role || '(default role)',
      description: s.active ? 'current' : 'signed in',
      role: s.role ?? '',
    })),
    { label: ANOTHER_ROLE, description: 'opens the browser' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Switch role for "${profile.name}"`,
    placeHolder: 'Choose a role you signed in with, or sign in with another',
  });
  if (!picked) throw new CancelledError();
  if (picked.role !== undefined) {
    await auth.useSignIn(profile, picked.role);
    return picked.role;
  }
  const role = await askRole(profile, new Set(valid.map((s) => s.role ?? '')), listRoles);
  // Through the Sign In command, so the Accounts menu and the progress notification follow it.
  const signedIn = await vscode.commands.executeCommand<{ connection: string } | undefined>(
    'positSnowflake.signIn',
    profile.name,
    role,
  );
  if (!signedIn) throw new CancelledError();
  return role;
}
