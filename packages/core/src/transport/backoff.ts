// Waiting between attempts: exponential backoff with full jitter, or the server's Retry-After,
// and a sleep that an AbortSignal ends at once. Shared by the API transport and the upload.
import { AtsAbortError } from '../errors';

/** First backoff step. */
export const BACKOFF_BASE_MS = 500;
/** Largest backoff step, before jitter. */
export const BACKOFF_CAP_MS = 8_000;
/**
 * Longest `Retry-After` the client waits for by itself. A server asking for more (a quota window,
 * say) gets the error surfaced instead, with `retryAfterSeconds` for the caller to decide.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Waits `ms`; may end early, rejecting, when `signal` fires. Injectable for tests. */
export type SleepFunction = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Backoff before retry number `retry` (1 for the first retry): a uniform draw in
 * `[0, min(cap, base × 2^(retry-1)))` ("full jitter"), which spreads clients that failed together.
 *
 * @example
 * computeBackoffDelayMs(1, Math.random); // 0–500 ms
 * computeBackoffDelayMs(3, () => 0.5);   // 1000 ms
 */
export function computeBackoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.floor(draw * ceiling);
}

/**
 * The wait before retry number `retry`: the server's `Retry-After` when it gave one (exactly, no
 * jitter: it knows when it will be ready), else the jittered backoff. `undefined` when the server
 * asks for more than `MAX_RETRY_AFTER_MS`, meaning "do not retry".
 *
 * @example
 * retryDelayMs(1, 2, Math.random); // 2000
 */
export function retryDelayMs(
  retry: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds)) {
    return computeBackoffDelayMs(retry, random);
  }
  const ms = Math.max(0, retryAfterSeconds * 1000);
  return ms > MAX_RETRY_AFTER_MS ? undefined : ms;
}

/** `setTimeout` as a promise, cleared when `signal` fires. The default `SleepFunction`. */
export const timerSleep: SleepFunction = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Sleeps with `sleep`, but rejects with `AtsAbortError` the moment `signal` fires, even when an
 * injected `sleep` ignores the signal.
 *
 * @example
 * await sleepUnlessAborted(timerSleep, 1_000, signal, 'Upload aborted');
 */
export function sleepUnlessAborted(
  sleep: SleepFunction,
  ms: number,
  signal: AbortSignal | undefined,
  abortMessage: string,
): Promise<void> {
  const aborted = () => new AtsAbortError(abortMessage, { cause: signal?.reason });
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    sleep(ms, signal).then(
      () => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(aborted());
        else resolve();
      },
      (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? aborted() : error);
      },
    );
  });
}
