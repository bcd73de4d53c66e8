import { IdempotencyKeySchema, type RequestOptions as TransportCall } from '@ats-kit/core';
import { parseRequestBody } from './request-body';

/** Options every client method takes. */
export interface RequestOptions {
  /** Cancels the call (and its retries); it then rejects with `AtsAbortError`. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeout` (one attempt, milliseconds) for this call. */
  timeout?: number | undefined;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number | undefined;
}

/** Options of the init calls, which the API deduplicates by `Idempotency-Key` (api.md §13). */
export interface IdempotentRequestOptions extends RequestOptions {
  /**
   * Your own `Idempotency-Key` (1–255 printable ASCII), e.g. stored to resume a call after a
   * restart. Default: a UUID v4 minted once per call and sent on each of its retries.
   */
  idempotencyKey?: string | undefined;
}

/** The transport fields of a call's options, leaving out the ones not given. */
export function transportCallOptions(
  options: RequestOptions | undefined,
): Pick<TransportCall, 'signal' | 'timeoutMs' | 'maxRetries'> {
  const out: Pick<TransportCall, 'signal' | 'timeoutMs' | 'maxRetries'> = {};
  if (options?.signal) out.signal = options.signal;
  if (options?.timeout !== undefined) out.timeoutMs = options.timeout;
  if (options?.maxRetries !== undefined) out.maxRetries = options.maxRetries;
  return out;
}

/**
 * The transport fields of an init call: idempotent (the transport mints one key per call), with the
 * caller's own key when given, checked locally (1–255 printable ASCII).
 */
export function idempotentCallOptions(
  options: IdempotentRequestOptions | undefined,
): Pick<TransportCall, 'signal' | 'timeoutMs' | 'maxRetries' | 'idempotent' | 'idempotencyKey'> {
  const key = options?.idempotencyKey;
  return {
    idempotent: true,
    ...(key !== undefined
      ? {
          idempotencyKey: parseRequestBody(IdempotencyKeySchema, key, 'idempotencyKey', {
            '': 'idempotencyKey',
          }),
        }
      : {}),
    ...transportCallOptions(options),
  };
}
