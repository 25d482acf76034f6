// "Test Connection" and "Show Diagnostics": the core's login probe and doctor with cancellable progress, results
// shown in the person's terms (a one-line "Connected to …" and a read-only report document).
import * as vscode from 'vscode';
import { patWarning } from '../../core/auth/pat/patRecord';
import { runDoctor } from '../../core/auth/diagnostics/doctor';
import { formatDoctorReport } from '../../core/auth/diagnostics/formatDoctorReport';
import { loginProbe } from '../../core/auth/diagnostics/loginProbe';
import type { AuthDeps } from '../deps';
import { toAbortSignal } from '../runCommand';
import { connectionNameOf, pickConnection } from './connectionPicker';
import { diagnosticsUri, type ReadOnlyDocumentProvider } from './diagnosticsDocument';

export interface TestConnectionResult {
  readonly connection: string;
  readonly account: string;
  readonly user: string;
  readonly role: string;
  readonly warehouse?: string;
  readonly message: string;
  /** Said when the connection's PAT expires within 7 days (or has expired). */
  readonly expiryWarning?: string;
}

/** `positSnowflake.testConnection(connection?)`: connection = name or tree node; logs in and asks who we are. */
export async function testConnection(
  deps: Pick<AuthDeps, 'auth' | 'log'>,
  arg?: unknown,
): Promise<TestConnectionResult> {
  const profile = await pickConnection(deps.auth, arg, { title: 'Snowflake: Test Connection' });
  const probe = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Testing Snowflake connection "${profile.name}"…`,
      cancellable: true,
    },
    (_progress, token) =>
      loginProbe(deps.auth, profile, {
        logger: deps.log,
        // A browser sign-in is Sign In's job (it may sit behind the editor's "open external website?" dialog);
        // without one, the test says so and offers Sign In.
        ...(profile.authenticator === 'OAUTH_AUTHORIZATION_CODE' ? { silent: true } : {}),
        ...(token ? { signal: toAbortSignal(token) } : {}),
      }),
  );
  const message = `Connected to ${profile.account} as ${probe.user} · ${probe.role} · ${probe.warehouse ?? 'no warehouse'}`;
  deps.log.info(`Test Connection "${profile.name}": ${message}`);
  void vscode.window.showInformationMessage(message);
  const record =
    profile.authenticator === 'PROGRAMMATIC_ACCESS_TOKEN' ? await deps.auth.patRecord(profile.name) : undefined;
  const expiry = record ? patWarning(profile.name, record, Date.now()) : undefined;
  if (expiry) {
    deps.log.warn(expiry.text);
    void vscode.window.showWarningMessage(expiry.text, 'Create a new PAT').then((choice) => {
      if (choice) void vscode.commands.executeCommand('positSnowflake.createPat', profile.name);
    });
  }
  return {
    ...(expiry ? { expiryWarning: expiry.text } : {}),
    connection: profile.name,
    account: profile.account,
    user: probe.user,
    role: probe.role,
    ...(probe.warehouse ? { warehouse: probe.warehouse } : {}),
    message,
  };
}

/**
 * `positSnowflake.showDiagnostics(connection?)`: runs the doctor (one connection, or all) and opens the report as a
 * read-only document. Returns the report text.
 */
export async function showDiagnostics(
  deps: Pick<AuthDeps, 'auth' | 'log'>,
  docs: ReadOnlyDocumentProvider,
  arg?: unknown,
): Promise<string> {
  const name = connectionNameOf(arg);
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: name ? `Checking Snowflake connection "${name}"…` : 'Checking Snowflake connections…',
      cancellable: true,
    },
    (_progress, token) =>
      runDoctor(deps.auth.host, deps.auth, name, {
        logger: deps.log,
        ...(token ? { signal: toAbortSignal(token) } : {}),
      }),
  );
  const text = formatDoctorReport(report);
  await docs.show(diagnosticsUri(docs, name), text);
  return text;
}
