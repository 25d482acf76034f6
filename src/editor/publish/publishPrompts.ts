// What the person settles while publishing: the title (first deployment), the OAuth integrations the content
// needs, the values of its secrets (kept in the editor's secret storage, never in a file), and the review of files
// and manifest before anything is uploaded (setting positSnowflake.publish.reviewBeforeUpload).
import * as vscode from 'vscode';
import { integrationKind, type OAuthIntegration } from '../../core/publish/connect/oauthIntegrations';
import type { Manifest } from '../../core/publish/content/manifest';
import type { IntegrationRequest } from '../../core/publish/publisherConfig';
import type { AuthService } from '../../core/auth/types';

export async function askTitle(suggested: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Publish: content title',
    prompt: 'The title Connect shows for this content',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim().length < 3 || v.length > 1000 || /[\t\n\f\r]/.test(v) ? 'One line of 3 to 1000 characters.' : undefined,
  });
}

/** A multi-pick of the server's integrations (Snowflake first), those the configuration requests already ticked. */
export async function chooseIntegrations(
  all: readonly OAuthIntegration[],
  requested: readonly IntegrationRequest[],
): Promise<readonly string[] | undefined> {
  const items = all.map((i) => ({
    label: i.name,
    description: `${i.template} · ${integrationKind(i)}`,
    detail: i.description,
    picked: requested.some((r) => r.guid === i.guid || (!r.guid && r.name === i.name)),
    guid: i.guid,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Publish: OAuth integrations the content needs',
    placeHolder: 'Tick the integrations the content uses at run time (none is fine); Enter to go on',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  return picked?.map((p) => p.guid);
}

/** A secret's value: from the editor's secret storage, else asked once (hidden) and kept there. */
export function secretAsker(
  secrets: Pick<AuthService, 'contentSecret' | 'setContentSecret'>,
  serverUrl: string,
  dir: string,
): (name: string) => Promise<string | undefined> {
  return async (name) => {
    const id = `${serverUrl} ${dir} ${name}`;
    const stored = await secrets.contentSecret(id);
    if (stored) return stored;
    const value = await vscode.window.showInputBox({
      title: `Publish: value of the secret ${name}`,
      prompt: `Set as the environment variable ${name} on Connect; kept in the editor's secret storage, never in a file`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value) await secrets.setContentSecret(id, value);
    return value || undefined;
  };
}

/** The files and manifest, then deploy / deploy as a draft / stop. */
export async function review(r: {
  readonly files: readonly string[];
  readonly manifest: Manifest;
}): Promise<'deploy' | 'draft' | undefined> {
  for (;;) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Deploy', description: `${r.files.length} files`, id: 'deploy' as const },
        { label: 'Deploy as a draft', description: 'Connect keeps serving the current version', id: 'draft' as const },
        { label: 'Show the files and manifest.json', id: 'show' as const },
      ],
      { title: `Publish: review (${r.files.length} files)`, placeHolder: 'Deploy now?', ignoreFocusOut: true },
    );
    if (!choice) return undefined;
    if (choice.id !== 'show') return choice.id;
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify({ files: r.files, manifest: r.manifest }, null, 2),
    });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
