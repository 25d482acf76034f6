// "Snowflake: Show Sign-Ins": every connection's sign-ins (one per role for a browser sign-in) with when they were
// issued and expire, and for the one picked: Refresh Now, Sign Out (revoked at Snowflake, then deleted here; for a
// PAT or key pair, our stored secret after a confirmation saying what stays at Snowflake), Sign in again.
import * as vscode from 'vscode';
import type { AuthService, ConnectionProfile, SignInListing, SignOutResult } from '../../core/auth/types';
import { roleText, signInText } from '../../core/auth/signInText';
import { CancelledError } from '../../core/shared/errors';
import { connectionNameOf } from './connectionPicker';

type Action = 'refresh' | 'signOut' | 'signInAgain' | 'use';

export interface SignInsDeps {
  readonly auth: AuthService;
  /** The browser sign-in (the auth provider's, so the Accounts menu learns of it). */
  readonly signIn: (profile: ConnectionProfile, role?: string) => Promise<unknown>;
  readonly now?: () => number;
}

export interface SignInsCommandResult {
  readonly listed: readonly SignInListing[];
  readonly picked?: SignInListing;
  readonly action?: Action;
  readonly signOut?: SignOutResult;
}

async function listAll(auth: AuthService, only: string | undefined): Promise<SignInListing[]> {
  const { connections } = await auth.connections();
  const chosen = connections.filter((c) => only === undefined || c.name === only);
  return (await Promise.all(chosen.map((p) => auth.signIns(p)))).flat();
}

function actionsFor(s: SignInListing): { label: string; action: Action; detail?: string }[] {
  const out: { label: string; action: Action; detail?: string }[] = [];
  const oauth = s.kind === 'oauthSignIn';
  if (oauth && s.status !== 'valid') out.push({ label: 'Sign in again', action: 'signInAgain' });
  if (oauth && s.status === 'valid' && !s.active) out.push({ label: `Use ${roleText(s.role)}`, action: 'use' });
  if (s.status === 'valid' && s.kind !== 'other') out.push({ label: 'Refresh Now', action: 'refresh' });
  if (oauth && s.status === 'valid')
    out.push({ label: 'Sign Out', action: 'signOut', detail: 'Revoked at Snowflake, then deleted here.' });
  if (!oauth && s.storedSecret)
    out.push({ label: 'Sign Out', action: 'signOut', detail: 'Deletes what the editor stores.' });
  return out;
}

/** Asks before deleting; false when the person did not confirm (nothing is changed then). */
async function confirm(message: string, detail: string, button: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

/** Sign Out of a PAT or key pair: our stored secret only; what stays at Snowflake is said before and after. */
async function forgetSecret(auth: AuthService, s: SignInListing): Promise<boolean> {
  const pat = s.storedSecret === 'pat';
  const what = pat ? 'the programmatic access token' : 'the key passphrase';
  const remains = pat
    ? 'The PAT itself stays valid at Snowflake until it expires or is removed (ALTER USER … REMOVE PROGRAMMATIC ACCESS TOKEN).'
    : 'The public key stays registered at Snowflake (ALTER USER … UNSET RSA_PUBLIC_KEY removes it) and the key file stays where it is.';
  if (!(await confirm(`Delete ${what} stored for "${s.connection}"?`, remains, 'Delete'))) return false;
  await auth.setSecret(s.connection, pat ? 'pat' : 'keyPassphrase', undefined);
  void vscode.window.showInformationMessage(`Deleted ${what} stored for "${s.connection}". ${remains}`);
  return true;
}

/** Sign Out of one role's browser sign-in; the message says whether Snowflake confirmed the revocation. */
async function signOutRole(auth: AuthService, s: SignInListing): Promise<SignOutResult | undefined> {
  const who = `"${s.connection}" (${roleText(s.role)})`;
  if (!(await confirm(`Sign out of ${who}?`, 'Its tokens are revoked at Snowflake and deleted here.', 'Sign Out')))
    return undefined;
  const result = await auth.signOut(await auth.getConnection(s.connection), { role: s.role ?? '' });
  if (result.revocation === 'unconfirmed')
    void vscode.window.showWarningMessage(
      `Signed out of ${who}: its tokens were deleted here, but the revocation at Snowflake could not be confirmed (${result.problem ?? 'no answer'}). Run Sign Out again later, or ask an administrator to revoke it.`,
    );
  else void vscode.window.showInformationMessage(`Signed out of ${who}: revoked at Snowflake and deleted here.`);
  return result;
}

async function run(deps: SignInsDeps, s: SignInListing, action: Action): Promise<SignOutResult | undefined> {
  const profile = await deps.auth.getConnection(s.connection);
  switch (action) {
    case 'refresh': {
      const [after] = (await deps.auth.refreshNow(profile)).filter((x) => x.role === s.role || !x.role);
      const text = after ? signInText(after, (deps.now ?? Date.now)()).detail : '';
      void vscode.window.showInformationMessage(`Refreshed "${s.connection}"${text ? `: ${text}` : '.'}`);
      return undefined;
    }
    case 'use':
      await deps.auth.useSignIn(profile, s.role ?? '');
      void vscode.window.showInformationMessage(`"${s.connection}" now uses ${roleText(s.role)}.`);
      return undefined;
    case 'signInAgain':
      await deps.signIn(profile, s.role);
      return undefined;
    case 'signOut':
      if (s.kind === 'oauthSignIn') {
        const result = await signOutRole(deps.auth, s);
        if (!result) throw new CancelledError();
        return result;
      }
      if (!(await forgetSecret(deps.auth, s))) throw new CancelledError();
      return undefined;
  }
}

/** The command: lists, then runs the action picked for the sign-in picked (a cancelled step changes nothing). */
export async function showSignIns(deps: SignInsDeps, arg?: unknown): Promise<SignInsCommandResult> {
  const listed = await listAll(deps.auth, connectionNameOf(arg));
  if (listed.length === 0) {
    void vscode.window.showInformationMessage('No Snowflake connection has a sign-in to show.');
    return { listed };
  }
  const now = (deps.now ?? Date.now)();
  const items = listed.map((s) => ({ ...signInText(s, now), listing: s }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Snowflake: Sign-Ins',
    placeHolder: 'Choose a sign-in to refresh, sign out of or sign in again',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return { listed };
  const actions = actionsFor(picked.listing);
  if (actions.length === 0) {
    void vscode.window.showInformationMessage(
      picked.listing.kind === 'workbench'
        ? `Posit Workbench manages the sign-in of "${picked.listing.connection}" (sign in again from the Workbench home page).`
        : `Nothing to do for "${picked.listing.connection}" here.`,
    );
    return { listed, picked: picked.listing };
  }
  const chosen = await vscode.window.showQuickPick(actions, { title: `${picked.label}: ${picked.description}` });
  if (!chosen) return { listed, picked: picked.listing };
  const signOut = await run(deps, picked.listing, chosen.action);
  return { listed, picked: picked.listing, action: chosen.action, ...(signOut ? { signOut } : {}) };
}
