import {
  AtsAbortError,
  AtsTimeoutError,
  AtsTransactionFailedError,
  type ConfirmResponse,
  type SleepFunction,
  type TrackingProgress,
  type TransactionOutcome,
  type TransactionStatus,
  TransactionStatusSchema,
  trackTransaction,
  type WebSocketConstructor,
} from '@ats-kit/core';
import WebSocket from 'ws';
import type { ClientContext } from './client-context';
import { checkUuid, segment } from './path-params';
import { type RequestOptions, transportCallOptions } from './request-options';

/** A transaction to wait for: its id, or a confirm answer (whose `ws_url`/`status_url` are used). */
export type TransactionRef =
  | string
  | (Pick<ConfirmResponse, 'transaction_id'> &
      Partial<Pick<ConfirmResponse, 'ws_url' | 'status_url'>>);

/** Options of `transactions.wait`. */
export interface WaitForTransactionOptions {
  /** Stops waiting (rejects with `AtsAbortError`); the transaction goes on on the server. */
  signal?: AbortSignal | undefined;
  /**
   * Called once per step reached (`{ step, progress, description, via }`); progress never goes
   * back and nothing follows `completed` or `failed`.
   */
  onUpdate?: ((progress: TrackingProgress) => void) | undefined;
  /** Polling interval for the first 30 s (then it doubles up to 10 s). Default 2 000 ms. */
  pollIntervalMs?: number | undefined;
  /** Budget of the whole wait. Default 600 000 ms (10 min); `Infinity` waits for ever. */
  timeoutMs?: number | undefined;
  /** Follow the WebSocket first (default true); false polls only. */
  webSocket?: boolean | undefined;
  /** Reject with `AtsTransactionFailedError` when the transaction fails. Default false. */
  throwOnFailure?: boolean | undefined;
  /** Waits between polls; inject for tests. Default: `setTimeout`. */
  sleep?: SleepFunction | undefined;
}

export const DEFAULT_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 600_000;
// api.md §7.1: poll every 2 s, backing off after 30 s.
const POLL_BACKOFF_AFTER_MS = 30_000;
const MAX_POLL_INTERVAL_MS = 10_000;
// The API pings every 25 s: two missed pings and the socket is taken for dead.
const SOCKET_IDLE_TIMEOUT_MS = 60_000;
const MAX_TIMER_MS = 2_147_483_647;
const TERMINAL_STEPS: readonly string[] = ['completed', 'failed'];

/**
 * `client.transactions`: the chain transactions that confirms start (api.md §7). These routes
 * take no credential (knowing the id is the permission), so the API key is not sent.
 */
export class Transactions {
  readonly #context: ClientContext;
  readonly #webSocket: WebSocketConstructor;

  /** @internal Created by `AtsClient`. */
  constructor(context: ClientContext, webSocket: WebSocketConstructor = WebSocket) {
    this.#context = context;
    this.#webSocket = webSocket;
  }

  /**
   * `GET /v1/transactions/{id}`: the current step, progress and, once complete, the result.
   *
   * @example
   * const status = await client.transactions.get(transaction_id);
   * if (status.is_complete) console.log(status.result?.ats_id);
   */
  async get(transactionId: string, options?: RequestOptions): Promise<TransactionStatus> {
    const id = checkTransactionId(transactionId);
    return this.#context.anonymous.request({
      method: 'GET',
      path: `/v1/transactions/${segment(id)}`,
      schema: TransactionStatusSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * Waits until a transaction ends and resolves with how it ended: `{ success, step, result,
   * status }` (`status` is the status route's answer when the end was read there). Progress
   * streams over the WebSocket (the `ws` package); when the socket cannot open, drops, reports an
   * error or goes silent, it polls the status route (every 2 s, backing off after 30 s). This is
   * the core engine's tracker, so `works.register` will follow transactions the same way. A
   * failed transaction resolves with `success: false` (its debit refunded), unless
   * `throwOnFailure` is set. Rejects with `AtsAbortError` (signal), `AtsTimeoutError`
   * (`timeoutMs`) or the status route's error (e.g. `NotFoundError` `transaction.not_found`).
   *
   * @example
   * const { transaction_id } = await client.works.confirm(job_id);
   * const outcome = await client.transactions.wait(transaction_id, {
   *   onUpdate: ({ step, progress }) => console.log(step, progress),
   * });
   * if (outcome.success) console.log('ats_id', outcome.result.ats_id);
   */
  async wait(
    transaction: TransactionRef,
    options: WaitForTransactionOptions = {},
  ): Promise<TransactionOutcome> {
    const ref = typeof transaction === 'string' ? { transaction_id: transaction } : transaction;
    const id = checkTransactionId(ref?.transaction_id);
    const { signal } = options;
    if (signal?.aborted) throw abortError(id, signal);
    const logger = this.#context.logger;

    // The deadline covers the socket phase too, so it is a timer that cancels the whole wait.
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const run = new AbortController();
    let timedOut = false;
    const timer =
      Number.isFinite(timeoutMs) && timeoutMs <= MAX_TIMER_MS
        ? setTimeout(
            () => {
              timedOut = true;
              run.abort();
            },
            Math.max(0, timeoutMs),
          )
        : undefined;
    const forwardAbort = () => run.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });

    try {
      const outcome = await trackTransaction({
        transport: this.#context.anonymous,
        transactionId: id,
        wsUrl: ref.ws_url,
        statusUrl: ref.status_url,
        webSocket: options.webSocket === false ? null : this.#webSocket,
        signal: run.signal,
        sleep: options.sleep ?? this.#context.sleep ?? timerSleep,
        timers: {
          setTimeout: (callback, ms) => setTimeout(callback, ms),
          clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
        },
        now: Date.now,
        intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        backoffAfterMs: POLL_BACKOFF_AFTER_MS,
        maxIntervalMs: MAX_POLL_INTERVAL_MS,
        socketIdleTimeoutMs: SOCKET_IDLE_TIMEOUT_MS,
        onUpdate: forwardProgress(options.onUpdate),
        onFallback: (reason) =>
          logger?.info?.('Transaction socket unavailable; polling the status route', {
            transactionId: id,
            reason,
          }),
      });
      if (options.throwOnFailure && !outcome.success) {
        throw new AtsTransactionFailedError({
          transactionId: id,
          code: outcome.result.error?.code,
          serverMessage: outcome.result.error?.message,
          result: outcome.result,
        });
      }
      return outcome;
    } catch (error) {
      if (timedOut) {
        throw new AtsTimeoutError(
          `Transaction ${id} did not end within ${timeoutMs} ms; it goes on on the server: wait again with a larger timeoutMs, or rely on the webhook`,
          { timeoutMs, cause: error },
        );
      }
      if (signal?.aborted) throw abortError(id, signal);
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    }
  }
}

/**
 * Passes each step on once: the socket repeats the current step when it connects and every poll
 * repeats it, so a step (and progress value) already shown, a progress below one already shown,
 * and anything after a terminal step are dropped.
 */
function forwardProgress(
  onUpdate: ((progress: TrackingProgress) => void) | undefined,
): (progress: TrackingProgress) => void {
  const seen = new Set<string>();
  let highest = Number.NEGATIVE_INFINITY;
  let ended = false;
  return (progress) => {
    const key = `${progress.step}\u0000${progress.progress}`;
    if (ended || seen.has(key) || progress.progress < highest) return;
    seen.add(key);
    highest = progress.progress;
    ended = TERMINAL_STEPS.includes(progress.step);
    onUpdate?.(progress);
  };
}

function checkTransactionId(value: unknown): string {
  return checkUuid(value, 'transactionId', 'the transaction_id that confirm returned');
}

function abortError(id: string, signal: AbortSignal): AtsAbortError {
  return new AtsAbortError(`Waiting for transaction ${id} was aborted`, { cause: signal.reason });
}

const timerSleep: SleepFunction = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
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
