import type * as z from 'zod';
import { AtsError } from '../errors';
import { formatIssuePath } from '../schemas/errors';

// Issues listed in the message; the rest are counted. A broken answer can have hundreds.
const MAX_LISTED_ISSUES = 3;

/** Where the answer came from, for the message. */
export interface ResponseOrigin {
  /** `GET /v1/works/7`, secrets already masked. */
  request: string;
  requestId: string | undefined;
}

/**
 * Validates a parsed answer with `schema` (the response schemas are lenient: unknown keys are
 * dropped, `null` and missing alike). A mismatch is an `AtsError` with code `invalid_response`
 * naming the request, the first offending paths and the request id; the `ZodError` is the cause.
 */
export function parseResponseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
  origin: ResponseOrigin,
): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${formatIssuePath(issue.path) || '(body)'}: ${issue.message}`);
  const more =
    issues.length > MAX_LISTED_ISSUES ? ` (+${issues.length - MAX_LISTED_ISSUES} more)` : '';
  throw invalidResponse(
    `The ATS API answered ${origin.request} with an unexpected body: ${listed.join('; ')}${more}`,
    origin,
    result.error,
  );
}

/** The `invalid_response` error for an answer that is not the JSON expected. */
export function invalidResponse(
  message: string,
  origin: ResponseOrigin,
  cause?: unknown,
): AtsError {
  const suffix = origin.requestId ? ` [request_id ${origin.requestId}]` : '';
  return new AtsError(`${message}${suffix}`, {
    code: 'invalid_response',
    requestId: origin.requestId,
    cause,
  });
}
