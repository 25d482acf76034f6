// What we remember about a PAT we created (no secret): its name, user, role restriction, when it was created and
// when it expires, kept by the auth service beside the secret; and the pure rules for warning before it expires.

export interface PatRecord {
  readonly name: string;
  readonly user: string;
  readonly role?: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** The connection whose sign-in created it. */
  readonly createdVia?: string;
}

export function serializePatRecord(r: PatRecord): string {
  return JSON.stringify(r);
}

/** A stored record, or undefined when it is not one (an unreadable record is treated as absent). */
export function parsePatRecord(text: string | undefined): PatRecord | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<PatRecord>;
    if (typeof v.name !== 'string' || typeof v.user !== 'string') return undefined;
    if (typeof v.createdAt !== 'number' || typeof v.expiresAt !== 'number') return undefined;
    return {
      name: v.name,
      user: v.user,
      createdAt: v.createdAt,
      expiresAt: v.expiresAt,
      ...(typeof v.role === 'string' ? { role: v.role } : {}),
      ...(typeof v.createdVia === 'string' ? { createdVia: v.createdVia } : {}),
    };
  } catch {
    return undefined;
  }
}

const DAY_MS = 86400_000;
/** Warn this long before a PAT expires. */
export const PAT_WARNING_MS = 7 * DAY_MS;

/** "in 3 days", "in 5 hours", "in 12 minutes", "2 days ago". */
export function describeExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  const abs = Math.abs(left);
  const [n, unit] =
    abs >= DAY_MS
      ? [Math.floor(abs / DAY_MS), 'day']
      : abs >= 3600_000
        ? [Math.floor(abs / 3600_000), 'hour']
        : [Math.max(1, Math.floor(abs / 60_000)), 'minute'];
  const span = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return left > 0 ? `in ${span}` : `${span} ago`;
}

export interface PatWarning {
  readonly connection: string;
  readonly expired: boolean;
  readonly text: string;
}

/** The warning for a connection's PAT, when it expires within `PAT_WARNING_MS` (or has expired). */
export function patWarning(connection: string, r: PatRecord, now: number): PatWarning | undefined {
  if (r.expiresAt - now > PAT_WARNING_MS) return undefined;
  const expired = r.expiresAt <= now;
  const when = new Date(r.expiresAt).toISOString().slice(0, 16).replace('T', ' ');
  return {
    connection,
    expired,
    text: expired
      ? `The programmatic access token ${r.name} of connection "${connection}" expired ${describeExpiry(r.expiresAt, now)} (${when} UTC).`
      : `The programmatic access token ${r.name} of connection "${connection}" expires ${describeExpiry(r.expiresAt, now)} (${when} UTC).`,
  };
}

/** The day (UTC) a time falls on, as the key "warned once per day" remembers. */
export function warningDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Whether to show the toast now: a warning exists and none was shown for this connection today. */
export function shouldToast(warning: PatWarning | undefined, lastShownDay: string | undefined, now: number): boolean {
  return warning !== undefined && lastShownDay !== warningDay(now);
}
