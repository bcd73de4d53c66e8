import { createHash, randomBytes, randomUUID } from 'node:crypto';

// Formats of api.md §2.1. Random parts come from the OS generator: identifiers and secrets are
// never derived from the fault seed, so a seed does not make tokens guessable.

/** A lowercase UUID v4 (organization, key, job, work and transaction ids). */
export function newUuid(): string {
  return randomUUID();
}

/** `req_` + 24 lowercase hex (sandbox choice). */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

/** An API key token: `afo_sk_live_` + 48 lowercase hex. */
export function newApiKeyToken(): string {
  return `afo_sk_live_${randomBytes(24).toString('hex')}`;
}

/** A widget site key: `cpk_` + 32 lowercase hex. */
export function newSiteKey(): string {
  return `cpk_${randomBytes(16).toString('hex')}`;
}

/** A widget secret key: `csk_` + 32 lowercase hex. */
export function newSecretKey(): string {
  return `csk_${randomBytes(16).toString('hex')}`;
}

/** An access code: `atc_` + 64 lowercase hex. */
export function newAccessCode(): string {
  return `atc_${randomBytes(32).toString('hex')}`;
}

/** A webhook signing secret: 32 random bytes, base64. */
export function newWebhookSecretBase64(): string {
  return randomBytes(32).toString('base64');
}

/** Lowercase hex SHA-256 of a UTF-8 string (how tokens and secret keys are stored). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export const API_KEY_TOKEN_PATTERN = /^afo_sk_live_[0-9a-f]{48}$/;
export const SITE_KEY_PATTERN = /^cpk_[0-9a-f]{32}$/;
export const SECRET_KEY_PATTERN = /^csk_[0-9a-f]{32}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The organization's chain address (sandbox choice: derived from its id). Shaped like SS58 text:
 * base58 of a hash, 48 characters, starting with `5`.
 *
 * @example
 * ownerAddressFor('0b8f…'); // '5F…'
 */
export function ownerAddressFor(organizationId: string): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const digest = createHash('sha256').update(`owner:${organizationId}`).digest();
  let value = BigInt(`0x${digest.toString('hex')}`);
  let out = '';
  while (out.length < 47) {
    out = alphabet[Number(value % 58n)]! + out;
    value /= 58n;
  }
  return `5${out}`;
}
