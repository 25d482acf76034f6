// Which browser sign-ins of the Connections view have expired (Snowflake refused them), so a row can say
// "sign-in expired" and offer Sign in again, and what a connection without a usable sign-in shows instead of its
// children: a Sign in node (or Sign in again).
import { SIGN_IN_EXPIRED } from '../auth/oauth/oauthClient';
import type { ConnectionProfile } from '../auth/types';
import type { ConnectionNode, SignInNode } from './connectionNodes';

export type SignInStatus = 'signedIn' | 'expired' | 'signedOut';

export interface SignInStateDeps {
  /** Whether a sign-in is stored (else "Sign in"). */
  readonly isSignedIn?: (profile: ConnectionProfile) => Promise<boolean>;
  /** Tells an expired sign-in from none; without it, both are "not signed in". */
  readonly signInStatus?: (profile: ConnectionProfile) => Promise<SignInStatus>;
}

export function signInNode(node: ConnectionNode, expired: boolean): SignInNode {
  return {
    kind: 'signIn',
    id: `${node.id}/#signIn`,
    parentId: node.id,
    connectionName: node.connectionName,
    ...(expired ? { expired: true } : {}),
  };
}

export class SignInStates {
  private readonly expired = new Set<string>();

  /** `redraw` is told when a connection's row must say something else (its sign-in expired, or no longer). */
  constructor(
    private readonly deps: SignInStateDeps,
    private readonly redraw: (connectionName: string) => void,
  ) {}

  has(connectionName: string): boolean {
    return this.expired.has(connectionName);
  }

  private set(connectionName: string, expired: boolean, quiet = false): void {
    if (this.expired.has(connectionName) === expired) return;
    if (expired) this.expired.add(connectionName);
    else this.expired.delete(connectionName);
    if (!quiet) this.redraw(connectionName);
  }

  private async status(profile: ConnectionProfile): Promise<SignInStatus> {
    if (this.deps.signInStatus) return this.deps.signInStatus(profile);
    if (!this.deps.isSignedIn) return 'signedIn';
    return (await this.deps.isSignedIn(profile)) ? 'signedIn' : 'signedOut';
  }

  /** The roots' states (no redraw: the roots are being drawn), so rows say so before anyone expands them. */
  async noteRoots(profiles: readonly ConnectionProfile[]): Promise<void> {
    if (!this.deps.signInStatus) return;
    for (const p of profiles.filter((x) => x.authenticator === 'OAUTH_AUTHORIZATION_CODE')) {
      const s = await this.deps.signInStatus(p).catch(() => undefined);
      if (s) this.set(p.name, s === 'expired', true);
    }
  }

  /** A Sign in node instead of the connection's children when it has no usable browser sign-in. */
  async nodeFor(node: ConnectionNode): Promise<SignInNode | undefined> {
    if (node.profile.authenticator !== 'OAUTH_AUTHORIZATION_CODE') return undefined;
    const status = await this.status(node.profile);
    this.set(node.connectionName, status === 'expired');
    return status === 'signedIn' ? undefined : signInNode(node, status === 'expired');
  }

  /** A load refused for want of a sign-in: the node to show, noting an expired sign-in on the way. */
  nodeForRefusal(node: ConnectionNode, err: unknown): SignInNode {
    const expired = (err as { code?: unknown } | undefined)?.code === SIGN_IN_EXPIRED;
    if (expired) this.set(node.connectionName, true);
    return signInNode(node, expired);
  }
}
