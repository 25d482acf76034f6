// The one typed store for secrets the user typed: namespaced keys, a versioned envelope, validated on read.
import { Emitter, type Event } from '../shared/events';

export type SecretKind =
  | 'keyPassphrase'
  | 'pat'
  /** What we recorded about a PAT we created (name, role, created/expires; no secret): pat/patRecord.ts. */
  | 'patRecord'
  | 'oauthRefreshToken'
  | 'oauthClientSecret'
  | 'connectApiKey'
  /** A published content's secret environment variable; id = "<server url> <project dir> <name>". */
  | 'contentSecret';

export interface SecretRef {
  readonly kind: SecretKind;
  /** Connection name, or a Connect server URL for connectApiKey. */
  readonly id: string;
}

/** The raw key/value store underneath: VS Code's SecretStorage, or memory for tests and the CLI. */
export interface RawSecretStorage {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
  readonly onDidChange: (listener: (e: { key: string }) => unknown) => { dispose(): unknown };
}

interface Envelope {
  readonly v: 1;
  readonly kind: SecretKind;
  readonly value: string;
  readonly savedAt: number;
}

const PREFIX = 'positSnowflake';

export function secretKey(ref: SecretRef): string {
  return `${PREFIX}/${ref.kind}/${encodeURIComponent(ref.id)}`;
}

function parseKey(key: string): SecretRef | undefined {
  const m = /^positSnowflake\/([A-Za-z]+)\/(.*)$/.exec(key);
  if (!m || !m[1] || m[2] === undefined) return undefined;
  return { kind: m[1] as SecretKind, id: decodeURIComponent(m[2]) };
}

export class SecretStore {
  private readonly changed = new Emitter<SecretRef>();
  readonly onDidChange: Event<SecretRef> = this.changed.event;
  private readonly subscription: { dispose(): unknown };

  constructor(private readonly raw: RawSecretStorage) {
    this.subscription = raw.onDidChange((e) => {
      const ref = parseKey(e.key);
      if (ref) this.changed.fire(ref);
    });
  }

  /** The secret, or undefined when absent or when what is stored is not a valid envelope of that kind. */
  async get(ref: SecretRef): Promise<string | undefined> {
    return (await this.entry(ref))?.value;
  }

  /** The secret with when it was saved (epoch ms), or undefined as for get. */
  async entry(ref: SecretRef): Promise<{ readonly value: string; readonly savedAt: number } | undefined> {
    const text = await this.raw.get(secretKey(ref));
    if (text === undefined) return undefined;
    try {
      const env = JSON.parse(text) as Partial<Envelope>;
      if (env.v === 1 && env.kind === ref.kind && typeof env.value === 'string' && env.value.length > 0)
        return { value: env.value, savedAt: typeof env.savedAt === 'number' ? env.savedAt : 0 };
    } catch {
      // An unreadable envelope is treated as absent: the user is asked again rather than sent a broken secret.
    }
    return undefined;
  }

  async set(ref: SecretRef, value: string): Promise<void> {
    const env: Envelope = { v: 1, kind: ref.kind, value, savedAt: Date.now() };
    await this.raw.store(secretKey(ref), JSON.stringify(env));
  }

  async delete(ref: SecretRef): Promise<void> {
    await this.raw.delete(secretKey(ref));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** In-memory raw storage, for the CLI (which keeps nothing between runs). */
export class MemorySecretStorage implements RawSecretStorage {
  readonly data = new Map<string, string>();
  private readonly changed = new Emitter<{ key: string }>();
  readonly onDidChange = this.changed.event;

  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.data.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    if (this.data.delete(key)) this.changed.fire({ key });
  }
}
