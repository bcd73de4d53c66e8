import { AtsAbortError, AtsApiError, AtsConnectionError } from '../errors';

// 429 codes that announce a long wait (a quota period, a key cap), not a moment's throttling:
// a retry a few seconds later can only fail the same way.
const NON_TRANSIENT_429_CODES = new Set(['common.quota_exceeded', 'api_key.limit_reached']);

/**
 * Whether a failed attempt may pass if sent again: no answer (network error, timeout), `408`,
 * `429` throttling, any `5xx`, and `409 common.idempotency_in_progress` (the first call with that
 * key is still running). Never an abort, a `409 common.idempotency_conflict`, another `4xx`, or an
 * `invalid_response`. The method check (POST only when idempotent) is the caller's.
 *
 * @example
 * if (isRetryableError(err) && attempt <= maxRetries) await backoff(attempt);
 */
export function isRetryableError(error: unknown): boolean {
  if (AtsAbortError.is(error)) return false;
  if (AtsApiError.is(error)) {
    const { status, code } = error;
    if (status === 408 || status >= 500) return true;
    if (status === 429) return !NON_TRANSIENT_429_CODES.has(code);
    return status === 409 && code === 'common.idempotency_in_progress';
  }
  return AtsConnectionError.is(error);
}
