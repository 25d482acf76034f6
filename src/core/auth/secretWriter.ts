// The slice of the auth service that stores a secret a person typed for a connection (undefined deletes it).
export type ConnectionSecretKind = 'keyPassphrase' | 'pat' | 'oauthClientSecret';

export interface ConnectionSecretWriter {
  setSecret(connection: string, kind: ConnectionSecretKind, value: string | undefined): Promise<void>;
}
