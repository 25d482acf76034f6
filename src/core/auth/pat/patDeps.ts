// What Create PAT runs on, built the same way by the editor and the CLI: SQL over the session manager's sessions,
// the login test of Test Connection, and the auth service's secret store.
import type { AuthService } from '../types';
import { loginProbe, type ProbeOptions } from '../diagnostics/loginProbe';
import type { SqlSessionManager } from '../../snowflake/sqlSessionManager';
import type { PatCreateDeps } from './patCreation';

export function patDeps(
  auth: AuthService,
  sessions: Pick<SqlSessionManager, 'query'>,
  probe: Pick<ProbeOptions, 'fetch' | 'signal'> = {},
  now: () => number = Date.now,
): PatCreateDeps {
  return {
    auth,
    query: (profile, sqlText, what) => sessions.query(profile, sqlText, { what }),
    testLogin: (profile) => loginProbe(auth, profile, { silent: true, ...probe }),
    now,
  };
}
