// Where the browser comes back to after a sign-in, and how its answer reaches us: the loopback listener (a local
// editor, or one whose port the editor forwards to a loopback address), a custom client's registered external redirect
// (a listener behind the editor's proxy), or, with a loopback-only client in a remote editor, the address pasted back.
import { CancelledError, SnowflakeExtError } from '../../shared/errors';
import type { AuthPrompter, SignInWay } from '../types';
import type { OAuthClientConfig } from './oauthClient';
import {
  isLoopbackUrl,
  listenTarget,
  readCallback,
  startLoopback,
  type ListenTarget,
  type SignInSubject,
} from './oauthLoopback';

export interface RedirectPlan {
  readonly way: SignInWay;
  readonly redirectUri: string;
  /** Called once the browser is open: resolves with the code once the answer arrives (listener) or is pasted. */
  code(): Promise<string>;
  close(): void;
}

/** The sign-in was stopped so the person can set up a custom OAuth client first (not a failure, nothing to show). */
export class OAuthClientSetupRequested extends CancelledError {
  constructor(readonly connection: string) {
    super(`Sign-in of '${connection}' waits for an OAuth client to be set up.`);
  }
}

export function describeWay(plan: Pick<RedirectPlan, 'way' | 'redirectUri'>, client: OAuthClientConfig): string {
  switch (plan.way) {
    case 'loopback':
      return `the browser returns to ${plan.redirectUri}`;
    case 'registeredRedirect':
      return `OAuth client ${client.clientId} returns the browser to ${plan.redirectUri}`;
    case 'paste':
      return `you paste the address the browser shows after approving (it starts with ${plan.redirectUri})`;
  }
}

/**
 * Where a listener for a non-loopback redirect binds: oauth_socket_uri, else the port code-server's proxy names in the
 * redirect's path (`/proxy/<port>/`). The proxy may rewrite the path, so any path is answered (our state guards it).
 */
export function socketTarget(client: OAuthClientConfig, connection: string): ListenTarget {
  if (client.socketUri) {
    if (!isLoopbackUrl(client.socketUri))
      throw new SnowflakeExtError(
        'config',
        `oauth_socket_uri of connection '${connection}' (${client.socketUri}) is not a loopback address the editor can listen on.`,
        { text: 'Set it to http://127.0.0.1:<port>, the port your editor forwards to oauth_redirect_uri.' },
        'badSocketUri',
      );
    return { ...listenTarget(client.socketUri), path: undefined };
  }
  const port = /\/proxy\/(\d+)(?:\/|$)/.exec(new URL(client.redirectUri!).pathname)?.[1];
  if (!port)
    throw new SnowflakeExtError(
      'config',
      `Connection '${connection}' redirects to ${client.redirectUri}, but it does not say which local port that address reaches.`,
      { text: 'Set oauth_socket_uri = "http://127.0.0.1:<port>" to the port your editor forwards there.' },
      'noSocketUri',
    );
  return { host: '127.0.0.1', port: Number(port) };
}

function checkRedirect(uri: string, connection: string): void {
  try {
    new URL(uri);
  } catch {
    throw new SnowflakeExtError(
      'config',
      `oauth_redirect_uri of connection '${connection}' is not an address: ${uri}`,
      {
        text: 'Set it to the redirect URI registered in the security integration (OAUTH_REDIRECT_URI).',
      },
    );
  }
}

/** Asks for the pasted address until it is the answer to this sign-in; its code, or the refusal it carries. */
async function pastedCode(
  prompter: AuthPrompter,
  who: SignInSubject,
  state: string,
  redirectUri: string,
  signal: AbortSignal,
): Promise<string> {
  const parse = (text: string): URL | undefined => {
    try {
      return new URL(text.trim());
    } catch {
      return undefined;
    }
  };
  const address = await prompter.askRedirectedAddress!({
    connection: who.connection,
    redirectUri,
    signal,
    check: (text) => {
      const url = parse(text);
      if (!url) return `Paste the whole address from the browser's address bar; it starts with ${redirectUri}.`;
      const answer = readCallback(url, state, who);
      return 'foreign' in answer ? `That address is not this sign-in's answer. ${answer.foreign}` : undefined;
    },
  });
  if (address === undefined) throw new CancelledError('Sign-in cancelled.');
  const answer = readCallback(parse(address)!, state, who);
  if ('error' in answer) throw answer.error;
  if ('foreign' in answer) throw new CancelledError('Sign-in cancelled.'); // the question accepted only our answer
  return answer.code;
}

/** Starts what receives the browser's answer and decides the redirect address the authorize request names. */
export async function planRedirect(
  prompter: AuthPrompter | undefined,
  client: OAuthClientConfig,
  who: SignInSubject,
  state: string,
): Promise<RedirectPlan> {
  if (client.redirectUri && !isLoopbackUrl(client.redirectUri)) {
    checkRedirect(client.redirectUri, who.connection);
    const listener = await startLoopback(socketTarget(client, who.connection), state, who);
    return {
      way: 'registeredRedirect',
      redirectUri: client.redirectUri,
      code: () => listener.code,
      close: listener.close,
    };
  }
  const listener = await startLoopback(listenTarget(client.socketUri ?? client.redirectUri), state, who);
  let callback: string;
  try {
    callback = (await prompter?.asExternalUri?.(listener.localUrl)) ?? listener.localUrl;
  } catch (err) {
    listener.close();
    throw err;
  }
  if (isLoopbackUrl(callback))
    return {
      way: 'loopback',
      redirectUri: client.redirectUri ?? callback,
      code: () => listener.code,
      close: listener.close,
    };
  // A remote editor: the browser cannot reach a loopback address here, and this client accepts no other.
  listener.close();
  if (!prompter?.chooseRemoteSignIn || !prompter.askRedirectedAddress)
    throw new SnowflakeExtError(
      'notSupported',
      `Connection '${who.connection}' uses an OAuth client that redirects only to 127.0.0.1, which your browser cannot reach in this remote editor.`,
      { text: 'Set up a custom OAuth client whose redirect URI is the editor’s forwarded address (see the README).' },
      'remoteRedirect',
    );
  const choice = await prompter.chooseRemoteSignIn(who.connection, callback);
  if (choice === undefined) throw new CancelledError('Sign-in cancelled.');
  if (choice === 'setUpClient') throw new OAuthClientSetupRequested(who.connection);
  const redirectUri = client.redirectUri ?? listener.localUrl;
  const question = new AbortController();
  return {
    way: 'paste',
    redirectUri,
    code: () => pastedCode(prompter, who, state, redirectUri, question.signal),
    close: () => question.abort(),
  };
}
