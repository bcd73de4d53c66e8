import { AtsValidationError, toFieldErrors } from '@ats-kit/core';

/** The part of a zod schema this module uses (keeps zod out of this package's dependencies). */
interface BodySchema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: Parameters<typeof toFieldErrors>[0] };
}

/**
 * Parses a request body with its core schema (creators' roles as names or flags, text trimmed as
 * the server stores it), or throws `AtsValidationError` listing every field with the API's paths
 * (`creators[2].isni`) and fixes, before any request is sent.
 *
 * @example
 * const body = parseRequestBody(InitWorkInputSchema, input, 'works.init body');
 */
export function parseRequestBody<T>(
  schema: BodySchema<T>,
  body: unknown,
  what: string,
  optionNames: Record<string, string> = {},
): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = toFieldErrors(result.error).map((field) => ({
    path: optionNames[field.path] ?? field.path,
    code: field.code,
    // The field list's messages repeat the path; the error message adds it once.
    message:
      field.path !== '' && field.message.startsWith(`${field.path}: `)
        ? field.message.slice(field.path.length + 2)
        : field.message,
  }));
  throw new AtsValidationError(`Invalid ${what}`, { issues });
}
