/**
 * Formats virtual epoch ms as the API writes timestamps: ISO 8601 UTC with milliseconds and `Z`.
 *
 * @example
 * isoTimestamp(0); // '1970-01-01T00:00:00.000Z'
 */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** `isoTimestamp`, passing `null` through. */
export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : isoTimestamp(ms);
}
