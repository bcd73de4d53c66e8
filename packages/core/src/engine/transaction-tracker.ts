// Following a transaction to its end (api.md §7): the WebSocket first, the status route when the
// socket cannot open, drops, reports an error, or ends without details; polling as the fallback.
import { AtsAbortError, AtsError, isAbortError } from '../errors';
import {
  type TransactionFrame,
  TransactionFrameSchema,
  type TransactionResult,
  type TransactionStatus,
  TransactionStatusSchema,
  type TransactionStep,
  type TransactionUpdateDetails,
} from '../schemas';
import { isRetryableError, type SleepFunction, type Transport, toWebSocketUrl } from '../transport';
import { sleepUnlessAborted } from '../transport/backoff';
import type {
  EngineTimers,
  TrackingChannel,
  TrackingProgress,
  WebSocketConstructor,
} from './types';

/** How a transaction ended. */
export interface TransactionOutcome {
  success: boolean;
  step: TransactionStep;
  /** The server's result; fields it did not send are null. */
  result: TransactionResult;
  /** The status route's answer, when the end was read there. */
  status: TransactionStatus | null;
}

/** Options of `trackTransaction`. */
export interface TrackTransactionOptions {
  transport: Transport;
  transactionId: string;
  /** `ws_url` from confirm (relative to the API base); default the canonical route. */
  wsUrl?: string | null | undefined;
  /** `status_url` from confirm; default the canonical route. */
  statusUrl?: string | null | undefined;
  /** `null`: poll only. */
  webSocket: WebSocketConstructor | null;
  signal: AbortSignal;
  sleep: SleepFunction;
  timers: EngineTimers;
  now: () => number;
  intervalMs: number;
  backoffAfterMs: number;
  maxIntervalMs: number;
  socketIdleTimeoutMs: number;
  /** Absolute deadline (`now()` units) after which tracking fails with `tracking_timeout`. */
  deadline?: number | undefined;
  onUpdate(progress: TrackingProgress): void;
  onFallback(reason: string): void;
}

// Consecutive failed polls (after the transport's own retries) tolerated before giving up.
const MAX_FAILED_POLLS = 5;
const TERMINAL_STEPS = new Set(['completed', 'failed']);

/**
 * Follows a transaction until `completed` or `failed` and returns how it ended. Tries the
 * WebSocket (`ws_url`) when an implementation is given, parsing frames with the core schema and
 * ignoring unparsable or unknown ones; a terminal frame without `details` is completed from the
 * status route; a socket that cannot open, closes early, sends `error` or `not_found`, or stays
 * silent for `socketIdleTimeoutMs` hands over to polling the status route. Rejects with
 * `AtsAbortError` when `signal` fires (the socket and timers are torn down first).
 *
 * @example
 * const outcome = await trackTransaction({ transport, transactionId, webSocket: WebSocket, ... });
 * if (!outcome.success) console.error(outcome.result.error);
 */
export async function trackTransaction(
  options: TrackTransactionOptions,
): Promise<TransactionOutcome> {
  const { signal } = options;
  throwIfAborted(signal);
  const wsPath = options.wsUrl ?? `/v1/ws/transactions/${options.transactionId}`;
  if (options.webSocket) {
    const ended = await followSocket(options, toWebSocketUrl(options.transport.baseUrl, wsPath));
    throwIfAborted(signal);
    if (ended.kind === 'terminal') {
      const { frame } = ended;
      if (frame.details) return outcomeFromDetails(frame.step, frame.details);
      // "A terminal frame without details means: read the status route."
      const status = await readStatus(options);
      if (status.is_complete) return outcomeFromStatus(status);
      options.onFallback('the terminal frame had no details and the status route is not final');
    } else {
      options.onFallback(ended.reason);
    }
  }
  return poll(options);
}

type UpdateFrame = Extract<TransactionFrame, { type: 'update' }>;
type SocketEnd = { kind: 'terminal'; frame: UpdateFrame } | { kind: 'fallback'; reason: string };

function followSocket(options: TrackTransactionOptions, url: string): Promise<SocketEnd> {
  const { signal, timers } = options;
  return new Promise<SocketEnd>((resolve) => {
    let socket: ReturnType<typeof open>;
    let opened = false;
    let done = false;
    let idleTimer: unknown;
    const ignore = () => {};

    const finish = (end: SocketEnd) => {
      if (done) return;
      done = true;
      timers.clearTimeout(idleTimer);
      signal.removeEventListener('abort', onAbort);
      if (socket) {
        // Handlers stay attached as no-ops: `ws` emits an error when closing a connecting socket,
        // and an EventEmitter error without a listener would be thrown.
        socket.onopen = ignore;
        socket.onmessage = ignore;
        socket.onerror = ignore;
        socket.onclose = ignore;
        try {
          socket.close(1000);
        } catch {
          // Already closed or closing.
        }
      }
      resolve(end);
    };
    const onAbort = () => finish({ kind: 'fallback', reason: 'aborted' });
    const armIdleTimer = () => {
      timers.clearTimeout(idleTimer);
      idleTimer = timers.setTimeout(
        () =>
          finish({
            kind: 'fallback',
            reason: `the socket was silent for ${options.socketIdleTimeoutMs} ms`,
          }),
        options.socketIdleTimeoutMs,
      );
    };

    function open() {
      try {
        return new (options.webSocket as WebSocketConstructor)(url);
      } catch {
        return undefined;
      }
    }
    socket = open();
    if (!socket) {
      finish({ kind: 'fallback', reason: 'the socket could not be created' });
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    armIdleTimer();
    socket.onopen = () => {
      opened = true;
      armIdleTimer();
    };
    socket.onmessage = ((event: { data: unknown }) => {
      armIdleTimer();
      const frame = parseFrame(event.data);
      if (!frame) return;
      switch (frame.type) {
        case 'update':
          options.onUpdate(progressOf(frame, 'websocket'));
          if (TERMINAL_STEPS.has(frame.step)) finish({ kind: 'terminal', frame });
          return;
        case 'error':
          finish({ kind: 'fallback', reason: `the socket reported ${frame.error.code}` });
          return;
        case 'not_found':
          finish({ kind: 'fallback', reason: 'the socket did not know the transaction' });
          return;
        default:
          return;
      }
    }) as never;
    socket.onerror = (() => {
      if (!opened) finish({ kind: 'fallback', reason: 'the socket could not open' });
      // Once open, the close event that follows says the rest.
    }) as never;
    socket.onclose = ((event: { code?: unknown }) => {
      finish({
        kind: 'fallback',
        reason: opened
          ? `the socket closed (code ${String(event?.code ?? 'none')}) before the end`
          : 'the socket could not open',
      });
    }) as never;
  });
}

/** Parses a frame; anything unparsable or of an unknown type gives `undefined`. */
function parseFrame(data: unknown): TransactionFrame | undefined {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const view =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    text = new TextDecoder().decode(view);
  } else return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = TransactionFrameSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

async function poll(options: TrackTransactionOptions): Promise<TransactionOutcome> {
  const { signal } = options;
  const startedAt = options.now();
  let interval = options.intervalMs;
  let failures = 0;
  for (;;) {
    throwIfAborted(signal);
    let status: TransactionStatus | undefined;
    try {
      status = await readStatus(options);
      failures = 0;
    } catch (error) {
      if (signal.aborted || isAbortError(error)) throw error;
      failures += 1;
      // A transient failure (the transport already retried) is worth another poll later.
      if (!isRetryableError(error) || failures > MAX_FAILED_POLLS) throw error;
    }
    if (status) {
      options.onUpdate(progressOfStatus(status));
      if (status.is_complete) return outcomeFromStatus(status);
    }
    const now = options.now();
    if (options.deadline !== undefined && now >= options.deadline) {
      throw new AtsError(
        `Transaction ${options.transactionId} did not end within the tracking time; it goes on on the server: track it again later`,
        { code: 'tracking_timeout' },
      );
    }
    if (now - startedAt >= options.backoffAfterMs) {
      interval = Math.min(interval * 2, options.maxIntervalMs);
    }
    await sleepUnlessAborted(options.sleep, interval, signal, 'Tracking aborted');
  }
}

function readStatus(options: TrackTransactionOptions): Promise<TransactionStatus> {
  return options.transport.request({
    method: 'GET',
    path: statusPath(options),
    schema: TransactionStatusSchema,
    signal: options.signal,
  });
}

/**
 * Reads the status route once (e.g. to learn a tracked transaction's type and network after a
 * socket gave the end without them).
 */
export function readTransactionStatus(
  options: TrackTransactionOptions,
): Promise<TransactionStatus> {
  return readStatus(options);
}

/**
 * The server's `status_url` when it is relative or on the API's own origin; else the canonical
 * route, so credentials never go to a host other than the API's.
 */
function statusPath(options: TrackTransactionOptions): string {
  const canonical = `/v1/transactions/${options.transactionId}`;
  const given = options.statusUrl;
  if (!given) return canonical;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(given)) return given;
  try {
    return new URL(given).origin === new URL(options.transport.baseUrl).origin ? given : canonical;
  } catch {
    return canonical;
  }
}

function progressOf(frame: UpdateFrame, via: TrackingChannel): TrackingProgress {
  return { step: frame.step, progress: frame.progress, description: frame.description, via };
}

function progressOfStatus(status: TransactionStatus): TrackingProgress {
  return {
    step: status.current_step,
    progress: status.progress,
    description: status.description,
    via: 'polling',
  };
}

function outcomeFromDetails(
  step: TransactionStep,
  details: TransactionUpdateDetails,
): TransactionOutcome {
  const success = details.success ?? step === 'completed';
  const { success: _ignored, ...facts } = details;
  return { success, step, result: { success, ...facts }, status: null };
}

function outcomeFromStatus(status: TransactionStatus): TransactionOutcome {
  const success = status.result?.success ?? status.current_step === 'completed';
  const result: TransactionResult = status.result ?? {
    success,
    tx_hash: null,
    block_number: null,
    block_hash: null,
    ats_id: null,
    work_id: null,
    version: null,
    explorer_url: null,
    access_code: null,
    error: null,
  };
  return { success, step: status.current_step, result, status };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AtsAbortError('Tracking aborted', { cause: signal.reason });
}
