// A connections file as it may be shown on screen: every secret value (a token, a password, a passphrase) replaced,
// every other byte kept, so a Workbench-managed file can be read without its live token in view.
import { redact } from '../../shared/logger';
import { SECRET_KEYS } from '../secretParams';
import { scanTomlStatements } from './tomlStatements';

export const MASK = '"***"'; // as maskedParams shows a secret

export function maskSecretsInToml(text: string): string {
  const secrets = scanTomlStatements(text).filter(
    (s) => s.kind === 'keyValue' && SECRET_KEYS.has((s.path[s.path.length - 1] ?? '').toLowerCase()),
  );
  let out = text;
  // From the end, so earlier offsets stay valid.
  for (const s of secrets.reverse()) {
    if (s.kind !== 'keyValue') continue;
    out = `${out.slice(0, s.valueStart)}${MASK}${out.slice(s.valueEnd)}`;
  }
  // Anything the scan did not see as a key (an inline table, a comment) still goes through the log's redaction.
  return redact(out);
}
