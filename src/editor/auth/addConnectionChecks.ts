// Add Connection's checks on Enter and its Browse button: a key file must be a readable private key (a public key is
// called what it is), a passphrase must decrypt it; paths may start with "~", which is the auth service's home.
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import { userPath } from '../../core/connections/connectionDirectory';
import { isEncryptedPem } from '../../core/auth/credentials/privateKey';
import { checkKeyFile } from '../../core/connections/edit/addConnection';
import type { HostEnvironment } from '../../core/auth/types';
import { SnowflakeExtError } from '../../core/shared/errors';
import { problemText, type InputStep } from '../multiStepInput';

/** Where `~` and relative paths point: the auth service's host, as for every other command. */
export type Home = Pick<HostEnvironment, 'homedir' | 'platform'>;

export type FormChecks = ReturnType<typeof formChecks>;

/** The form's checks over `home`. */
export function formChecks(home: Home) {
  const expand = (p: string): string => userPath(home, p);
  return {
    expand,
    browseButton: (title: string, filters?: Record<string, string[]>) => browseButton(home, title, filters),
    keyFileProblem: (file: string, a: { encrypted: boolean }) => keyFileProblem(expand, file, a),
    passphraseProblem: (passphrase: string, a: { keyFile: string }) => passphraseProblem(expand, passphrase, a),
    tokenFileProblem: (file: string) => tokenFileProblem(expand, file),
  };
}

type Expand = (p: string) => string;

/** The input's Browse button: a file dialog whose choice fills in the path. */
function browseButton(home: Home, title: string, filters?: Record<string, string[]>): NonNullable<InputStep['button']> {
  return {
    icon: 'folder-opened',
    tooltip: 'Choose the file…',
    run: async () =>
      (
        await vscode.window.showOpenDialog({
          title: `Add Snowflake Connection: ${title}`,
          canSelectMany: false,
          defaultUri: vscode.Uri.file(home.homedir),
          ...(filters ? { filters } : {}),
        })
      )?.[0]?.fsPath,
  };
}

/** A key file's problem in the form's words (the key is not saved yet, so no command is suggested). */
async function keyFileProblem(expand: Expand, file: string, a: { encrypted: boolean }): Promise<string | undefined> {
  const pem = await fsp.readFile(expand(file), 'utf8').catch(() => undefined);
  if (pem === undefined) return `${file} cannot be read. Choose the private key (.p8) you created for Snowflake.`;
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem))
    return `${file} is the public key. Choose the private key (.p8); its public key is the one set on your Snowflake user.`;
  a.encrypted = isEncryptedPem(pem);
  if (a.encrypted) return undefined;
  try {
    await checkKeyFile(expand(file), undefined);
    return undefined;
  } catch (err) {
    return err instanceof SnowflakeExtError ? err.message : problemText(err);
  }
}

async function passphraseProblem(
  expand: Expand,
  passphrase: string,
  a: { keyFile: string },
): Promise<string | undefined> {
  try {
    await checkKeyFile(expand(a.keyFile), passphrase);
    return undefined;
  } catch (err) {
    return err instanceof SnowflakeExtError && err.code === 'badPassphrase'
      ? `That passphrase does not decrypt ${a.keyFile}. Type it again.`
      : problemText(err);
  }
}

async function tokenFileProblem(expand: Expand, file: string): Promise<string | undefined> {
  return (await fsp.stat(expand(file)).catch(() => undefined))?.isFile()
    ? undefined
    : `${file || 'That'} is not a file.`;
}
