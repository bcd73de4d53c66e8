import { type FieldError, toFieldErrors } from '@ats-kit/core';
import type * as z from 'zod';
import { ApiFailure } from './api-failure';

/**
 * Parses a request body or query with a core schema, ignoring unknown fields (api.md §2: the
 * sandbox ignores them, while core's request schemas are strict for what SDKs send). Throws
 * `422 common.validation_failed` with `details.fields` listing every other problem.
 *
 * @example
 * const body = parseRequest(InitWorkRequestSchema, await readJsonBody(c));
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = parseLenient(schema, input);
  if (result.success) return result.data;
  throw validationFailed(result.fields);
}

/** Like `parseRequest`, returning the outcome instead of throwing. */
export function parseLenient<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { success: true; data: z.output<S> } | { success: false; fields: FieldError[] } {
  let candidate = input;
  // Strict objects report unknown keys; drop them and parse again (nested objects may reveal
  // more on the next pass, so a few passes).
  for (let pass = 0; pass < 4; pass++) {
    const result = schema.safeParse(candidate);
    if (result.success) return { success: true, data: result.data };
    const unknownKeys = result.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
    if (unknownKeys.length === 0) {
      return { success: false, fields: toFieldErrors(result.error, candidate) };
    }
    candidate = structuredClone(candidate);
    for (const issue of unknownKeys) {
      const target = resolvePath(candidate, issue.path);
      if (target && typeof target === 'object') {
        for (const key of (issue as { keys: string[] }).keys) {
          delete (target as Record<string, unknown>)[key];
        }
      }
    }
  }
  const last = schema.safeParse(candidate);
  if (last.success) return { success: true, data: last.data };
  return { success: false, fields: toFieldErrors(last.error, candidate) };
}

/**
 * `422 common.validation_failed` for the given fields.
 *
 * @example
 * throw validationFailed([{ path: 'network', code: 'required', message: 'network: is required' }]);
 */
export function validationFailed(fields: FieldError[]): ApiFailure {
  const first = fields[0];
  const message =
    fields.length === 1 && first
      ? `The request has an invalid field: ${first.message}`
      : `The request has ${fields.length} invalid fields; see details.fields.`;
  return new ApiFailure(422, 'common.validation_failed', message, { fields });
}

function resolvePath(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
