import type { Context } from 'hono';
import { ApiFailure } from './api-failure';
import { jsonResponse } from './json';

/**
 * The §2.2 error envelope as a response: `{ error: { code, message, details?, request_id } }`,
 * with the failure's extra headers (e.g. `Retry-After`).
 *
 * @example
 * return errorResponse(c, new ApiFailure(404, 'common.not_found', 'No such route.'));
 */
export function errorResponse(c: Context, failure: ApiFailure): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? 'req_unknown';
  const headers = { ...failure.headers };
  // Every 429 and 503 says when to come back (api.md §2).
  if ((failure.status === 429 || failure.status === 503) && !hasHeader(headers, 'retry-after')) {
    headers['Retry-After'] = '1';
  }
  return jsonResponse(failure.status, envelope(failure, requestId), headers);
}

/** The envelope object for a failure. */
export function envelope(failure: ApiFailure, requestId: string) {
  return {
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.details !== undefined ? { details: failure.details } : {}),
      request_id: requestId,
    },
  };
}

/** `404 common.not_found` for an unknown route. */
export function routeNotFound(method: string, path: string): ApiFailure {
  return new ApiFailure(404, 'common.not_found', `No route ${method} ${path}.`, {
    resource: 'route',
  });
}

/** `405 common.method_not_allowed` with the `Allow` header. */
export function methodNotAllowed(method: string, path: string, allowed: string[]): ApiFailure {
  return new ApiFailure(
    405,
    'common.method_not_allowed',
    `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
    { allowed },
    { Allow: allowed.join(', ') },
  );
}

/** Turns anything thrown into an `ApiFailure` (unknown errors become `500 common.internal_error`). */
export function toApiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  return new ApiFailure(500, 'common.internal_error', 'The sandbox hit an unexpected error.');
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
