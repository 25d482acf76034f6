// Tokens that live in files which others rewrite (Posit Workbench's connections.toml, token_file_path, the SPCS
// session token): re-read whenever the file's mtime or size changes, never kept beyond that, never stored elsewhere.
import { SnowflakeExtError } from '../../shared/errors';
import { checkFilePermissions } from '../../connections/filePermissions';
import { isTable, parseToml } from '../../connections/tomlFiles';
import type { HostEnvironment } from '../types';
import { notRegularFile, readCredentialFile, type CredentialFileUse } from './credentialFiles';

interface Seen {
  readonly mtimeMs: number;
  readonly size: string;
  readonly token: string;
}

export interface FileToken {
  readonly token: string;
  /** True when the token differs from the one read last time (the file was rewritten with a new token). */
  readonly rotated: boolean;
  readonly mtimeMs: number;
}

export class FileTokenReader {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly host: HostEnvironment) {}

  /** The trimmed content of a token file (token_file_path, /snowflake/session/token). */
  async tokenFile(file: string, connection: string, force = false): Promise<FileToken> {
    return this.read(file, `${file}`, force, async (text) => text.trim(), connection, 'token file');
  }

  /** The `token` of one table of a connections file (the Workbench-managed `[workbench]`). */
  async tomlToken(file: string, table: string, force = false): Promise<FileToken> {
    return this.read(
      file,
      `${file}#${table}`,
      force,
      async (text) => {
        const parsed = parseToml(text, file, file);
        if (parsed.error)
          throw new SnowflakeExtError(
            'config',
            parsed.error.message,
            parsed.error.fix ? { text: parsed.error.fix } : undefined,
          );
        const section = parsed.data?.[table];
        const token = isTable(section) && typeof section.token === 'string' ? section.token.trim() : '';
        return token;
      },
      table,
      'connections file',
    );
  }

  private async read(
    file: string,
    key: string,
    force: boolean,
    extract: (text: string) => Promise<string>,
    connection: string,
    what: string,
  ): Promise<FileToken> {
    const st = await this.host.fs.stat(file);
    if (!st) {
      throw new SnowflakeExtError(
        'config',
        `Connection '${connection}': the ${what} ${file} does not exist.`,
        { text: `Create it, or fix the path in connection '${connection}'.` },
        'tokenFileMissing',
      );
    }
    const use: CredentialFileUse = {
      label: `Connection '${connection}': the ${what} ${file}`,
      holds: 'token',
      fixPath: `Fix the path in connection '${connection}'.`,
      code: 'tokenFile',
    };
    // Before the permission check: "chmod 0600 /dev/zero" is no advice to give.
    const notFile = notRegularFile(use, st);
    if (notFile) throw notFile;
    const size = String(st.size ?? '');
    const last = this.seen.get(key);
    if (!force && last && last.mtimeMs === st.mtimeMs && last.size === size)
      return { token: last.token, rotated: false, mtimeMs: st.mtimeMs };
    if (what === 'token file') {
      const verdict = await checkFilePermissions(this.host, file, what);
      if (!verdict.usable) {
        const d = verdict.diagnostics[0]!;
        throw new SnowflakeExtError('config', d.message, d.fix ? { text: d.fix } : undefined, 'filePermissions');
      }
    }
    const text = await readCredentialFile(this.host, file, use);
    const token = await extract(text);
    if (!token) {
      throw new SnowflakeExtError(
        'config',
        `Connection '${connection}': the ${what} ${file} holds no token.`,
        {
          text:
            what === 'token file'
              ? `Write the token into ${file}.`
              : `Add token = "..." to [${connection}] in ${file}.`,
        },
        'tokenMissing',
      );
    }
    this.seen.set(key, { mtimeMs: st.mtimeMs, size, token });
    return { token, rotated: last !== undefined && last.token !== token, mtimeMs: st.mtimeMs };
  }

  forget(): void {
    this.seen.clear();
  }
}
