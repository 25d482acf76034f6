// The API returned by activate(): a thin, stable face over the auth service.
import type { PositSnowflakeApi } from '../api';
import type { AuthService } from './auth/types';

export function createPublicApi(auth: AuthService): PositSnowflakeApi {
  return {
    version: 1,
    async listConnections() {
      const { connections } = await auth.connections();
      return connections.map((c) => ({
        name: c.name,
        source: c.source,
        isDefault: c.isDefault,
        account: c.account,
        authenticator: c.authenticator,
      }));
    },
    async getRestHeaders(name) {
      const cred = await auth.forRest(await auth.getConnection(name));
      return { ...cred.headers };
    },
    async getIngressHeader(name, host, role) {
      return auth.forIngress(await auth.getConnection(name), host, role);
    },
    onDidChangeConnections: auth.onDidChange,
  };
}
