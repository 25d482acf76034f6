// In Positron only: a Connections-pane driver ("New Connection") that writes Python or R code opening one of the
// user's named Snowflake connections. In VS Code there is no Positron API and nothing is registered.
import type * as vscode from 'vscode';
import type { AuthService } from '../../core/auth/types';
import type { Logger } from '../../core/shared/logger';
import { pythonConnectionCode, rConnectionCode } from '../../core/snowflake/connectionCode';

/** The slice of `positron.connections` / `positron.runtime` this driver uses (from @posit-dev/positron's types). */
interface ConnectionsInput {
  id: string;
  label: string;
  type: 'string' | 'number' | 'option';
  options?: { identifier: string; title: string }[];
  value?: string;
}
interface ConnectionsDriver {
  driverId: string;
  metadata: { languageId: string; name: string; inputs: ConnectionsInput[] };
  generateCode?: (inputs: ConnectionsInput[]) => string;
  connect?: (code: string) => Thenable<void>;
}
interface PositronApi {
  connections?: { registerConnectionDriver(driver: ConnectionsDriver): vscode.Disposable };
  runtime?: { executeCode(languageId: string, code: string, focus: boolean): Thenable<unknown> };
}

/** The Positron API when running in Positron (the global `acquirePositronApi`), else undefined. */
export function tryAcquirePositronApi(): PositronApi | undefined {
  const acquire = (globalThis as { acquirePositronApi?: () => PositronApi }).acquirePositronApi;
  try {
    return typeof acquire === 'function' ? acquire() : undefined;
  } catch {
    return undefined;
  }
}

function driver(
  languageId: 'python' | 'r',
  names: readonly string[],
  defaultName: string,
  api: PositronApi,
): ConnectionsDriver {
  const generate = languageId === 'python' ? pythonConnectionCode : rConnectionCode;
  return {
    driverId: `positSnowflake-${languageId}`,
    metadata: {
      languageId,
      name: 'Snowflake (named connection)',
      inputs: [
        {
          id: 'connection',
          label: 'Connection',
          type: 'option',
          options: names.map((n) => ({ identifier: n, title: n })),
          value: names.includes(defaultName) ? defaultName : names[0],
        },
      ],
    },
    generateCode: (inputs) => generate(inputs.find((i) => i.id === 'connection')?.value ?? defaultName),
    connect: async (code) => {
      await api.runtime?.executeCode(languageId, code, true);
    },
  };
}

/** Registers the Python and R drivers, again whenever the connection files change (the list of names is static). */
export function registerPositronConnectionsDriver(
  auth: Pick<AuthService, 'connections' | 'onDidChange'>,
  log: Logger,
): vscode.Disposable {
  const api = tryAcquirePositronApi();
  const connections = api?.connections;
  if (!connections) return { dispose: () => undefined };
  let registered: vscode.Disposable[] = [];
  let shown = '';
  const update = async (): Promise<void> => {
    const resolved = await auth.connections();
    const names = resolved.connections.map((c) => c.name);
    const key = JSON.stringify([names, resolved.defaultName]);
    if (key === shown) return;
    shown = key;
    for (const d of registered) d.dispose();
    registered =
      names.length === 0
        ? []
        : (['python', 'r'] as const).map((lang) =>
            connections.registerConnectionDriver(driver(lang, names, resolved.defaultName, api)),
          );
    log.info(`Positron: Snowflake connection drivers for Python and R offer ${names.length} connection(s)`);
  };
  const fail = (err: unknown): void =>
    log.warn(`Positron: could not register the connection drivers: ${(err as Error).message}`);
  update().catch(fail);
  const sub = auth.onDidChange((c) => {
    if (c.reason === 'files') update().catch(fail);
  });
  return {
    dispose: () => {
      sub.dispose();
      for (const d of registered) d.dispose();
    },
  };
}
