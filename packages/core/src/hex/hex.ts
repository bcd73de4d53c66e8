import { AtsValidationError } from '../errors';

const HEX_DIGITS = '0123456789abcdef';
const HASH32_PATTERN = /^(?:0[xX])?[0-9a-fA-F]{64}$/;

/**
 * Lowercase hex of `bytes`, without a `0x` prefix: the form of the commitment vectors.
 *
 * @example
 * toHex(new Uint8Array([0, 171, 255])); // '00abff'
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  }
  return out;
}

/**
 * Bytes of a hex string, with or without `0x` and in either case. Throws `AtsValidationError`
 * (path `field`, default `hex`) naming the problem: an odd number of digits or a character that is
 * not a hex digit.
 *
 * @example
 * fromHex('0xABff'); // Uint8Array [171, 255]
 * fromHex(input.commitment, 'commitment'); // errors say `commitment: ...`
 */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  if (typeof hex !== 'string') {
    throw hexError(field, 'invalid_type', `must be a hex string, got ${describeType(hex)}`);
  }
  const digits = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (digits.length % 2 !== 0) {
    throw hexError(
      field,
      'invalid_format',
      `has an odd number of hex digits (${digits.length}); each byte takes two digits`,
    );
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = hexValue(digits.charCodeAt(2 * i));
    const low = hexValue(digits.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) {
      const at = high < 0 ? 2 * i : 2 * i + 1;
      throw hexError(
        field,
        'invalid_format',
        `has a character that is not a hex digit (${JSON.stringify(digits[at])} at position ${at}); use 0-9 and a-f`,
      );
    }
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/**
 * True when `hex` is a 32-byte hash in hex: 64 digits, either case, with or without `0x`.
 *
 * @example
 * isHash32('0x' + 'ab'.repeat(32)); // true
 * isHash32('abc'); // false
 */
export function isHash32(hex: unknown): hex is string {
  return typeof hex === 'string' && HASH32_PATTERN.test(hex);
}

/**
 * A 32-byte hash in the vectors' form: lowercase, no `0x`. Accepts either case and either form;
 * throws `AtsValidationError` (path `field`) when `hex` is not 64 hex digits.
 *
 * @example
 * normalizeHash('0x45FD…68F5'); // '45fd…68f5'
 */
export function normalizeHash(hex: string, field = 'hash'): string {
  if (!isHash32(hex)) {
    throw hexError(field, 'invalid_format', describeHashProblem(hex));
  }
  return (hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex).toLowerCase();
}

/**
 * A 32-byte hash in the API's form: `0x` then lowercase hex. Accepts either case and either form;
 * throws `AtsValidationError` (path `field`) when `hex` is not 64 hex digits.
 *
 * @example
 * toWireHash('45FD…68F5'); // '0x45fd…68f5'
 */
export function toWireHash(hex: string, field = 'hash'): string {
  return `0x${normalizeHash(hex, field)}`;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

function describeHashProblem(hex: unknown): string {
  if (typeof hex !== 'string') {
    return `must be a 32-byte hash as 64 hex digits, got ${describeType(hex)}`;
  }
  const digits = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  const bad = digits.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    return `has a character that is not a hex digit (${JSON.stringify(digits[bad])} at position ${bad}); a hash is 64 digits 0-9, a-f, optionally after 0x`;
  }
  return `must be 64 hex digits (a 32-byte hash), got ${digits.length}`;
}

function describeType(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

function hexError(path: string, code: string, message: string): AtsValidationError {
  return new AtsValidationError('Invalid hex', { issues: [{ path, code, message }] });
}
