import type * as z from 'zod';

// Request schemas are strict because they describe what clients send. A server that follows the
// API's "unknown request fields are ignored" (api.md §2) parses with the helper below instead of
// keeping a second, lenient copy of every schema.

function removeKeys(root: unknown, path: readonly PropertyKey[], keys: readonly string[]): void {
  let target: unknown = root;
  for (const segment of path) {
    if (typeof target !== 'object' || target === null) return;
    target = (target as Record<PropertyKey, unknown>)[segment];
  }
  if (typeof target !== 'object' || target === null) return;
  for (const key of keys) delete (target as Record<string, unknown>)[key];
}

/**
 * Parses a request body with a strict schema while ignoring unknown fields at any depth, as the
 * sandbox does (api.md §2): the fields a strict object reports as unknown are dropped from a copy
 * of the body, which is parsed again. Every other problem is reported as usual.
 *
 * `body` must be JSON data (it is copied with `structuredClone`); the input is never modified.
 *
 * @example
 * const result = safeParseIgnoringUnknownKeys(InitWorkRequestSchema, body);
 * if (!result.success) reply(422, { fields: toFieldErrors(result.error) });
 */
export function safeParseIgnoringUnknownKeys<T extends z.ZodType>(
  schema: T,
  body: unknown,
): z.ZodSafeParseResult<z.output<T>> {
  const first = schema.safeParse(body);
  if (first.success) return first;
  const unknownKeys = first.error.issues.filter(
    (issue): issue is z.core.$ZodIssueUnrecognizedKeys => issue.code === 'unrecognized_keys',
  );
  if (unknownKeys.length === 0) return first;
  const copy = structuredClone(body);
  for (const issue of unknownKeys) removeKeys(copy, issue.path, issue.keys);
  return schema.safeParse(copy);
}
