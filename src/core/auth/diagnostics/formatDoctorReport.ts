// formatDoctorReport: the doctor's findings as plain text for the CLI and the editor's diagnostics document.
import type { Diagnostic } from '../types';
import type { DoctorConnection, DoctorProblem, DoctorReport } from './doctor';

const MARK: Readonly<Record<Diagnostic['severity'], string>> = { error: '✗', warning: '!', info: '·' };

function diagnosticLines(list: readonly Diagnostic[], indent: string): string[] {
  return list.flatMap((d) => [
    `${indent}${MARK[d.severity]} ${d.message}`,
    ...(d.fix ? [`${indent}  → ${d.fix}`] : []),
  ]);
}

function problemLines(label: string, p: DoctorProblem, indent: string): string[] {
  return [`${indent}✗ ${label}: ${p.message}`, ...(p.fix ? [`${indent}  → ${p.fix}`] : [])];
}

function connectionLines(c: DoctorConnection): string[] {
  const head = `Connection '${c.name}'${c.isDefault ? ' (default)' : ''}${c.source ? ` — ${c.source}${c.file ? `: ${c.file}` : ' (environment)'}` : ''}`;
  const lines = [head];
  const i = '  ';
  if (c.authenticator) lines.push(`${i}authenticator: ${c.authenticator}`);
  if (c.account)
    lines.push(
      `${i}account: ${c.account}${c.authenticator === 'snowflake_jwt' ? ` (a key-pair JWT names it ${c.jwtAccount})` : ''}`,
    );
  if (c.baseUrl) lines.push(`${i}host: ${c.baseUrl}`);
  const who = [
    c.user && `user ${c.user}`,
    c.role && `role ${c.role}`,
    c.warehouse && `warehouse ${c.warehouse}`,
  ].filter(Boolean);
  if (who.length) lines.push(`${i}${who.join(', ')}`);
  if (c.key) {
    const bits = c.key.bits ? `, ${c.key.bits} bits` : '';
    const pass = c.key.passphraseFrom ? `, passphrase from ${c.key.passphraseFrom}` : '';
    lines.push(`${i}key: ${c.key.file ?? 'private_key_raw'} (${c.key.format}${bits}${pass})`);
    lines.push(
      `${i}fingerprint: ${c.key.fingerprint} — compare with RSA_PUBLIC_KEY_FP in DESCRIBE USER ${(c.user ?? '<user>').toUpperCase()}`,
    );
    if (c.key.bits !== undefined && c.key.bits < 2048)
      lines.push(`${i}! Snowflake needs RSA keys of at least 2048 bits.`);
  }
  if (c.keyProblem) lines.push(...problemLines('key', c.keyProblem, i));
  if (c.clockSkewMs !== undefined)
    lines.push(`${i}clock: ${c.clockText ?? "in step with Snowflake's (within a minute)"}`);
  if (c.login)
    lines.push(`${i}login: OK as ${c.login.user}, role ${c.login.role}, warehouse ${c.login.warehouse ?? '(none)'}`);
  if (c.loginProblem) lines.push(...problemLines('login', c.loginProblem, i));
  lines.push(...diagnosticLines(c.diagnostics, i));
  return lines;
}

export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = ['Snowflake connections: doctor', ''];
  lines.push(`Directory: ${report.directory}`, `  used because ${report.directoryWhy}`);
  lines.push(`Files read: ${report.files.length ? report.files.join(', ') : '(none)'}`);
  const none = report.connections.length === 0;
  // With no connection at all, the clients' fallback name ("default") names nothing: it is not worth a line.
  if (!none) lines.push(`Default connection: ${report.defaultName}`);
  if (report.environment.length) lines.push(`Environment: ${report.environment.join('; ')}`);
  if (report.offline) lines.push('Offline: no login attempted (files, keys and settings only).');
  if (report.general.length) lines.push('', ...diagnosticLines(report.general, ''));
  for (const c of report.connections) lines.push('', ...connectionLines(c));
  if (none)
    lines.push(
      '',
      'No connection found.',
      "  → Run 'Snowflake: Add Connection', or create connections.toml in the directory above.",
    );
  lines.push(
    '',
    none && report.problemCount === 0
      ? 'Nothing to check yet: add a connection, then run this again.'
      : report.problemCount === 0
        ? 'No problems found.'
        : `${report.problemCount} problem${report.problemCount === 1 ? '' : 's'} found.`,
  );
  return `${lines.join('\n')}\n`;
}
