// Sign-ins a person can see and manage, against the emulator: OAuth sign-ins kept per role (and the old one-token
// store read as the connection's role), the listing with its times on an injected clock, Refresh Now, Sign Out that
// revokes at Snowflake (and still deletes here when /oauth/revoke is down), and an expired sign-in said as such.
import assert from 'node:assert/strict';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { signInText } from '../../../src/core/auth/signInText';
import type { ConnectionProfile, SignInListing } from '../../../src/core/auth/types';
import { browserPrompter, makeAuth, startAuthWorld, type AuthWorld, type TestAuth } from './authHarness';
import { postForm } from '../../emulator/testClient';

const KEY = 'positSnowflake/oauthRefreshToken/oauth_code';
const T0 = Date.UTC(2026, 11, 2, 4, 0, 0);

describe('sign-ins: per role, listed, refreshed, signed out (emulator)', () => {
  let w: AuthWorld;
  before(async () => {
    w = await startAuthWorld();
    w.emu.state.autoApprove = true;
  });
  after(() => w.close());
  beforeEach(() => {
    w.emu.servers.snowflake.faults.splice(0);
    w.emu.servers.snowflake.log.splice(0);
  });

  function setUp(now?: { t: number }): TestAuth & { browser: ReturnType<typeof browserPrompter> } {
    const browser = browserPrompter();
    return { ...makeAuth(w, w.emu.home!.env, { prompter: browser, ...(now ? { now: () => now.t } : {}) }), browser };
  }
  /** The role the emulator issued a bearer token for. */
  const roleOfToken = (headers: Readonly<Record<string, string>>): string | undefined =>
    w.emu.state.accessTokens.get(headers.Authorization!.replace(/^Bearer /, ''))?.role;
  const storedRefreshTokens = (t: TestAuth): string[] => {
    const raw = t.raw.data.get(KEY);
    if (!raw) return [];
    const record = JSON.parse((JSON.parse(raw) as { value: string }).value) as {
      roles: Record<string, { refreshToken?: string }>;
    };
    return Object.values(record.roles).flatMap((r) => (r.refreshToken ? [r.refreshToken] : []));
  };
  const refreshAtSnowflake = (token: string) =>
    postForm(
      `${w.emu.snowflakeUrl}/oauth/token-request`,
      { grant_type: 'refresh_token', refresh_token: token },
      { Authorization: `Basic ${Buffer.from('LOCAL_APPLICATION:LOCAL_APPLICATION').toString('base64')}` },
    );
  const texts = (list: SignInListing[], now: number) => list.map((s) => signInText(s, now));

  it('keeps one sign-in per role: another role signs in through the browser with its scope, switching back needs none', async () => {
    const t = setUp();
    const c = await t.auth.getConnection('oauth_code');
    await t.auth.signIn(c);
    const finance = await t.auth.signIn(c, { role: 'FINANCE' });
    assert.equal(finance.role, 'FINANCE');
    const scopes = t.browser.calls.opened.map((u) => new URL(u).searchParams.get('scope'));
    assert.deepEqual(scopes, ['session:role:ANALYST refresh_token', 'session:role:FINANCE refresh_token']);
    assert.equal(roleOfToken((await t.auth.forRest(c)).headers), 'FINANCE', 'the new role is in use');

    const list = await t.auth.signIns(c);
    assert.deepEqual(
      list.map((s) => [s.role, s.active, s.status]),
      [
        ['ANALYST', false, 'valid'],
        ['FINANCE', true, 'valid'],
      ],
    );
    await t.auth.useSignIn(c, 'ANALYST');
    assert.equal(roleOfToken((await t.auth.forRest(c)).headers), 'ANALYST');
    assert.equal(t.browser.calls.opened.length, 2, 'switching to a role signed in opened no browser');
    await assert.rejects(t.auth.useSignIn(c, 'ACCOUNTADMIN'), (e: SnowflakeExtError) => e.code === 'signInNeeded');

    await t.auth.useSignIn(c, 'FINANCE');
    const login = await t.auth.forLogin(c);
    assert.equal(
      login.authenticator === 'OAUTH' ? login.role : undefined,
      'FINANCE',
      'a login asks for the token role',
    );
    const out = await t.auth.signOut(c, { role: 'FINANCE' });
    assert.deepEqual(out.roles, ['FINANCE']);
    const after = await t.auth.forLogin(c);
    assert.equal(after.authenticator === 'OAUTH' ? after.role : undefined, 'ANALYST', 'the role left is used');
    assert.deepEqual(
      (await t.auth.signIns(c)).map((s) => s.role),
      ['ANALYST'],
      'signing out of one role keeps the other',
    );
    await t.auth.signOut(c);
    assert.equal(t.raw.data.size, 0);
  });

  it('reads a refresh token stored before sign-ins were kept per role as the sign-in of the connection role, and keeps it', async () => {
    const t = setUp();
    const legacy = w.emu.state.issueRefreshToken('DEMO_USER', 'ANALYST', 'LOCAL_APPLICATION', 'refresh_token');
    await t.secrets.set({ kind: 'oauthRefreshToken', id: 'oauth_code' }, legacy);
    const saved = (JSON.parse(t.raw.data.get(KEY)!) as { savedAt: number }).savedAt;
    const c = await t.auth.getConnection('oauth_code');
    assert.equal(await t.auth.isSignedIn(c), true);
    const [only, ...rest] = await t.auth.signIns(c);
    assert.equal(rest.length, 0);
    assert.deepEqual([only?.role, only?.status, only?.issuedAt], ['ANALYST', 'valid', saved]);
    assert.equal(roleOfToken((await t.auth.forRest(c)).headers), 'ANALYST', 'the old token still signs in');
    assert.equal(t.browser.calls.opened.length, 0);

    await t.auth.signIn(c, { role: 'FINANCE' });
    const stored = storedRefreshTokens(t);
    assert.equal(stored.length, 2);
    assert.ok(stored.includes(legacy), 'the old refresh token was kept, now under role ANALYST');
    await t.auth.signOut(c);
  });

  it('lists issue and expiry times on the given clock; Refresh Now mints a new access token; a refresh token past its expiry shows expired', async () => {
    const clock = { t: T0 };
    const t = setUp(clock);
    const c = await t.auth.getConnection('oauth_code');
    await t.auth.signIn(c);
    clock.t = T0 + 4 * 60_000;
    assert.deepEqual(texts(await t.auth.signIns(c), clock.t), [
      {
        label: 'oauth_code · role ANALYST',
        description: 'browser sign-in · in use',
        detail: 'issued 4 min ago · access token expires in 6 min · refresh token expires in 90 days · user DEMO_USER',
      },
    ]);
    const before = w.emu.servers.snowflake.log.filter((e) => e.path === '/oauth/token-request').length;
    const after = await t.auth.refreshNow(c);
    assert.equal(after[0]?.accessExpiresAt, clock.t + 600_000, 'the new access token lives 10 minutes from now');
    assert.equal(w.emu.servers.snowflake.log.filter((e) => e.path === '/oauth/token-request').length, before + 1);

    clock.t = T0 + 91 * 86_400_000;
    const [late] = texts(await t.auth.signIns(c), clock.t);
    assert.equal(late?.description, 'browser sign-in · sign-in expired');
    assert.match(late?.detail ?? '', /refresh token expired 24 h ago/);
    await t.auth.signOut(c);
  });

  it('Sign Out revokes at Snowflake: the old refresh and access tokens are refused, and nothing is left stored', async () => {
    const t = setUp();
    const c = await t.auth.getConnection('oauth_code');
    await t.auth.signIn(c);
    const access = (await t.auth.forRest(c)).headers;
    const [refresh] = storedRefreshTokens(t);
    const out = await t.auth.signOut(c);
    assert.deepEqual([out.revocation, out.roles], ['confirmed', ['ANALYST']]);
    const revokes = w.emu.servers.snowflake.log.filter((e) => e.path === '/oauth/revoke');
    assert.deepEqual(
      revokes.map((e) => new URLSearchParams(e.body).get('token_type_hint')),
      ['access_token', 'refresh_token'],
    );
    assert.equal((await refreshAtSnowflake(refresh!)).json.error, 'invalid_grant', 'Snowflake refuses it now');
    assert.equal(roleOfToken(access), 'ANALYST');
    assert.equal(w.emu.state.accessTokens.get(access.Authorization!.slice(7))?.revoked, true);
    assert.equal(t.raw.data.size, 0, 'the secret storage no longer holds it');
    assert.equal(await t.auth.signInStatus(c), 'signedOut');
  });

  it('with /oauth/revoke down, Sign Out still deletes the tokens here and says the revocation was not confirmed', async () => {
    const t = setUp();
    const c = await t.auth.getConnection('oauth_code');
    await t.auth.signIn(c);
    const [refresh] = storedRefreshTokens(t);
    w.emu.servers.snowflake.addFault({ route: 'POST /oauth/revoke', status: 503, times: 20 });
    const out = await t.auth.signOut(c);
    assert.equal(out.revocation, 'unconfirmed');
    assert.match(out.problem ?? '', /503/);
    assert.ok(!(out.problem ?? '').includes(refresh!), 'the reason carries no token');
    assert.equal(t.raw.data.size, 0, 'deleted here all the same');
    assert.equal(await t.auth.isSignedIn(c), false);
    assert.equal((await refreshAtSnowflake(refresh!)).status, 200, 'Snowflake never revoked it (as the message says)');
  });

  it('a sign-in Snowflake revoked elsewhere is "expired" (with Sign in again), not "not signed in", until signed in again', async () => {
    const t = setUp();
    const c: ConnectionProfile = await t.auth.getConnection('oauth_code');
    await t.auth.signIn(c);
    w.emu.state.revokeRefreshTokens('DEMO_USER');
    t.auth.invalidate(c);
    const err = (await t.auth.forRest(c, { silent: true }).catch((e: unknown) => e)) as SnowflakeExtError;
    assert.equal(err.code, 'signInExpired');
    assert.equal(err.fix?.commandTitle, 'Sign in again');
    assert.equal(await t.auth.signInStatus(c), 'expired');
    assert.deepEqual(storedRefreshTokens(t), [], 'the refused token is gone');
    const again = (await t.auth.forRest(c, { silent: true }).catch((e: unknown) => e)) as SnowflakeExtError;
    assert.equal(again.code, 'signInExpired', 'still expired on the next try, without asking Snowflake');
    await t.auth.signIn(c);
    assert.equal(await t.auth.signInStatus(c), 'signedIn');
    await t.auth.signOut(c);
  });

  it('lists a key pair with its fingerprint, a PAT with "expiry unknown", and Workbench with its file time', async () => {
    const t = setUp();
    const keypair = await t.auth.signIns(await t.auth.getConnection('keypair'));
    assert.deepEqual(
      keypair.map((s) => [s.kind, s.fingerprint]),
      [['keyPair', w.emu.home!.fingerprints.keypair]],
    );
    const [pat] = await t.auth.signIns(await t.auth.getConnection('pat'));
    assert.deepEqual([pat?.kind, pat?.note, pat?.storedSecret], ['pat', 'expiry unknown', undefined]);
    const wb = makeAuth(w, w.emu.home!.workbenchEnv);
    const [managed] = await wb.auth.signIns(await wb.auth.getConnection('workbench'));
    assert.equal(managed?.kind, 'workbench');
    assert.equal(managed?.note, 'Posit Workbench renews it');
    assert.ok((managed?.fileWrittenAt ?? 0) > 0);
  });
});
