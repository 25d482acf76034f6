// The editor's side of talking to the person during sign-in: passphrase prompts, the browser, and in a remote editor
// the choice between pasting the browser's address and setting up a custom OAuth client, then the paste itself.
import * as vscode from 'vscode';
import type { AuthPrompter, RedirectedAddressQuestion, RemoteSignInChoice } from '../../core/auth/types';

/** Connections whose last sign-in took the pasted address (so the success message can say which way was used). */
export const pastedSignIns = new Set<string>();

async function chooseRemoteSignIn(connection: string, callback: string): Promise<RemoteSignInChoice | undefined> {
  const items: (vscode.QuickPickItem & { way: RemoteSignInChoice })[] = [
    {
      label: 'Paste the address from the browser',
      description: "Snowflake's built-in client",
      detail: 'Approve, then copy the address of the page that cannot be reached (http://127.0.0.1:…).',
      way: 'paste',
    },
    {
      label: 'Set up an OAuth client for this editor…',
      description: 'a custom security integration',
      detail: `Returns the browser to ${callback}; an administrator creates it once.`,
      way: 'setUpClient',
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Snowflake: Sign In to "${connection}" from a remote editor`,
    placeHolder: "This editor is remote; Snowflake's built-in client returns only to 127.0.0.1.",
    ignoreFocusOut: true,
  });
  // The setup is its own command; it signs in again once the client is set.
  if (picked?.way === 'setUpClient')
    setTimeout(() => void vscode.commands.executeCommand('positSnowflake.setUpOAuthClient', connection), 0);
  return picked?.way;
}

/** An input box (not a password box, so the person sees what they pasted); its value is never logged. */
function askRedirectedAddress(q: RedirectedAddressQuestion): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = `Snowflake: Sign In to "${q.connection}" — paste the address (Snowflake's built-in client)`;
  box.prompt = `After you approve in the browser, it opens ${q.redirectUri}/?code=…&state=… and says the page cannot be reached. Copy that whole address from the address bar and paste it here.`;
  box.placeholder = `${q.redirectUri}/?code=…&state=…`;
  box.password = false;
  box.ignoreFocusOut = true;
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: string | undefined): void => {
      if (done) return;
      done = true;
      for (const d of subs) d.dispose();
      q.signal.removeEventListener('abort', onAbort);
      box.dispose();
      if (value !== undefined) pastedSignIns.add(q.connection);
      resolve(value);
    };
    const onAbort = (): void => finish(undefined);
    const subs = [
      box.onDidChangeValue(() => (box.validationMessage = undefined)),
      box.onDidAccept(() => {
        const problem = q.check(box.value);
        if (problem) box.validationMessage = problem;
        else finish(box.value);
      }),
      box.onDidHide(() => finish(undefined)),
    ];
    q.signal.addEventListener('abort', onAbort, { once: true });
    box.show();
  });
}

export function createPrompter(): AuthPrompter {
  return {
    askPassphrase: async (connection, keyFile, retry) =>
      vscode.window.showInputBox({
        title: `Snowflake: passphrase for connection "${connection}"`,
        prompt: `${retry ? 'That passphrase did not decrypt the key. ' : ''}Passphrase of ${keyFile}. It is kept in the editor's secret storage.`,
        password: true,
        ignoreFocusOut: true,
      }),
    // The address as text: a Uri is decoded and re-encoded on its way to the browser, which turns a client id's "%2B"
    // into "+" (read back as a space); the editor opens a string as it is (its openUri takes `string | URI`).
    openExternal: async (url) => vscode.env.openExternal(url as unknown as vscode.Uri),
    asExternalUri: async (localUrl) => (await vscode.env.asExternalUri(vscode.Uri.parse(localUrl))).toString(true),
    chooseRemoteSignIn,
    askRedirectedAddress,
  };
}
