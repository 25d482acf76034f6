// An auth service for SQL sessions against the emulator: it hands out emulator-issued OAuth tokens, the way the
// auth service hands out a Workbench token, and counts mints and invalidations.
import type { Emulator } from '../../emulator/index';
import type { AuthService, LoginCredential } from '../../../src/core/auth/types';

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
