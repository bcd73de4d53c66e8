import { AtsError } from './ats-error';

/** Options of the connection-level errors. */
export interface AtsConnectionErrorOptions {
  cause?: unknown;
  requestId?: string | undefined;
}

/**
 * The request did not get an HTTP answer: DNS, TCP, TLS or a dropped connection. The low-level
 * failure is the `cause`. Code `connection_failed`.
 *
 * @example
 * throw new AtsConnectionError('Could not reach the ATS API', { cause: err });
 */
export class AtsConnectionError extends AtsError {
  static override readonly kind: string = 'AtsConnectionError';

  constructor(message?: string, options: AtsConnectionErrorOptions & { code?: string } = {}) {
    super(message ?? 'Connection to the ATS API failed', {
      code: options.code ?? 'connection_failed',
      requestId: options.requestId,
      cause: options.cause,
    });
  }
}

/**
 * The request or operation exceeded its time budget (`timeoutMs`). Code `timeout`. A subclass of
 * `AtsConnectionError`, so retry logic that handles one handles both.
 *
 * @example
 * throw new AtsTimeoutError(undefined, { timeoutMs: 30_000 });
 */
export class AtsTimeoutError extends AtsConnectionError {
  static override readonly kind: string = 'AtsTimeoutError';

  readonly timeoutMs: number;

  constructor(
    message: string | undefined,
    options: AtsConnectionErrorOptions & { timeoutMs: number },
  ) {
    super(
      message ??
        `The request timed out after ${options.timeoutMs} ms; raise the timeout option or retry`,
      { code: 'timeout', requestId: options.requestId, cause: options.cause },
    );
    this.timeoutMs = options.timeoutMs;
  }
}

/**
 * The caller aborted the operation through its `AbortSignal`. Code `aborted`. `isAbortError`
 * also recognises the platform's own `AbortError`s.
 *
 * @example
 * if (signal.aborted) throw new AtsAbortError('Upload aborted', { cause: signal.reason });
 */
export class AtsAbortError extends AtsError {
  static override readonly kind: string = 'AtsAbortError';

  constructor(message?: string, options: AtsConnectionErrorOptions = {}) {
    super(message ?? 'The operation was aborted', {
      code: 'aborted',
      requestId: options.requestId,
      cause: options.cause,
    });
  }
}

/**
 * True for an `AtsAbortError` and for the platform's abort errors (a `DOMException` or Node error
 * named `AbortError`), so callers can treat a user cancellation as such and not as a failure.
 *
 * @example
 * try { await upload(file, { signal }); } catch (e) { if (!isAbortError(e)) throw e; }
 */
export function isAbortError(value: unknown): boolean {
  if (AtsAbortError.is(value)) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'AbortError'
  );
}
