// Registers the auth capability in the editor: the "Snowflake" AuthenticationProvider, the diagnostics document, and
// the commands (Add/Test Connection, Sign In/Out, Set Key Passphrase, Set PAT, Open Connections File, Show
// Diagnostics, Set as Default Connection).
//
// Commands take the connection they act on (a name or a tree node); Add Connection asks for everything, e.g.
//   executeCommand('positSnowflake.addConnection')                     // the form; returns { name, file, created }
//   executeCommand('positSnowflake.testConnection', 'prod')            // or a tree node with .connectionName
//   executeCommand('positSnowflake.setKeyPassphrase', 'prod')       // asks for the passphrase
//   executeCommand('positSnowflake.setPat', 'prod')                  // asks for the token
//   executeCommand('positSnowflake.signIn', 'prod'[, 'ROLE']) / ('positSnowflake.signOut', 'prod')
//   executeCommand('positSnowflake.showSignIns'[, 'prod'])          // the sign-ins, then an action on one
//   executeCommand('positSnowflake.openConnectionsFile', 'prod')      // opens the file at [prod]
//   executeCommand('positSnowflake.showDiagnostics', 'prod')          // returns the report text
//   executeCommand('positSnowflake.setDefaultConnection', 'prod')
// Each returns a small result object (never a secret); Set Key Passphrase and Set PAT always ask in a password box.
import * as vscode from 'vscode';
import type { AuthDeps } from '../deps';
import type { ConnectionProfile, SignOutResult } from '../../core/auth/types';
import { showSignIns } from './signInsCommands';
import { isCancelled } from '../../core/shared/errors';
import { registerCommand, toAbortSignal } from '../runCommand';
import { addConnection, type AddConnectionResult } from '../../core/connections/edit/addConnection';
import { promptForConnection } from './addConnectionFlow';
import type { KeySetupResult } from '../../core/auth/keys/keyPairSetup';
import { registerOAuthClientCommands } from './oauthClientCommands';
import { pastedSignIns } from './prompter';
import { OAuthClientSetupRequested } from '../../core/auth/oauth/oauthRedirect';
import { isLoopbackUrl } from '../../core/auth/oauth/oauthLoopback';
import { LOCAL_APPLICATION } from '../../core/auth/oauth/oauthClient';
import { stringParam } from '../../core/connections/connectionParams';
import { showDiagnostics, testConnection } from './connectionChecks';
import { connectionNameOf, pickConnection } from './connectionPicker';
import { DOCTOR_SCHEME, MANAGED_FILE_SCHEME, ReadOnlyDocumentProvider } from './diagnosticsDocument';
import { openConnectionsFile, setDefaultConnection } from './fileCommands';
import { setKeyPassphrase, setPat } from './secretCommands';
import {
  isOAuthSignIn,
  PROVIDER_ID,
  PROVIDER_LABEL,
  sessionIdFor,
  SnowflakeAuthProvider,
} from './snowflakeAuthProvider';

async function runAddConnection(deps: AuthDeps): Promise<AddConnectionResult | KeySetupResult | undefined> {
  const { auth } = deps;
  const prompted = await promptForConnection(await auth.connections(), auth.host);
  // "I don't have a key": Set Up Key-Pair Sign-In writes the key and the connection, and says how it went.
  if ('setUpKey' in prompted)
    return vscode.commands.executeCommand<KeySetupResult | undefined>(
      'positSnowflake.setUpKeyPair',
      prompted.setUpKey,
      {
        report: true,
      },
    );
  const options = prompted.add;
  const result = await addConnection(auth, options);
  deps.log.info(`Added connection "${result.name}" to ${result.file}`);
  const next = options.authenticator === 'OAUTH_AUTHORIZATION_CODE' ? 'Sign In' : 'Test Connection';
  void vscode.window
    .showInformationMessage(`Added connection "${result.name}" to ${result.file}.`, next)
    .then((choice) => {
      if (choice === 'Sign In') void vscode.commands.executeCommand('positSnowflake.signIn', result.name);
      else if (choice === 'Test Connection')
        void vscode.commands.executeCommand('positSnowflake.testConnection', result.name);
    });
  return result;
}

function registerProvider(deps: AuthDeps): SnowflakeAuthProvider {
  const choose = () =>
    pickConnection(deps.auth, undefined, {
      title: 'Snowflake: Sign In',
      filter: isOAuthSignIn,
      noneMessage: 'No connection signs in with the browser (authenticator = "OAUTH_AUTHORIZATION_CODE").',
    });
  const provider = new SnowflakeAuthProvider(deps.auth, deps.log, choose);
  deps.subscriptions.push(
    provider,
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, provider, {
      supportsMultipleAccounts: true,
    }),
  );
  return provider;
}

/** Which OAuth client the sign-in uses, as the person set it up (said while signing in and after). */
function signInWayOf(profile: ConnectionProfile): string {
  const id = stringParam(profile.params, 'oauth_client_id');
  const redirect = stringParam(profile.params, 'oauth_redirect_uri');
  if (!id || id === LOCAL_APPLICATION) return "Snowflake's built-in OAuth client";
  return redirect && !isLoopbackUrl(redirect) ? `OAuth client ${id}, returning to ${redirect}` : `OAuth client ${id}`;
}

/** The browser sign-in with progress (cancellable); `role` signs in with that role's scope. */
async function signInWithProgress(
  provider: SnowflakeAuthProvider,
  profile: ConnectionProfile,
  role?: string,
): Promise<{ connection: string; account: string; role?: string }> {
  const who = role ? `"${profile.name}", role ${role}` : `"${profile.name}"`;
  const session = await Promise.resolve(
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Signing in to Snowflake (${who}) in your browser, ${signInWayOf(profile)}…`,
        cancellable: true,
      },
      (_progress, token) => provider.signIn(profile, toAbortSignal(token), role),
    ),
  ).catch((err: unknown) => {
    // Cancelled (the progress's Cancel, or the editor's "open external website?" declined): said, not an error.
    // Stopped to set up an OAuth client first: that command says what happens and signs in again.
    if (isCancelled(err) && !(err instanceof OAuthClientSetupRequested))
      void vscode.window.showInformationMessage(`Sign-in to ${who} cancelled.`);
    throw err;
  });
  const pasted = pastedSignIns.delete(profile.name) ? ' with the address you pasted' : '';
  void vscode.window.showInformationMessage(
    `Signed in to ${who} as ${session.account.label}${pasted} (${signInWayOf(profile)}).`,
  );
  return { connection: profile.name, account: session.account.label, ...(role ? { role } : {}) };
}

const SIGN_IN_PICK = {
  title: 'Snowflake: Sign In',
  filter: isOAuthSignIn,
  noneMessage: 'No connection signs in with the browser (authenticator = "OAUTH_AUTHORIZATION_CODE").',
};

/** Sign Out's message: what was deleted here, and whether Snowflake confirmed the revocation. */
function signOutMessage(name: string, result: SignOutResult | undefined): void {
  if (result?.revocation === 'unconfirmed')
    void vscode.window.showWarningMessage(
      `Signed out of "${name}": its tokens were deleted here, but the revocation at Snowflake could not be confirmed (${result.problem ?? 'no answer'}).`,
    );
  else void vscode.window.showInformationMessage(`Signed out of "${name}": revoked at Snowflake and deleted here.`);
}

function registerSignInOut(deps: AuthDeps, provider: SnowflakeAuthProvider): vscode.Disposable[] {
  const { auth, log } = deps;
  return [
    registerCommand(log, 'positSnowflake.signIn', async (arg?: unknown, role?: unknown) =>
      signInWithProgress(
        provider,
        await pickConnection(auth, arg, SIGN_IN_PICK),
        typeof role === 'string' ? role : undefined,
      ),
    ),
    // "Sign in again" on an expired sign-in: the browser sign-in of the role in use.
    registerCommand(log, 'positSnowflake.signInAgain', async (arg?: unknown) =>
      signInWithProgress(provider, await pickConnection(auth, arg, SIGN_IN_PICK)),
    ),
    registerCommand(log, 'positSnowflake.showSignIns', (arg?: unknown) =>
      showSignIns({ auth, signIn: (p, role) => signInWithProgress(provider, p, role) }, arg),
    ),
    registerCommand(log, 'positSnowflake.signOut', async (arg?: unknown) => {
      let name = connectionNameOf(arg);
      if (name === undefined) {
        const signedIn = await provider.signedInConnections();
        if (signedIn.length === 0) {
          void vscode.window.showInformationMessage('No Snowflake connection is signed in.');
          return undefined;
        }
        name =
          signedIn.length === 1
            ? signedIn[0]
            : await vscode.window.showQuickPick(signedIn, {
                title: 'Snowflake: Sign Out',
                placeHolder: 'Choose a connection',
              });
        if (name === undefined) return undefined;
      }
      const result = await provider.signOut(sessionIdFor(name));
      signOutMessage(name, result);
      return { connection: name, ...(result ? { revocation: result.revocation } : {}) };
    }),
  ];
}

export interface AuthServices {
  /** The "Snowflake" authentication provider (its sessions are what other extensions get). */
  readonly provider: SnowflakeAuthProvider;
}

export function registerAuth(deps: AuthDeps): AuthServices {
  const { subscriptions, auth, log } = deps;
  const provider = registerProvider(deps);
  const doctorDocs = new ReadOnlyDocumentProvider(
    DOCTOR_SCHEME,
    'Run "Snowflake: Show Diagnostics" to produce this report.',
  );
  const managedDocs = new ReadOnlyDocumentProvider(
    MANAGED_FILE_SCHEME,
    'Run "Snowflake: Open Connections File" on the Posit Workbench connection to show this file.',
  );
  subscriptions.push(
    doctorDocs,
    managedDocs,
    vscode.workspace.registerTextDocumentContentProvider(DOCTOR_SCHEME, doctorDocs),
    vscode.workspace.registerTextDocumentContentProvider(MANAGED_FILE_SCHEME, managedDocs),
    registerCommand(log, 'positSnowflake.addConnection', () => runAddConnection(deps)),
    registerCommand(log, 'positSnowflake.testConnection', (arg?: unknown) => testConnection(deps, arg)),
    registerCommand(log, 'positSnowflake.setKeyPassphrase', (arg?: unknown) => setKeyPassphrase(auth, arg)),
    registerCommand(log, 'positSnowflake.setPat', (arg?: unknown) => setPat(auth, arg)),
    registerCommand(log, 'positSnowflake.openConnectionsFile', (arg?: unknown) =>
      openConnectionsFile(auth, managedDocs, arg),
    ),
    registerCommand(log, 'positSnowflake.showDiagnostics', (arg?: unknown) => showDiagnostics(deps, doctorDocs, arg)),
    registerCommand(log, 'positSnowflake.setDefaultConnection', (arg?: unknown) => setDefaultConnection(auth, arg)),
    ...registerSignInOut(deps, provider),
    ...registerOAuthClientCommands(deps),
    auth.onDidChange(() => void updateConnectionContext(deps)),
  );
  void updateConnectionContext(deps);
  return { provider };
}

/**
 * Context keys for `when` clauses and the walkthrough: whether any connection (or a Posit Workbench-managed one)
 * exists, so a Workbench user's first walkthrough step is done without doing anything.
 */
async function updateConnectionContext(deps: AuthDeps): Promise<void> {
  try {
    const { connections } = await deps.auth.connections();
    await vscode.commands.executeCommand('setContext', 'positSnowflake.hasConnection', connections.length > 0);
    await vscode.commands.executeCommand(
      'setContext',
      'positSnowflake.hasWorkbenchConnection',
      connections.some((c) => c.source === 'workbench'),
    );
  } catch (err) {
    deps.log.debug(`Connection context keys not updated: ${(err as Error).message}`);
  }
}
