import { randomBytes } from 'node:crypto';
import { AtsSignatureVerificationError } from '@ats-kit/core';

/** Length of a webhook secret once base64-decoded (api.md §12). */
export const WEBHOOK_SECRET_BYTES = 32;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Decodes the base64 webhook secret shown at API key creation into the 32 HMAC key bytes, or
 * throws `AtsSignatureVerificationError` `invalid_secret` with a hint at the usual mix-ups (the
 * API key, the widget secret key, a hex string, an unset variable). The secret itself never
 * appears in the error.
 */
export function decodeWebhookSecret(secret: unknown): Buffer {
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw invalidSecret(
      secret === undefined || secret === null || secret === ''
        ? 'secret is empty or undefined: is the environment variable holding it set?'
        : `secret must be a string, got ${typeof secret}`,
    );
  }
  // Copy-pasted secrets often carry a trailing newline from an .env file or a terminal.
  const text = secret.trim();
  const hint = mixUpHint(text);
  if (hint) throw invalidSecret(hint);
  if (!BASE64.test(text) && !BASE64URL.test(text)) {
    throw invalidSecret('secret is not base64: copy it exactly as shown at key creation');
  }
  const bytes = Buffer.from(
    text,
    text.includes('-') || text.includes('_') ? 'base64url' : 'base64',
  );
  if (bytes.length !== WEBHOOK_SECRET_BYTES) {
    throw invalidSecret(
      `secret decodes to ${bytes.length} bytes instead of ${WEBHOOK_SECRET_BYTES}: ` +
        'copy the whole base64 string shown at key creation',
    );
  }
  return bytes;
}

function mixUpHint(text: string): string | undefined {
  if (text.startsWith('afo_sk_')) {
    return 'this is an API key (afo_sk_live_…), not its webhook secret: pass the base64 webhook secret shown next to it at key creation';
  }
  if (text.startsWith('csk_') || text.startsWith('cpk_')) {
    return 'this is a widget site key (csk_… / cpk_…), not a webhook secret: pass the base64 webhook secret of the API key that confirms transactions';
  }
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) {
    return 'this looks like hex (64 hex digits); the secret is the base64 string shown at key creation. If you stored it as hex, convert it: Buffer.from(hex, "hex").toString("base64")';
  }
  return undefined;
}

function invalidSecret(detail: string): AtsSignatureVerificationError {
  return new AtsSignatureVerificationError('invalid_secret', { detail });
}

/**
 * A fresh webhook secret in the ATS format: 32 random bytes, base64. For tests and local setups
 * that need a secret before a real one exists (ATS generates the real one at key creation).
 *
 * @example
 * const secret = generateWebhookSecret(); // 'q1Jk…=' (44 characters)
 */
export function generateWebhookSecret(): string {
  return randomBytes(WEBHOOK_SECRET_BYTES).toString('base64');
}
