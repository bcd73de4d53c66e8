// Patterns for the credentials this toolkit handles. Each keeps a recognisable prefix so a log
// still says *which kind* of secret was there, without any of its characters.
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // `Bearer <token>` first, so a bearer JWT is masked as one unit.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\bafo_sk_live_[A-Za-z0-9]*/g, 'afo_sk_live_[redacted]'],
  [/\bcsk_[A-Za-z0-9]+/g, 'csk_[redacted]'],
  // A JWT segment is base64url of JSON, so it starts with `eyJ` (`{"`).
  [/\beyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){0,2}/g, '[redacted JWT]'],
];

/**
 * Masks the secrets ATS uses (API keys `afo_sk_live_…`, widget secret keys `csk_…`, JWTs `eyJ…`
 * and `Bearer …` / `Basic …` credentials) in a piece of text. Every error message built by this
 * package goes through it, so a secret echoed by a server or a caller never reaches a log.
 *
 * @example
 * redactSecrets('key afo_sk_live_0123abcd rejected'); // 'key afo_sk_live_[redacted] rejected'
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
