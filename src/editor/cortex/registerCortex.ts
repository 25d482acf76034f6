// Registers the Cortex capability: the `snowflake-cortex` language-model provider, the @snowflake chat participant
// and its SQL buttons. Each piece is registered only where the editor has the API (VS Code ≥ 1.104, Positron,
// code-server); elsewhere the rest of the extension works without it.
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/auth/types';
import { CortexClient } from '../../core/cortex/cortexClient';
import { CORTEX_CONNECTION_SETTING, chooseCortexConnection } from '../../core/cortex/cortexConnection';
import { SchemaContextCache } from '../../core/cortex/grounding/schemaContext';
import type { ViewFocus } from '../../core/cortex/grounding/groundingLocation';
import { CatalogLoader } from '../../core/snowflake/catalogLoader';
import { connectionIdentifier } from '../../core/snowflake/identifiers';
import { SqlSessionManager } from '../../core/snowflake/sqlSessionManager';
import type { CortexDeps } from '../deps';
import { CORTEX_VENDOR, CortexChatProvider } from './cortexChatProvider';
import { createSnowflakeParticipant, type ParticipantRecord } from './snowflakeParticipant';
import { registerSqlCommands } from './sqlCommands';

type SharedSessions = Pick<SqlSessionManager, 'query' | 'state' | 'preferences'>;

export interface CortexSharedServices {
  /** The SQL sessions of the Connections tree, so /sql and previews reuse its logins (and its switched role). */
  readonly sessions?: SharedSessions;
  /** Where the user is looking in the Snowflake view (the database/schema last selected or expanded). */
  readonly focus?: (connectionName: string) => ViewFocus | undefined;
  /** Told about every answer the @snowflake participant gives (what was asked, what was said). */
  readonly onAnswer?: (entry: ParticipantRecord) => void;
  /** Runs a statement into the SQL results panel (Run Preview opens its query there). */
  readonly showResults?: (profile: ConnectionProfile, sql: string) => Promise<string>;
}

export function registerCortex(deps: CortexDeps, shared: CortexSharedServices = {}): void {
  const { subscriptions, log, auth, version } = deps;
  const client = new CortexClient({
    auth,
    logger: log,
    userAgent: `posit-snowflake/${version}`,
    partner: auth.host.env.SF_PARTNER || undefined,
    limits: deps.limits,
  });

  let sessions = shared.sessions;
  const sqlSessions = (): SharedSessions => {
    if (!sessions) {
      // No shared sessions handed in: our own manager, created on first use (the SQL driver loads lazily anyway).
      const own = new SqlSessionManager({ auth, driver: deps.sqlDriver, logger: log });
      subscriptions.push(own);
      sessions = own;
    }
    return sessions;
  };
  const chosenConnection = async (): Promise<ConnectionProfile | undefined> =>
    chooseCortexConnection(
      await auth.connections(),
      vscode.workspace.getConfiguration().get<string>(CORTEX_CONNECTION_SETTING),
    );
  const connectionNamed = async (name: string): Promise<ConnectionProfile | undefined> =>
    (await auth.connections()).connections.find((c) => c.name === name);
  const query = (profile: ConnectionProfile, sql: string, signal?: AbortSignal) =>
    sqlSessions().query(profile, sql, { signal, what: 'Running the preview' });
  const schemas = new SchemaContextCache();

  const provider = new CortexChatProvider({ client, log, chosenConnection, connectionNamed });
  subscriptions.push(provider);
  if (typeof vscode.lm?.registerLanguageModelChatProvider === 'function') {
    subscriptions.push(vscode.lm.registerLanguageModelChatProvider(CORTEX_VENDOR, provider));
  } else {
    log.info(
      'This editor has no language-model provider API (needs VS Code 1.104 or later): Cortex models are not offered.',
    );
  }

  if (typeof vscode.chat?.createChatParticipant === 'function') {
    subscriptions.push(
      createSnowflakeParticipant({
        client,
        log,
        schemas,
        chosenConnection,
        catalogFor: (profile) =>
          new CatalogLoader((sql, what, signal) => sqlSessions().query(profile, sql, { signal, what })),
        ...(shared.focus ? { focus: shared.focus } : {}),
        roleOf: (profile) => sessionRole(sqlSessions(), profile),
        ...(shared.onAnswer ? { record: shared.onAnswer } : {}),
      }),
    );
  }
  subscriptions.push(
    ...registerSqlCommands({
      log,
      chosenConnection,
      connectionNamed,
      query,
      ...(shared.showResults ? { showResults: shared.showResults } : {}),
    }),
  );

  subscriptions.push(
    auth.onDidChange((change) => {
      // A rotated Workbench token changes no model or table: only a new identity or connection does.
      if (change.reason === 'workbenchToken') return;
      schemas.clear();
      provider.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(CORTEX_CONNECTION_SETTING)) {
        schemas.clear();
        provider.refresh();
      }
    }),
  );
}

/** The role the connection's SQL session runs as: the one the session reports, else the one switched to, else its own. */
function sessionRole(sessions: SharedSessions, profile: ConnectionProfile): string | undefined {
  const state = sessions.state(profile.name);
  if (state.status === 'connected' && state.role) return state.role;
  const role = sessions.preferences(profile.name).role ?? profile.role;
  return role ? connectionIdentifier(role) : undefined;
}
