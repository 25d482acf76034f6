// Which connection parameters hold secrets, and parameters with those values masked for display (`connections
// --json`, the doctor, a connections file shown read-only).
import type { Params } from './connectionParams';

/** Parameters known to hold secrets. `isSecretKey` also catches any other key that looks like one. */
export const SECRET_KEYS = new Set([
  'token',
  'password',
  'passcode',
  'private_key_file_pwd',
  'private_key_passphrase',
  'oauth_client_secret',
  'private_key_raw',
  'proxy_password',
  'session_token',
  'master_token',
]);

// Fragments as the Snowflake CLI masks them (config_ng/masking.py: password, pwd, token, secret, passphrase,
// private_key, ...) plus whole words a PAT or key goes by; path-valued keys name a file, not its content.
const SECRET_FRAGMENTS = /pass|pwd|secret|token|private_?key|credential|api_?key|signature/;
const SECRET_WORDS = new Set(['pat', 'pw', 'key', 'jwt', 'pin', 'otp', 'auth', 'cookie', 'assertion']);
const PATH_WORDS = new Set(['file', 'path', 'dir', 'directory', 'url', 'uri']);

/** True when a parameter's value must not be shown: known secrets, and any key that looks like one. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (SECRET_KEYS.has(lower)) return true;
  const words = lower.split(/[^a-z0-9]+/).filter(Boolean);
  if (PATH_WORDS.has(words[words.length - 1] ?? '')) return false;
  return SECRET_FRAGMENTS.test(lower) || words.some((w) => SECRET_WORDS.has(w));
}

/** Parameters safe to show: values of secret-looking keys replaced by "***" (a true/false switch stays readable). */
export function maskedParams(params: Readonly<Params>): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v !== 'boolean' && isSecretKey(k) ? '***' : v;
  return out;
}
