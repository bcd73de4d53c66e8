import { AtsValidationError } from '../errors';

/**
 * Throws `AtsValidationError` unless `value` is a whole, non-negative, safe number of bytes.
 * Shared by the size and fee functions so a fractional, negative or NaN size fails loudly instead
 * of pricing or passing silently.
 */
export function assertByteCount(value: unknown, field: string): asserts value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  const got = typeof value === 'number' ? String(value) : typeof value;
  throw new AtsValidationError(`Invalid ${field}`, {
    issues: [
      {
        path: field,
        code: 'invalid_byte_count',
        message: `must be a whole, non-negative number of bytes (got ${got})`,
      },
    ],
  });
}
