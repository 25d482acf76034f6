// When a PAT or a sign-in counts as expiring, with the clock given: the 7-day PAT toast (once a day), the 10-minute
// status bar warning, and the statements' limits checked before anything is sent.
import assert from 'node:assert/strict';
import { expiringSoon, signInEndsAt } from '../../../src/core/auth/credentialLifetime';
import {
  parsePatRecord,
  patWarning,
  serializePatRecord,
  shouldToast,
  warningDay,
} from '../../../src/core/auth/pat/patRecord';
import { addPatStatement, listedPats } from '../../../src/core/auth/pat/patStatements';
import { SnowflakeExtError } from '../../../src/core/shared/errors';

const DAY = 86400_000;
const T0 = Date.UTC(2026, 0, 10, 9, 0);
const record = { name: 'CI', user: 'DEMO_USER', role: 'ANALYST', createdAt: T0 - 20 * DAY, expiresAt: T0 + 10 * DAY };

describe('PAT expiry warnings', () => {
  it('warns from 7 days before expiry, says when, and says "expired" after', () => {
    assert.equal(patWarning('c', record, T0), undefined);
    const w = patWarning('c', record, T0 + 3 * DAY + 60_000)!;
    assert.equal(w.expired, false);
    assert.match(w.text, /CI of connection "c" expires in 6 days \(2026-01-20 09:00 UTC\)/);
    const later = patWarning('c', record, T0 + 10 * DAY + 2 * 3600_000)!;
    assert.equal(later.expired, true);
    assert.match(later.text, /expired 2 hours ago/);
  });

  it('toasts once per day: again the next day, not again the same day', () => {
    const now = T0 + 5 * DAY;
    const w = patWarning('c', record, now);
    assert.equal(shouldToast(w, undefined, now), true);
    assert.equal(shouldToast(w, warningDay(now), now + 3600_000), false);
    assert.equal(shouldToast(w, warningDay(now), now + DAY), true);
    assert.equal(shouldToast(undefined, undefined, now), false);
  });

  it('a stored record round-trips; a damaged one reads as absent', () => {
    assert.deepEqual(parsePatRecord(serializePatRecord(record)), record);
    assert.equal(parsePatRecord('{"name":"x"}'), undefined);
    assert.equal(parsePatRecord('not json'), undefined);
  });
});

describe('sign-in expiry for the status bar (10 minutes)', () => {
  it('key pairs never expire; a PAT, a file token and a browser sign-in without refresh do', () => {
    assert.equal(expiringSoon({ kind: 'keyPair' }, T0), undefined);
    assert.equal(expiringSoon({ kind: 'pat', expiresAt: T0 + 11 * 60_000 }, T0), undefined);
    assert.equal(expiringSoon({ kind: 'pat', expiresAt: T0 + 9 * 60_000 }, T0), T0 + 9 * 60_000);
    assert.equal(expiringSoon({ kind: 'pat' }, T0), undefined, 'a PAT set by hand has no known expiry');
    assert.equal(expiringSoon({ kind: 'token', origin: 'workbench', expiresAt: T0 + 60_000 }, T0), T0 + 60_000);
    assert.equal(expiringSoon({ kind: 'oauth', renewable: true, expiresAt: T0 + 60_000 }, T0), undefined);
    const refreshEnds = {
      kind: 'oauth',
      renewable: true,
      expiresAt: T0 + 60_000,
      refreshExpiresAt: T0 + 8 * 60_000,
    } as const;
    assert.equal(expiringSoon(refreshEnds, T0), T0 + 8 * 60_000, 'a refresh token about to end ends the sign-in');
    assert.equal(signInEndsAt({ kind: 'oauth', renewable: false, expiresAt: T0 + 60_000 }), T0 + 60_000);
    assert.equal(expiringSoon({ kind: 'pat', expiresAt: T0 - 1 }, T0), T0 - 1, 'expired counts too');
  });
});

describe('PAT statements', () => {
  it('writes the documented clauses and refuses what Snowflake would', () => {
    assert.equal(
      addPatStatement('demo_user', { name: 'ci_1', role: "O'K", days: 30 }),
      `ALTER USER "demo_user" ADD PROGRAMMATIC ACCESS TOKEN CI_1 ROLE_RESTRICTION = 'O''K' DAYS_TO_EXPIRY = 30`,
    );
    for (const days of [0, 366, 1.5])
      assert.throws(
        () => addPatStatement('u', { name: 'x', days }),
        (e: SnowflakeExtError) => e.code === 'patDays',
      );
    assert.throws(
      () => addPatStatement('u', { name: 'a-b', days: 1 }),
      (e: SnowflakeExtError) => e.code === 'patName',
    );
  });

  it('reads SHOW’s expires_at in the forms drivers return', () => {
    const [a, b] = listedPats({
      columns: [{ name: 'name' }, { name: 'status' }, { name: 'expires_at' }] as never,
      rows: [
        ['A', 'ACTIVE', '1768035600.000000000'],
        ['B', 'EXPIRED', '2026-01-10 01:00:00.000 -0800'],
      ],
    });
    assert.equal(a!.expiresAt, 1768035600_000);
    assert.equal(b!.expiresAt, Date.UTC(2026, 0, 10, 9, 0));
  });
});
