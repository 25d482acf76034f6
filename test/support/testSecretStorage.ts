// The CLI's in-memory secret storage with a switch that makes writes fail, to test that nothing is lost when the
// keychain refuses (as VS Code's own auth extensions test their SecretStorage users).
import { MemorySecretStorage } from '../../src/core/auth/secretStore';

export class TestSecretStorage extends MemorySecretStorage {
  failWrites = false;

  override async store(key: string, value: string): Promise<void> {
    if (this.failWrites) throw new Error('The secret storage refused the write.');
    return super.store(key, value);
  }

  override async delete(key: string): Promise<void> {
    if (this.failWrites) throw new Error('The secret storage refused the write.');
    return super.delete(key);
  }
}
