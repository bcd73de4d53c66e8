import { AtsSignatureVerificationError, AtsValidationError } from '../errors';

/** Header carrying `t=<unix seconds>,v1=<hex>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Allfeat-Signature';
/** Header repeating the signature's `t`. */
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Allfeat-Timestamp';
/** Header with the delivery id, stable across retries (sandbox extra). */
export const WEBHOOK_DELIVERY_HEADER = 'X-Allfeat-Delivery';

/** Receivers refuse a `t` more than this many seconds from their clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The parts of a signature header: the signing time and every `v1` signature (lowercase hex). */
export interface ParsedSignatureHeader {
  timestamp: number;
  signatures: string[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Parses `X-Allfeat-Signature` (`t=<unix>,v1=<hex>[,v1=<hex>…]`). Spaces around parts are
 * tolerated, several `v1` are kept (secret rotation), other schemes are skipped. Throws
 * `AtsSignatureVerificationError` with reason `missing_header` for an absent or empty header and
 * `malformed_header` when there is no single numeric `t` or no well-formed `v1`.
 *
 * @example
 * parseSignatureHeader('t=1767225600, v1=5d4f…'); // { timestamp: 1767225600, signatures: ['5d4f…'] }
 */
export function parseSignatureHeader(
  header: string | readonly string[] | null | undefined,
): ParsedSignatureHeader {
  // Node exposes a repeated header as an array; its parts are the same list.
  const text = Array.isArray(header) ? header.join(',') : (header as string | null | undefined);
  if (typeof text !== 'string' || text.trim() === '') {
    throw new AtsSignatureVerificationError('missing_header');
  }
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw malformed(`part "${truncate(trimmed)}" is not key=value`);
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) throw malformed('more than one t=');
      if (!/^\d{1,15}$/.test(value)) throw malformed('t= is not whole Unix seconds');
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) throw malformed('a v1= value is not 64 hex characters');
      signatures.push(value.toLowerCase());
    }
  }
  if (timestamp === undefined) throw malformed('no t= part');
  if (signatures.length === 0) throw malformed('no v1= signature');
  return { timestamp, signatures };
}

/**
 * Builds the `X-Allfeat-Signature` value for a timestamp and one or more HMAC-SHA256 hex digests.
 *
 * @example
 * formatSignatureHeader(1767225600, [hex]); // 't=1767225600,v1=<hex>'
 */
export function formatSignatureHeader(timestamp: number, signaturesHex: readonly string[]): string {
  assertUnixSeconds(timestamp, 'timestamp');
  if (signaturesHex.length === 0)
    throw invalidArgument('signaturesHex', 'must hold one signature at least');
  const parts = signaturesHex.map((sig, i) => {
    if (typeof sig !== 'string' || !HEX_SHA256.test(sig)) {
      throw invalidArgument(`signaturesHex[${i}]`, 'must be 64 hex characters (an HMAC-SHA256)');
    }
    return `v1=${sig.toLowerCase()}`;
  });
  return [`t=${timestamp}`, ...parts].join(',');
}

/**
 * The bytes that are signed: `t` in decimal, `.`, then the raw body bytes exactly as sent. A
 * string body is taken as UTF-8. Any other value throws `AtsSignatureVerificationError`
 * `body_not_raw`, since a parsed object cannot be turned back into the bytes that were signed.
 *
 * @example
 * const mac = hmacSha256(secretBytes, signedPayload(t, rawBody));
 */
export function signedPayload(timestamp: number, rawBody: Uint8Array | string): Uint8Array {
  assertUnixSeconds(timestamp, 'timestamp');
  // Typed loosely on purpose: JavaScript callers pass parsed objects, which must be refused.
  const raw: unknown = rawBody;
  let body: Uint8Array;
  // isView and the tag test also hold for bytes from another realm (iframe, vm), unlike instanceof.
  if (typeof raw === 'string') {
    body = new TextEncoder().encode(raw);
  } else if (ArrayBuffer.isView(raw)) {
    body = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  } else if (Object.prototype.toString.call(raw) === '[object ArrayBuffer]') {
    body = new Uint8Array(raw as ArrayBuffer);
  } else {
    throw new AtsSignatureVerificationError('body_not_raw', { detail: `got ${describe(raw)}` });
  }
  const prefix = new TextEncoder().encode(`${timestamp}.`);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/**
 * Refuses a signature time further than `toleranceSeconds` from `nowSeconds`, in either direction:
 * throws `AtsSignatureVerificationError` `timestamp_too_old` or `timestamp_in_future` with the skew.
 *
 * @example
 * checkTimestamp(parsed.timestamp, Math.floor(Date.now() / 1000));
 */
export function checkTimestamp(
  timestamp: number,
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): void {
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw invalidArgument('toleranceSeconds', 'must be a non-negative number of seconds');
  }
  if (!Number.isFinite(nowSeconds)) throw invalidArgument('nowSeconds', 'must be Unix seconds');
  const age = Math.floor(nowSeconds) - timestamp;
  if (age > toleranceSeconds) {
    throw new AtsSignatureVerificationError('timestamp_too_old', {
      skewSeconds: age,
      toleranceSeconds,
    });
  }
  if (-age > toleranceSeconds) {
    throw new AtsSignatureVerificationError('timestamp_in_future', {
      skewSeconds: -age,
      toleranceSeconds,
    });
  }
}

/**
 * Compares two strings in time that depends only on their length, not on where they differ, for
 * checking a computed signature against a received one without a crypto import.
 *
 * @example
 * parsed.signatures.some((sig) => constantTimeEqual(sig, expectedHex));
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function malformed(detail: string): AtsSignatureVerificationError {
  return new AtsSignatureVerificationError('malformed_header', { detail });
}

function assertUnixSeconds(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(field, 'must be whole, non-negative Unix seconds');
  }
}

function invalidArgument(path: string, message: string): AtsValidationError {
  return new AtsValidationError(`Invalid ${path}`, {
    issues: [{ path, code: 'invalid_argument', message }],
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}…` : text;
}
