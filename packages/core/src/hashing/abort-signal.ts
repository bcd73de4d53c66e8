// Turning an AbortSignal into AtsAbortError, so a cancelled hash is never mistaken for a failure.
import { AtsAbortError } from '../errors';

/** The error to throw once `signal` has fired; the signal's reason becomes the cause. */
export function abortErrorFrom(signal: AbortSignal): AtsAbortError {
  return new AtsAbortError('Hashing the media was aborted', { cause: signal.reason });
}

/** Throws `AtsAbortError` when `signal` has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortErrorFrom(signal);
}

/**
 * Settles like `promise`, or rejects with `AtsAbortError` as soon as `signal` fires, so a stalled
 * source (a network stream that stopped sending) cannot keep an aborted hash waiting.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortErrorFrom(signal));
    // Attached first and always: once the abort has won, a later rejection of `promise` (the
    // cancelled source failing) must not surface as an unhandled rejection.
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
