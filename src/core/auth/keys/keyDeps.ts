// What key setup and rotation run on, built the same way by the editor and the CLI: SQL over the session manager's
// sessions, the login test of Test Connection, and the auth service's secret writes.
import type { AuthService, HostEnvironment } from '../types';
import type { ConnectionSecretWriter } from '../secretWriter';
import { loginProbe, type ProbeOptions } from '../diagnostics/loginProbe';
import type { SqlSessionManager } from '../../snowflake/sqlSessionManager';
import type { KeyRotationDeps } from './keyRotation';

export function keyDeps(
  auth: AuthService,
  secrets: ConnectionSecretWriter,
  sessions: Pick<SqlSessionManager, 'query'>,
  host: Pick<HostEnvironment, 'homedir' | 'platform'>,
  probe: Pick<ProbeOptions, 'fetch' | 'signal'> = {},
): KeyRotationDeps {
  return {
    auth: {
      connections: () => auth.connections(),
      reload: () => auth.reload(),
      getConnection: (name) => auth.getConnection(name),
      describeKey: (profile, opts) => auth.describeKey(profile, opts),
      setSecret: (connection, kind, value) => secrets.setSecret(connection, kind, value),
    },
    query: (profile, sqlText, what) => sessions.query(profile, sqlText, { what }),
    testLogin: (profile) => loginProbe(auth, profile, { silent: true, ...probe }),
    host,
  };
}
