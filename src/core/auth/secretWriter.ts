// The slice of the auth service that stores a secret a person typed for a connection (undefined deletes it): what
// key setup and connection edits need, and nothing else of the service.
import type { AuthService } from './types';

export type { ConnectionSecretKind } from './types';
export type ConnectionSecretWriter = Pick<AuthService, 'setSecret'>;
