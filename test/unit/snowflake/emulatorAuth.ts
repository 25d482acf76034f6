// An auth service for SQL sessions against the emulator: it hands out emulator-issued OAuth tokens, the way the
// auth service hands out a Workbench token, and counts mints and invalidations.
import type { Emulator } from '../../emulator/index';
import type { AuthService, ConnectionProfile, LoginCredential } from '../../../src/core/auth/types';

export class EmulatorAuth implements Pick<AuthService, 'forLogin' | 'invalidate'> {
  minted = 0;
  invalidations = 0;
  constructor(
    private readonly emu: Emulator,
    private readonly user = 'DEMO_USER',
  ) {}
  async forLogin(): Promise<LoginCredential> {
    this.minted++;
    return { authenticator: 'OAUTH', token: this.emu.state.issueOAuthAccessToken(this.user) };
  }
  invalidate(): void {
    this.invalidations++;
  }
}

/** The connection 'emu': the emulator's account as DEMO_USER over OAuth, with the DEMO_WH warehouse. */
export function emulatorProfile(emu: Emulator): ConnectionProfile {
  return {
    name: 'emu',
    source: 'connections.toml',
    isDefault: true,
    params: {},
    authenticator: 'OAUTH',
    account: emu.state.account,
    baseUrl: emu.snowflakeUrl,
    user: 'DEMO_USER',
    warehouse: 'DEMO_WH',
  };
}
