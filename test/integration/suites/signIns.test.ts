// Sign-ins a person can see, inside a real VS Code against the emulator: Show Sign-Ins after a browser sign-in lists
// the role and the expiries, Switch Role offers the roles signed in and signs in with another, Sign Out revokes at
// Snowflake (a cancelled confirmation changes nothing; with /oauth/revoke down the tokens still go and the message
// says so), and an expired sign-in's tree row says "sign-in expired" and signs in again on a click, while @snowflake
// and the Cortex models answer it with "Sign in again".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, control, rawSecret, sandbox, testDoors, typingIntoPrompts } from './authSandbox';
import { labelOf, treeWalker, type Provider } from './treeWalker';

const KEY = 'positSnowflake/oauthRefreshToken/oauth_code';
const LOCAL = `Basic ${Buffer.from('LOCAL_APPLICATION:LOCAL_APPLICATION').toString('base64')}`;

type Win = {
  showQuickPick: typeof vscode.window.showQuickPick;
  showWarningMessage: typeof vscode.window.showWarningMessage;
  showInformationMessage: typeof vscode.window.showInformationMessage;
};

interface Shown {
  readonly picks: vscode.QuickPickItem[][];
  readonly messages: string[];
}

/**
 * While `run` runs: picks the items labelled `labels` in turn (a pick beyond them is cancelled), answers modal
 * questions with `confirm` (undefined: the person closes the dialog), and records what was offered and said.
 */
async function asPerson<T>(
  labels: readonly string[],
  confirm: string | undefined,
  run: () => Thenable<T>,
): Promise<{ result: T } & Shown> {
  const win = vscode.window as unknown as Win;
  const saved = {
    showQuickPick: win.showQuickPick,
    showWarningMessage: win.showWarningMessage,
    showInformationMessage: win.showInformationMessage,
  };
  const queue = [...labels];
  const shown: Shown = { picks: [], messages: [] };
  win.showQuickPick = (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    const list = (await items).map((i) => (typeof i === 'string' ? { label: i } : i));
    shown.picks.push(list);
    const wanted = queue.shift();
    const found = list.find((i) => i.label === wanted);
    const raw = await items;
    return typeof raw[0] === 'string' ? found?.label : found;
  }) as unknown as typeof win.showQuickPick;
  const say = (async (message: string, ...rest: unknown[]) => {
    shown.messages.push(message);
    const modal = typeof rest[0] === 'object' && rest[0] !== null && (rest[0] as { modal?: boolean }).modal;
    return modal ? confirm : undefined;
  }) as never;
  win.showWarningMessage = say;
  win.showInformationMessage = say;
  try {
    return { result: await run(), ...shown };
  } finally {
    win.showQuickPick = saved.showQuickPick;
    win.showWarningMessage = saved.showWarningMessage;
    win.showInformationMessage = saved.showInformationMessage;
  }
}

/** The refresh tokens the secret storage holds for oauth_code, by role. */
async function storedTokens(): Promise<Record<string, string | undefined>> {
  const raw = await rawSecret.get(KEY);
  if (!raw) return {};
  const record = JSON.parse((JSON.parse(raw) as { value: string }).value) as {
    roles: Record<string, { refreshToken?: string }>;
  };
  return Object.fromEntries(Object.entries(record.roles).map(([r, s]) => [r, s.refreshToken]));
}

const tokenEndpoint = (refreshToken: string): Promise<Response> =>
  fetch(new URL('/oauth/token-request', sandbox().snowflake), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: LOCAL },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });

const VENDOR = 'snowflake-cortex';
const MODEL = 'claude-sonnet-4-5';
const SETTING = 'positSnowflake.cortex.connection';

async function until<T>(get: () => Thenable<T> | T, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await get();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  return assert.fail(what);
}

/** Revokes the stored refresh token at Snowflake behind the editor's back, as signing out on another device does. */
async function revokeElsewhere(): Promise<void> {
  const refresh = (await storedTokens()).ANALYST!;
  const revoked = await fetch(new URL('/oauth/revoke', sandbox().snowflake), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: LOCAL },
    body: new URLSearchParams({ token: refresh, token_type_hint: 'refresh_token' }).toString(),
  });
  assert.equal(revoked.status, 200);
}

describe('sign-ins you can see', function () {
  this.timeout(120_000);
  let provider: Provider;
  const { item, children, path } = treeWalker(() => provider);

  /** The connection's first child, once a load a refresh cancelled has been asked again (as the view does). */
  async function firstChild(name: string): Promise<vscode.TreeItem> {
    for (let i = 0; i < 50; i++) {
      const [kid] = await children(await path(name));
      if (kid) return item(kid);
      await new Promise((r) => setTimeout(r, 100));
    }
    return assert.fail(`"${name}" shows no children`);
  }

  before(async () => {
    await api();
    provider = (await testDoors()).tree as Provider;
    await children(); // the view's roots, which commands run on a connection name look up
    await control('/__emulator/oauth/auto-approve', { on: true });
  });
  after(async () => {
    await fetch(new URL('/__emulator/faults', sandbox().snowflake), { method: 'DELETE' });
    await asPerson([], undefined, () => vscode.commands.executeCommand('positSnowflake.signOut', 'oauth_code'));
    await rawSecret.delete(KEY);
    await (await testDoors()).resetSession('oauth_code');
    await control('/__emulator/oauth/auto-approve', { on: false });
  });

  it('after a browser sign-in, Show Sign-Ins lists the role, when it was issued and when its tokens expire', async () => {
    await asPerson([], undefined, () => vscode.commands.executeCommand('positSnowflake.signIn', 'oauth_code'));
    const { picks } = await asPerson([], undefined, () =>
      vscode.commands.executeCommand('positSnowflake.showSignIns', 'oauth_code'),
    );
    const [first] = picks;
    assert.deepEqual(
      first?.map((i) => [i.label, i.description]),
      [['oauth_code · role ANALYST', 'browser sign-in · in use']],
    );
    assert.match(
      first?.[0]?.detail ?? '',
      /^issued less than a minute ago · access token expires in (9|10) min · refresh token expires in 90 days · user DEMO_USER$/,
    );
  });

  it('Switch Role offers the role signed in and "Sign in with another role…", which signs in with that role', async () => {
    const { picks, result } = await asPerson(['Sign in with another role…', 'FINANCE'], undefined, () =>
      vscode.commands.executeCommand<string>('positSnowflake.switchRole', 'oauth_code'),
    );
    assert.deepEqual(
      picks[0]?.map((i) => [i.label, i.description]),
      [
        ['ANALYST', 'current'],
        ['Sign in with another role…', 'opens the browser'],
      ],
    );
    assert.ok(
      picks[1]?.some((i) => i.label === 'FINANCE'),
      'the roles granted to the user, from SHOW ROLES',
    );
    assert.equal(result, 'FINANCE');
    assert.deepEqual(Object.keys(await storedTokens()).sort(), ['ANALYST', 'FINANCE'], 'both sign-ins are kept');

    const again = await asPerson(['ANALYST'], undefined, () =>
      vscode.commands.executeCommand<string>('positSnowflake.switchRole', 'oauth_code'),
    );
    assert.deepEqual(
      again.picks[0]?.map((i) => [i.label, i.description]),
      [
        ['ANALYST', 'signed in'],
        ['FINANCE', 'current'],
        ['Sign in with another role…', 'opens the browser'],
      ],
    );
    assert.equal(again.result, 'ANALYST');
  });

  it('Sign Out of a role: a cancelled confirmation leaves it; confirmed, Snowflake refuses its refresh token and the storage no longer holds it', async () => {
    const before = await storedTokens();
    const finance = before.FINANCE!;
    const cancelled = await asPerson(['oauth_code · role FINANCE', 'Sign Out'], undefined, () =>
      vscode.commands.executeCommand('positSnowflake.showSignIns', 'oauth_code'),
    );
    assert.ok(cancelled.messages.some((m) => m.startsWith('Sign out of "oauth_code" (role FINANCE)?')));
    assert.deepEqual(await storedTokens(), before, 'nothing changed');
    assert.equal((await tokenEndpoint(finance)).status, 200, 'and nothing was revoked');

    const done = await asPerson(['oauth_code · role FINANCE', 'Sign Out'], 'Sign Out', () =>
      vscode.commands.executeCommand<{ signOut?: { revocation: string } }>('positSnowflake.showSignIns', 'oauth_code'),
    );
    assert.equal(done.result?.signOut?.revocation, 'confirmed');
    assert.ok(
      done.messages.includes('Signed out of "oauth_code" (role FINANCE): revoked at Snowflake and deleted here.'),
    );
    const after = await storedTokens();
    assert.deepEqual(Object.keys(after), ['ANALYST'], 'the other role stays signed in');
    assert.ok(!JSON.stringify(await rawSecret.get(KEY)).includes(finance), 'SecretStorage no longer holds it');
    const refused = (await (await tokenEndpoint(finance)).json()) as { error?: string };
    assert.equal(refused.error, 'invalid_grant', 'the emulator refuses the old refresh token');
  });

  it('with /oauth/revoke down, Sign Out still deletes the tokens and says the revocation could not be confirmed', async () => {
    const analyst = (await storedTokens()).ANALYST!;
    await control('/__emulator/faults', { server: 'snowflake', route: 'POST /oauth/revoke', status: 503, times: 50 });
    try {
      const { messages } = await asPerson([], undefined, () =>
        vscode.commands.executeCommand('positSnowflake.signOut', 'oauth_code'),
      );
      assert.ok(
        messages.some((m) =>
          m.startsWith(
            'Signed out of "oauth_code": its tokens were deleted here, but the revocation at Snowflake could not be confirmed',
          ),
        ),
        messages.join('\n'),
      );
      assert.equal(await rawSecret.get(KEY), undefined, 'deleted here all the same');
      assert.ok(!messages.join('\n').includes(analyst), 'no token in the message');
    } finally {
      await fetch(new URL('/__emulator/faults', sandbox().snowflake), { method: 'DELETE' });
    }
  });

  it('an expired sign-in: the row says "sign-in expired" and its click and menu sign in again', async () => {
    await asPerson([], undefined, () => vscode.commands.executeCommand('positSnowflake.signIn', 'oauth_code'));
    await revokeElsewhere();
    await (await testDoors()).resetSession('oauth_code');
    await vscode.commands.executeCommand('positSnowflake.refresh');
    const row = await firstChild('oauth_code');
    assert.equal(labelOf(row), 'Sign in again: the sign-in expired');
    assert.deepEqual([row.command?.command, row.command?.arguments], ['positSnowflake.signInAgain', ['oauth_code']]);
    const root = await item(await path('oauth_code'));
    assert.match(String(root.description), /· sign-in expired$/);
    assert.equal(root.contextValue, 'connection.oauth.expired');
    assert.equal(root.command?.command, 'positSnowflake.signInAgain');

    const res = await asPerson([], undefined, () =>
      vscode.commands.executeCommand<{ connection: string }>(root.command!.command, ...(root.command!.arguments ?? [])),
    );
    assert.equal(res.result?.connection, 'oauth_code', 'signed in again');
    const fresh = await item(await path('oauth_code'));
    assert.doesNotMatch(String(fresh.description), /sign-in expired/);
  });

  it('a key pair lists its fingerprint; Sign Out deletes only the stored passphrase after a confirmation saying what stays at Snowflake', async () => {
    const { passphrase, fingerprints } = sandbox();
    const key = 'positSnowflake/keyPassphrase/encrypted_key';
    await typingIntoPrompts([passphrase], () =>
      vscode.commands.executeCommand('positSnowflake.setKeyPassphrase', 'encrypted_key'),
    );
    try {
      const label = 'encrypted_key · role ANALYST';
      const cancelled = await asPerson([label, 'Sign Out'], undefined, () =>
        vscode.commands.executeCommand('positSnowflake.showSignIns', 'encrypted_key'),
      );
      assert.equal(cancelled.picks[0]?.[0]?.description, 'key pair · valid');
      assert.match(
        cancelled.picks[0]?.[0]?.detail ?? '',
        new RegExp(`fingerprint ${fingerprints.encrypted.replace(/[+/]/g, '\\$&')}`),
      );
      assert.deepEqual(cancelled.messages, ['Delete the key passphrase stored for "encrypted_key"?']);
      assert.equal(await rawSecret.typed('keyPassphrase', 'encrypted_key'), passphrase, 'a cancelled step keeps it');

      const done = await asPerson([label, 'Sign Out'], 'Delete', () =>
        vscode.commands.executeCommand('positSnowflake.showSignIns', 'encrypted_key'),
      );
      assert.match(
        done.messages[1] ?? '',
        /^Deleted the key passphrase stored for "encrypted_key"\. The public key stays registered at Snowflake/,
      );
      assert.equal(await rawSecret.get(key), undefined);
    } finally {
      await rawSecret.delete(key);
    }
  });

  describe('in chat', () => {
    let saved: string | undefined;
    before(async () => {
      saved = vscode.workspace.getConfiguration().inspect<string>(SETTING)?.globalValue;
      await vscode.workspace.getConfiguration().update(SETTING, 'oauth_code', vscode.ConfigurationTarget.Global);
    });
    after(() => vscode.workspace.getConfiguration().update(SETTING, saved, vscode.ConfigurationTarget.Global));

    /** Signs in, waits for the Cortex models of oauth_code, then has Snowflake revoke the sign-in. */
    async function expiredWithModels(): Promise<vscode.LanguageModelChat> {
      await asPerson([], undefined, () => vscode.commands.executeCommand('positSnowflake.signIn', 'oauth_code'));
      // Choosing the connection again has the editor ask for its models now (a person would pick it in settings).
      const config = vscode.workspace.getConfiguration();
      await config.update(SETTING, 'keypair', vscode.ConfigurationTarget.Global);
      await config.update(SETTING, 'oauth_code', vscode.ConfigurationTarget.Global);
      const [model] = await until(
        () => vscode.lm.selectChatModels({ vendor: VENDOR, id: MODEL }),
        (m) => m.length > 0,
        'the Cortex model of oauth_code is offered',
      );
      await revokeElsewhere();
      return model!;
    }

    it('a Cortex model answers an expired sign-in with a "Sign in again" link', async () => {
      const model = await expiredWithModels();
      const res = await model.sendRequest(
        [vscode.LanguageModelChatMessage.User('Hello')],
        {},
        new vscode.CancellationTokenSource().token,
      );
      let text = '';
      for await (const t of res.text) text += t;
      assert.match(text, /has expired or was revoked\. \[Sign in again\]\(command:positSnowflake\.signInAgain\?/);
      await vscode.commands.executeCommand('notifications.clearAll');
    });
    it('@snowflake answers an expired sign-in with a "Sign in again" button, not an error', async () => {
      await expiredWithModels();
      const before = (await testDoors()).answers().length;
      await vscode.commands.executeCommand('workbench.action.chat.open', {
        query: '@snowflake which tables can I query?',
        modelSelector: { vendor: VENDOR, id: MODEL },
      });
      const answers = await until(
        async () => (await testDoors()).answers(),
        (a) => a.length > before,
        'the participant answered',
      );
      const answer = answers[answers.length - 1]!;
      assert.match(
        answer.markdown,
        /The Snowflake sign-in of connection 'oauth_code' \(role ANALYST\) has expired or was revoked\./,
      );
      assert.match(answer.markdown, /\[button\] Sign in again$/);
      assert.doesNotMatch(answer.markdown, /\[error\]/);
    });
  });
});
