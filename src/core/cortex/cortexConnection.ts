// Which connection's identity Cortex uses: the setting `positSnowflake.cortex.connection` when set, else the
// Posit Workbench-managed connection, else the default connection (PROTOCOLS.md §1.3, §1.7).
import type { ConnectionProfile, ResolvedConnections } from '../auth/types';
import { SnowflakeExtError } from '../shared/errors';

export const CORTEX_CONNECTION_SETTING = 'positSnowflake.cortex.connection';

/** The chosen connection, or undefined when there is none to choose. Throws when the setting names a missing one. */
export function chooseCortexConnection(
  resolved: ResolvedConnections,
  setting: string | undefined,
): ConnectionProfile | undefined {
  const wanted = setting?.trim();
  if (wanted) {
    const named = resolved.connections.find((c) => c.name === wanted);
    if (named) return named;
    const names = resolved.connections.map((c) => `'${c.name}'`).join(', ');
    throw new SnowflakeExtError(
      'config',
      `The setting ${CORTEX_CONNECTION_SETTING} names the connection '${wanted}', which does not exist.`,
      {
        text: names
          ? `Set it to one of ${names}, or clear it to use the default connection.`
          : 'Clear the setting, or add the connection first.',
        command: 'workbench.action.openSettings',
        commandTitle: 'Open Settings',
      },
    );
  }
  return (
    resolved.connections.find((c) => c.source === 'workbench') ??
    resolved.connections.find((c) => c.name === resolved.defaultName) ??
    resolved.connections.find((c) => c.isDefault)
  );
}
