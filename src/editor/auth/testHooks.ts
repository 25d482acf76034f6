// Only when the extension host runs integration tests (ExtensionMode.Test): a command that lets the tests look at the
// raw SecretStorage entries under this extension's namespace (to check the envelope and what a corrupt one does) and
// at the sessions the provider hands out (VS Code only gives them to extensions the user granted access in a dialog).
// Never registered for users.
import * as vscode from 'vscode';
import type { SecretKind, SecretStore } from '../../core/auth/secretStore';

export const SECRETS_TEST_COMMAND = 'positSnowflake.test.secrets';

type Request =
  | { readonly op: 'getRaw'; readonly key: string }
  | { readonly op: 'storeRaw'; readonly key: string; readonly value: string }
  | { readonly op: 'deleteRaw'; readonly key: string }
  | { readonly op: 'get'; readonly kind: SecretKind; readonly id: string }
  | { readonly op: 'sessions'; readonly scopes: readonly string[] };

export function registerTestHooks(
  context: vscode.ExtensionContext,
  secrets: SecretStore,
  provider: vscode.AuthenticationProvider,
): void {
  if (context.extensionMode !== vscode.ExtensionMode.Test) return;
  context.subscriptions.push(
    vscode.commands.registerCommand(SECRETS_TEST_COMMAND, async (req: Request) => {
      if (req.op === 'get') return secrets.get({ kind: req.kind, id: req.id });
      if (req.op === 'sessions') return provider.getSessions(req.scopes, {});
      if (!req.key.startsWith('positSnowflake/')) throw new Error('Only keys in the positSnowflake/ namespace.');
      if (req.op === 'getRaw') return context.secrets.get(req.key);
      if (req.op === 'deleteRaw') return context.secrets.delete(req.key);
      await context.secrets.store(req.key, req.value);
      return undefined;
    }),
  );
}
