// The small logging interface the core sees; the editor maps it onto one LogOutputChannel. Everything is redacted.

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key]'],
  // JWTs and other dotted base64url tokens.
  [/\beyJ[\w-]{5,}\.[\w-]{5,}(\.[\w-]*)?/g, '***'],
  [/(Snowflake Token=)"?[^"\s,]+"?/gi, '$1"***"'],
  [/\b(Bearer|Key|Basic)\s+[\w~+/=.:-]{6,}/g, '$1 ***'],
  // OAuth authorization codes travel as `code=` in URLs and forms; Snowflake's numeric error codes stay readable.
  [/([?&]code=)[^&\s"]+/g, '$1***'],
  [
    /\b(token|access_token|refresh_token|masterToken|password|passphrase|secret|client_secret|assertion|code_verifier|api_key|apiKey|private_key_file_pwd|private_key_passphrase)("?\s*[:=]\s*"?)([^"&\s,}]{4,})/gi,
    '$1$2***',
  ],
];

/** Masks anything that looks like a token, key or password. */
export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Wraps a sink so every line is redacted before it is written. */
export function redactingLogger(sink: Logger): Logger {
  return {
    trace: (m) => sink.trace(redact(m)),
    debug: (m) => sink.debug(redact(m)),
    info: (m) => sink.info(redact(m)),
    warn: (m) => sink.warn(redact(m)),
    error: (m) => sink.error(redact(m)),
  };
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
