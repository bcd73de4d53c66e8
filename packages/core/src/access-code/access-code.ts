import { AtsValidationError } from '../errors';

/** An access code: `atc_` + 64 hex characters (lowercase on the wire). */
export type AccessCode = `atc_${string}`;

// Routes accept any case, so the check does too; `normalizeAccessCode` gives the wire form.
const ACCESS_CODE_PATTERN = /^atc_[0-9a-f]{64}$/i;

/**
 * True when `value` has the access-code format, `atc_` + 64 hex characters (any case, as the
 * routes accept it).
 *
 * @example
 * isAccessCode(`atc_${'0'.repeat(64)}`); // true
 */
export function isAccessCode(value: unknown): value is AccessCode {
  return typeof value === 'string' && ACCESS_CODE_PATTERN.test(value);
}

/**
 * Throws `AtsValidationError` naming the field unless `value` is an access code. The message
 * describes what was received (length, prefix) without echoing the code itself.
 *
 * @example
 * assertAccessCode(req.params.code, 'code');
 */
export function assertAccessCode(
  value: unknown,
  field = 'access_code',
): asserts value is AccessCode {
  if (isAccessCode(value)) return;
  const got =
    typeof value === 'string'
      ? `${value.length} characters${value.toLowerCase().startsWith('atc_') ? '' : ', without the atc_ prefix'}`
      : typeof value;
  throw new AtsValidationError(`Invalid ${field}`, {
    issues: [
      {
        path: field,
        code: 'access_code.format_invalid',
        message: `must be atc_ followed by 64 hex characters, 68 in all (got ${got})`,
      },
    ],
  });
}

/**
 * The wire form of an access code: surrounding spaces removed, lowercase. Throws
 * `AtsValidationError` when the result is not an access code.
 *
 * @example
 * normalizeAccessCode(' ATC_ABCD… '); // 'atc_abcd…'
 */
export function normalizeAccessCode(value: string, field = 'access_code'): AccessCode {
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : value;
  assertAccessCode(normalized, field);
  return normalized;
}
