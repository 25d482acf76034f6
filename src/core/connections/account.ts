// Account identifiers (PROTOCOLS §2): validation, the account as a key-pair JWT carries it, and the base URL of an
// account from account/host/port/protocol.

const PART = /^[A-Za-z0-9_-]+$/;

/** Why an account string is not usable, or undefined when it is. */
export function accountProblem(account: string): string | undefined {
  if (!account) return 'it is empty';
  const bad = account.split('.').find((p) => !PART.test(p));
  if (bad !== undefined) return `'${bad || '(empty part)'}' may hold only letters, digits, '_' and '-'`;
  return undefined;
}

/**
 * Undo a frequent slip: the whole URL or host pasted as the account ("https://xy12345.snowflakecomputing.com").
 * Returns the account and whether it had to be cleaned.
 */
export function cleanAccount(raw: string): { account: string; cleaned: boolean } {
  const trimmed = raw.trim();
  let a = trimmed.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  a = a.replace(/\.snowflakecomputing\.(com|cn)$/i, '');
  return { account: a, cleaned: a !== trimmed };
}

/** The account in JWT claims: upper case, everything from the first dot dropped; legacy `x-<id>.global` keeps what precedes the last dash. */
export function jwtAccount(account: string): string {
  let a = account.trim();
  if (/\.global$/i.test(a)) {
    const dash = a.lastIndexOf('-');
    if (dash > 0) a = a.slice(0, dash);
  }
  const dot = a.indexOf('.');
  return (dot >= 0 ? a.slice(0, dot) : a).toUpperCase();
}

/** The account host: `host` when given, else `<account>.snowflakecomputing.com` (region kept). */
export function accountHost(account: string, host?: string): string {
  if (host) return host.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  return `${account}.snowflakecomputing.com`.toLowerCase();
}

/** `https://<host>[:port]` with the connection's protocol and port honoured (default ports omitted). */
export function baseUrlOf(
  account: string,
  params: { host?: string; port?: string | number; protocol?: string },
): string {
  const protocol = params.protocol === undefined ? 'https' : params.protocol.toLowerCase().replace(/:?\/*$/, '');
  const host = accountHost(account, params.host);
  const port = params.port === undefined || params.port === '' ? undefined : String(params.port);
  const defaultPort = protocol === 'http' ? '80' : '443';
  const withPort = port && port !== defaultPort && !/:\d+$/.test(host) ? `${host}:${port}` : host;
  return `${protocol}://${withPort}`;
}
