/**
 * An error answer in the making: thrown anywhere in a handler, turned into the §2.2 envelope
 * (`{ error: { code, message, details, request_id } }`) by the app's error handler.
 *
 * @example
 * throw new ApiFailure(404, 'work.not_found', 'No work with ats_id 7 on testnet.');
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown> | undefined,
    readonly headers?: Record<string, string> | undefined,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** True for an `ApiFailure`. */
export function isApiFailure(error: unknown): error is ApiFailure {
  return error instanceof ApiFailure;
}
