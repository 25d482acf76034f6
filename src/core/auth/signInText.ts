// What "Snowflake: Show Sign-Ins" says about one sign-in: a label, a few words of state, and the times that matter
// (issued, access and refresh token expiry, a token file's or PAT's expiry) or the key's fingerprint, relative to now.
import type { SignInKind, SignInListing } from './types';

const KIND_LABEL: Record<SignInKind, string> = {
  oauthSignIn: 'browser sign-in',
  oauthToken: 'OAuth token',
  workbench: 'Posit Workbench token',
  pat: 'PAT',
  keyPair: 'key pair',
  other: 'other sign-in',
};

/** "in 9 min", "3 h ago", "in 2 days": how far `at` is from `now`. */
export function relativeTime(at: number, now: number): string {
  const ms = Math.abs(at - now);
  const minutes = Math.round(ms / 60_000);
  const amount =
    minutes < 1
      ? 'less than a minute'
      : minutes < 60
        ? `${minutes} min`
        : minutes < 48 * 60
          ? `${Math.round(minutes / 60)} h`
          : `${Math.round(minutes / (24 * 60))} days`;
  return at >= now ? `in ${amount}` : `${amount} ago`;
}

export function roleText(role: string | undefined): string {
  return role === undefined ? 'role not known' : role === '' ? 'default role' : `role ${role}`;
}

export interface SignInText {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
}

function stateText(s: SignInListing): string {
  if (s.status === 'expired') return s.kind === 'oauthSignIn' ? 'sign-in expired' : 'expired';
  if (s.status === 'signedOut') return 'not signed in';
  if (s.status === 'unknown') return 'not checked';
  return s.active ? 'in use' : s.kind === 'oauthSignIn' ? 'signed in' : 'valid';
}

function times(s: SignInListing, now: number): string[] {
  const expiry = (what: string, at: number | undefined): string | undefined =>
    at === undefined ? undefined : `${what} ${at > now ? 'expires' : 'expired'} ${relativeTime(at, now)}`;
  return [
    s.issuedAt ? `issued ${relativeTime(s.issuedAt, now)}` : undefined,
    expiry('access token', s.accessExpiresAt),
    expiry('refresh token', s.refreshExpiresAt),
    expiry('token', s.tokenExpiresAt),
    s.fileWrittenAt !== undefined ? `file written ${relativeTime(s.fileWrittenAt, now)}` : undefined,
    s.fingerprint ? `fingerprint ${s.fingerprint}` : undefined,
    s.username ? `user ${s.username}` : undefined,
    s.note,
  ].filter((t): t is string => !!t);
}

export function signInText(s: SignInListing, now: number): SignInText {
  return {
    label: `${s.connection} · ${roleText(s.role)}`,
    description: `${KIND_LABEL[s.kind]} · ${stateText(s)}`,
    detail: times(s, now).join(' · '),
  };
}

/** A failure only a browser sign-in cures, as chat offers it: what happened, and the button that signs in. */
export interface SignInPrompt {
  readonly message: string;
  readonly command: string;
  readonly title: string;
}

const SIGN_IN_COMMANDS = new Set(['positSnowflake.signIn', 'positSnowflake.signInAgain']);

/** The sign-in prompt for an error whose fix is a browser sign-in; undefined for any other error. */
export function signInPromptOf(err: unknown): SignInPrompt | undefined {
  const e = err as { message?: unknown; refusal?: unknown; fix?: { command?: string; commandTitle?: string } };
  const command = e?.fix?.command;
  if (e?.refusal !== 'sign-in-needed' || !command || !SIGN_IN_COMMANDS.has(command)) return undefined;
  return { message: String(e.message), command, title: e.fix?.commandTitle ?? 'Sign In' };
}
