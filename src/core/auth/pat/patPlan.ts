// What Create PAT checks and writes besides Snowflake: the plan made before anything is created (names, days, the
// target connection, the token file's absence) and the connection table written (or switched) for the PAT, undoable.
import { promises as fsp } from 'node:fs';
import type { ConnectionProfile, ResolvedConnections } from '../types';
import { appendConnection, editTomlFile, validateConnectionName } from '../../connections/edit/connectionsFileEditor';
import { connectionTable, setTableValues } from '../../connections/edit/connectionTable';
import { connectionsTarget } from '../../connections/edit/addConnection';
import { SnowflakeExtError } from '../../shared/errors';
import { PAT_DEFAULT_DAYS, validatePatDays, validatePatName } from './patStatements';
import { patTokenFileFor, refuseExistingTokenFile } from './patTokenFile';
import type { PatCreateDeps, PatCreateOptions } from './patCreation';

export function defaultPatName(connection: string, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  return `POSIT_${connection.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_${day}`;
}

export const defaultPatConnection = (connection: string): string => `${connection}_pat`;

export interface Plan {
  readonly source: ConnectionProfile;
  readonly target: { readonly kind: 'new' | 'update'; readonly name: string; readonly existing?: ConnectionProfile };
  readonly name: string;
  readonly days: number;
  readonly resolved: ResolvedConnections;
  readonly tokenFile?: string;
}

export async function plan(deps: PatCreateDeps, o: PatCreateOptions): Promise<Plan> {
  const resolved = await deps.auth.connections();
  const source = await deps.auth.getConnection(o.connection);
  const t = o.target ?? { kind: 'new', name: defaultPatConnection(source.name) };
  const targetName = validateConnectionName(t.name);
  const listed = resolved.listed.find((c) => c.name === targetName);
  if (t.kind === 'new' && listed)
    throw new SnowflakeExtError(
      'config',
      `A connection named "${targetName}" already exists.`,
      { text: 'Choose another name for the new connection, or switch that connection to the PAT instead.' },
      'connectionExists',
    );
  const existing = t.kind === 'update' ? resolved.connections.find((c) => c.name === targetName) : undefined;
  if (t.kind === 'update') {
    if (!existing) throw new SnowflakeExtError('notFound', `There is no connection "${targetName}" to switch.`);
    connectionTable(existing); // refuses Workbench-managed and environment connections before anything is created
  }
  const tokenFile = o.tokenFile ? patTokenFileFor(resolved.userDirectory ?? resolved.directory, targetName) : undefined;
  if (tokenFile) await refuseExistingTokenFile(tokenFile);
  return {
    source,
    resolved,
    ...(tokenFile ? { tokenFile } : {}),
    target: { kind: t.kind, name: targetName, ...(existing ? { existing } : {}) },
    name: validatePatName(o.name ?? defaultPatName(source.name, deps.now())),
    days: validatePatDays(o.days ?? PAT_DEFAULT_DAYS),
  };
}

export interface Written {
  readonly file: string;
  /** Puts the file back as it was. */
  readonly restore: () => Promise<void>;
}

/** Edits `file`, remembering its text so the edit can be undone (a file the edit created is removed). */
async function editRemembering(file: string, edit: (text: string) => string): Promise<Written> {
  let before = '';
  const res = await editTomlFile(file, (text) => {
    before = text;
    return edit(text);
  });
  return {
    file: res.file,
    restore: async () => {
      if (res.created) await fsp.rm(res.file, { force: true });
      else await editTomlFile(res.file, () => before);
    },
  };
}

export async function writeConnection(p: Plan, user: string, role: string | undefined): Promise<Written> {
  const values = {
    user,
    authenticator: 'PROGRAMMATIC_ACCESS_TOKEN',
    ...(role ? { role } : {}),
    ...(p.tokenFile ? { token_file_path: p.tokenFile } : {}),
  };
  if (p.target.existing) {
    const t = connectionTable(p.target.existing);
    // Anything that would make the clients sign in another way is taken out (a private_key_file forces a key pair).
    const patch = {
      ...values,
      private_key_file: undefined,
      private_key_path: undefined,
      private_key_raw: undefined,
      private_key_file_pwd: undefined,
      token: undefined,
      token_file_path: p.tokenFile,
    };
    return editRemembering(t.file, (text) => setTableValues(text, t.path, patch, t.file));
  }
  const target = await connectionsTarget(p.resolved);
  const from = p.source.params;
  const kept = Object.fromEntries(
    ['host', 'port', 'protocol', 'warehouse', 'database', 'schema'].flatMap((k) =>
      from[k] !== undefined ? [[k, from[k]!]] : [],
    ),
  );
  const table = { account: p.source.account, ...values, ...kept };
  return editRemembering(target.file, (text) =>
    appendConnection(text, p.target.name, table, { tablePrefix: target.tablePrefix, file: target.file }),
  );
}
