// Issue messages shared by the schemas. Internal: not re-exported from index.ts.
//
// Our messages are lowercase fix phrases ("must be …"); `toFieldErrors` prefixes the field path.
// Zod's default English messages start with a capital letter, which is how `toFieldErrors` tells
// them apart and rewrites them.

/** The message of a missing (or `null`) required field; `toFieldErrors` maps it to `required`. */
export const REQUIRED_MESSAGE = 'is required';

/**
 * Builds a Zod `error` option that says "is required" for a missing or `null` value and `message`
 * otherwise, so a custom message never hides that the field was simply absent.
 *
 * @example
 * z.enum(['a', 'b'], { error: requiredOr('must be "a" or "b"') });
 */
export function requiredOr(message: string) {
  return (issue: { code?: string; input?: unknown }): string | undefined => {
    // Unknown keys of a strict object keep Zod's own wording (toFieldErrors rewrites it per key).
    if (issue.code === 'unrecognized_keys') return undefined;
    return issue.input === undefined || issue.input === null ? REQUIRED_MESSAGE : message;
  };
}
