// What the Connections view says about a connection and an error row, as plain text and Markdown: labels, the
// state in a few words, the tooltip, the context value menus match on, and the fix a click on an error row runs.
import type { Authenticator, ConnectionProfile, ConnectionSource, ListedConnection } from '../auth/types';
import type { SessionState } from '../snowflake/sqlSessionManager';
import type { SnowflakeExtError } from '../shared/errors';
import type { ErrorNode } from './connectionNodes';

export const SOURCE_LABEL: Record<ConnectionSource, string> = {
  workbench: 'Posit Workbench',
  'connections.toml': 'connections.toml',
  'config.toml': 'config.toml',
  environment: 'environment',
};

const AUTH_LABEL: Partial<Record<Authenticator, string>> = {
  SNOWFLAKE_JWT: 'key pair',
  OAUTH: 'OAuth token',
  PROGRAMMATIC_ACCESS_TOKEN: 'PAT',
  OAUTH_AUTHORIZATION_CODE: 'OAuth sign-in',
  SNOWFLAKE: 'password',
  EXTERNALBROWSER: 'browser SSO',
};

/** The part of a connection's context value that names how it logs in (menus offer the matching fix). */
const AUTH_CONTEXT: Partial<Record<Authenticator, string>> = {
  SNOWFLAKE_JWT: 'keypair',
  PROGRAMMATIC_ACCESS_TOKEN: 'pat',
  OAUTH_AUTHORIZATION_CODE: 'oauth',
  OAUTH: 'token',
};

/** Commands that fix a connection's credential, run with the connection's name; a click on the error row runs it. */
export const CONNECTION_FIXES: Readonly<Record<string, string>> = {
  'positSnowflake.setKeyPassphrase': 'Set Key Passphrase',
  'positSnowflake.setPat': 'Set PAT',
  'positSnowflake.signIn': 'Sign In',
  'positSnowflake.signInAgain': 'Sign in again',
};

export function authLabel(a: Authenticator): string {
  return AUTH_LABEL[a] ?? a.toLowerCase().replace(/_/g, ' ');
}

/** A failed session in a few words, for the connection row's description. */
function failureText(error: SnowflakeExtError): string {
  const fix = error.fix?.command;
  if (fix === 'positSnowflake.setKeyPassphrase') return 'key passphrase needed';
  if (fix === 'positSnowflake.setPat') return 'PAT needed';
  if (fix === 'positSnowflake.signIn') return 'sign-in needed';
  if (fix === 'positSnowflake.signInAgain') return 'sign-in expired';
  if (error.code === '390318') return 'token expired';
  switch (error.kind) {
    case 'auth':
      return 'login refused';
    case 'network':
      return 'unreachable';
    case 'config':
      return 'configuration problem';
    case 'permission':
      return 'not allowed';
    default:
      return 'error';
  }
}

export function stateText(state: SessionState): string {
  switch (state.status) {
    case 'notConnected':
      return 'not connected';
    case 'connecting':
      return 'connecting…';
    case 'error':
      return `${failureText(state.error)}${state.error.code && /^\d+$/.test(state.error.code) ? ` (${state.error.code})` : ''}`;
    case 'connected': {
      const who = [state.user, state.role, state.warehouse].filter(Boolean).join(' · ');
      return who ? `connected as ${who}` : 'connected';
    }
  }
}

/** Markdown-escapes text outside code spans. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** A code span: nothing is escaped inside one (a backslash would show), so the fence outgrows any backtick run. */
export function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** The row of a connection the files define but that cannot be used: where it comes from and how many problems. */
export function unusableConnectionDescription(c: ListedConnection): string {
  const count = c.errors.length;
  return [
    c.isDefault ? 'default' : undefined,
    SOURCE_LABEL[c.source],
    `cannot be used (${count} problem${count === 1 ? '' : 's'})`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Its tooltip: the name, the file (in a code span, unescaped) and each problem with its fix. */
export function unusableConnectionTooltip(c: ListedConnection): string {
  const lines = [`**${escapeMarkdown(c.name)}**${c.file ? ` — ${codeSpan(c.file)}` : ''}`, ''];
  for (const e of c.errors)
    lines.push(`- ${escapeMarkdown(e.message)}${e.fix ? `  \n  ${escapeMarkdown(e.fix)}` : ''}`);
  return lines.join('\n');
}

/** What the tree knows about a connection beside its session: its browser sign-in was refused (expired). */
export interface ConnectionExtras {
  readonly signInExpired?: boolean;
}

/** The state in a few words; an expired sign-in says so while no session is open (a new one would be refused). */
function rowState(state: SessionState, extras: ConnectionExtras): string {
  if (extras.signInExpired && (state.status === 'notConnected' || state.status === 'error')) return 'sign-in expired';
  return stateText(state);
}

export function connectionDescription(
  p: ConnectionProfile,
  state: SessionState,
  extras: ConnectionExtras = {},
): string {
  return [
    p.isDefault ? 'default' : undefined,
    SOURCE_LABEL[p.source],
    authLabel(p.authenticator),
    rowState(state, extras),
  ]
    .filter(Boolean)
    .join(' · ');
}

export function connectionTooltip(p: ConnectionProfile, state: SessionState, extras: ConnectionExtras = {}): string {
  const lines = [
    `**${escapeMarkdown(p.name)}**${p.isDefault ? ' (default connection)' : ''}\n`,
    `Source: ${escapeMarkdown(SOURCE_LABEL[p.source])}${p.file ? ` — ${codeSpan(p.file)}` : ''}  `,
    `Account: ${codeSpan(p.account)}  `,
    `Authentication: ${escapeMarkdown(authLabel(p.authenticator))}  `,
    ...(p.user ? [`User: ${codeSpan(p.user)}  `] : []),
    `State: ${escapeMarkdown(rowState(state, extras))}`,
  ];
  if (state.status === 'error') lines.push('', escapeMarkdown(state.error.userText));
  else if (extras.signInExpired)
    lines.push('', 'Snowflake no longer accepts the saved sign-in. Click to sign in again.');
  return lines.join('\n');
}

/**
 * `connection.<how it logs in>[.workbench][.expired][.default]`: the `when` clauses of the view's menus match on it
 * (an expired browser sign-in offers Sign in again).
 */
export function connectionContextValue(p: ConnectionProfile, extras: ConnectionExtras = {}): string {
  return [
    'connection',
    AUTH_CONTEXT[p.authenticator] ?? 'other',
    p.source === 'workbench' ? 'workbench' : '',
    extras.signInExpired ? 'expired' : '',
    p.isDefault ? 'default' : '',
  ]
    .filter(Boolean)
    .join('.');
}

/** The command a click on the error row runs before loading again, when the error names one for the connection. */
export function connectionFixOf(n: ErrorNode): { command: string; title: string } | undefined {
  const command = n.fix?.command;
  const title = command ? CONNECTION_FIXES[command] : undefined;
  return command && title ? { command, title } : undefined;
}

export interface ErrorRowText {
  readonly label: string;
  readonly description?: string;
  readonly tooltip: string;
  readonly contextValue: string;
}

export function errorRowText(n: ErrorNode): ErrorRowText {
  const fix = connectionFixOf(n);
  const fixText = n.fix ? `\n\n${n.fix.text}` : '';
  return {
    // The action first, so it is not the part a narrow view cuts off.
    label: fix ? `${fix.title}: ${n.message}` : n.message,
    ...(fix ? {} : n.fix ? { description: n.fix.text } : {}),
    tooltip: `${n.message}${fixText}\n\n${fix ? `Click to run ${fix.title}; the view then loads again.` : 'Click to retry.'}`,
    contextValue: fix ? `error.${fix.command.replace(/^positSnowflake\./, '')}` : 'error',
  };
}
