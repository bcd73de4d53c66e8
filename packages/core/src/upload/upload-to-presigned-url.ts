import { prepareUploadSource } from '#upload-engine';
import {
  AtsAbortError,
  AtsError,
  AtsFileTooLargeError,
  AtsUploadError,
  AtsValidationError,
} from '../errors';
import { raceAbort } from '../hashing/abort-signal';
import { retryDelayMs, sleepUnlessAborted, timerSleep } from '../transport/backoff';
import { UploadProgressReporter } from './progress-reporter';
import { storeAnswerError } from './store-error';
import type {
  PreparedUploadSource,
  StoreAnswer,
  UploadOptions,
  UploadResult,
  UploadSource,
} from './types';

const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_STALL_TIMEOUT_MS = 30_000;
const ABORT_MESSAGE = 'The upload was aborted';

/**
 * Uploads a file to a presigned `upload_url` (init's answer) in one streamed PUT, as the store
 * expects (api.md §5.2). Checks `maxBytes` before sending anything; retries network errors, 5xx
 * (`503 SlowDown`), 408, 429 and stalls with backoff; reports throttled progress; with
 * `hash: true` returns the media hash (in Node computed in the same pass, the file read once per
 * attempt). Fails with `AtsUploadError` (`upload_failed`, `upload_stalled`, `upload_expired`:
 * restart from init, `upload_rejected`), `AtsFileTooLargeError` or `AtsAbortError`.
 *
 * @example
 * const { etag, mediaHash } = await uploadToPresignedUrl(init.upload_url, './song.wav', {
 *   hash: true, maxBytes: 500_000_000, onProgress: ({ bytes, total }) => bar.set(bytes / total),
 * });
 */
export async function uploadToPresignedUrl(
  url: string | URL,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const uploadUrl = checkUploadUrl(url);
  const maxRetries = checkNonNegativeInteger(
    options.maxRetries ?? DEFAULT_MAX_RETRIES,
    'maxRetries',
  );
  const stallTimeoutMs = checkPositive(
    options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    'stallTimeoutMs',
  );
  if (options.maxBytes !== undefined) checkNonNegativeInteger(options.maxBytes, 'maxBytes');
  const { signal } = options;
  if (signal?.aborted) throw new AtsAbortError(ABORT_MESSAGE, { cause: signal.reason });

  const prepared = await prepareUploadSource(source);
  if (options.maxBytes !== undefined && prepared.sizeBytes > options.maxBytes) {
    throw new AtsFileTooLargeError({
      sizeBytes: prepared.sizeBytes,
      maxBytes: options.maxBytes,
      source: options.maxBytesSource,
    });
  }
  const contentType = options.contentType ?? (prepared.contentType || 'application/octet-stream');
  const progress = new UploadProgressReporter(prepared.sizeBytes, options.onProgress);
  const sleep = options.sleep ?? timerSleep;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new AtsAbortError(ABORT_MESSAGE, { cause: signal.reason });
    if (attempt > 1) progress.restart();
    let answer: StoreAnswer;
    try {
      answer = await attemptWithStallWatch(prepared, {
        url: uploadUrl,
        contentType,
        hash: options.hash === true,
        stallTimeoutMs,
        signal,
        onBytesSent: (bytes) => progress.update(bytes),
      });
    } catch (error) {
      if (signal?.aborted) throw new AtsAbortError(ABORT_MESSAGE, { cause: signal.reason });
      const failure = toUploadError(error);
      await backOffOrThrow(failure, attempt);
      continue;
    }
    if (answer.status >= 200 && answer.status < 300) {
      // A browser hash may still be running: wait for it, but not past a caller's abort.
      const mediaHash =
        answer.mediaHash === undefined
          ? undefined
          : await raceAbort(Promise.resolve(answer.mediaHash), signal);
      progress.finish();
      return {
        ...(answer.headers.etag ? { etag: answer.headers.etag } : {}),
        sizeBytes: prepared.sizeBytes,
        ...(mediaHash ? { mediaHash } : {}),
      };
    }
    const retryAfter = answer.headers['retry-after']?.trim() ?? '';
    const retryAfterSeconds = /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    await backOffOrThrow(storeAnswerError(answer.status, answer.body), attempt, retryAfterSeconds);
  }

  /** Waits before the next attempt, or throws `failure` when it must not be retried. */
  async function backOffOrThrow(
    failure: AtsError,
    attempt: number,
    retryAfterSeconds?: number,
  ): Promise<void> {
    const retryable = AtsUploadError.is(failure) && failure.retryable;
    if (!retryable || attempt > maxRetries) throw failure;
    if (!prepared.canRetry()) throw withOneShotNote(failure as AtsUploadError);
    const delayMs = retryDelayMs(attempt, retryAfterSeconds, options.random);
    if (delayMs === undefined) throw failure;
    await sleepUnlessAborted(sleep, delayMs, signal, ABORT_MESSAGE);
  }
}

interface WatchedAttempt {
  url: string;
  contentType: string;
  hash: boolean;
  stallTimeoutMs: number;
  signal: AbortSignal | undefined;
  onBytesSent(bytes: number): void;
}

class StallDetected extends Error {
  override readonly name = 'StallDetected';
}

/**
 * One attempt, aborted by the caller's signal or when no byte is accepted and no answer comes for
 * `stallTimeoutMs` since the byte count last grew. A growing count only records the time; the one
 * timer, when it fires, checks that time and waits out the rest (re-arming a timer per chunk
 * showed up in upload profiles).
 */
async function attemptWithStallWatch(prepared: PreparedUploadSource, watch: WatchedAttempt) {
  const controller = new AbortController();
  const { stallTimeoutMs } = watch;
  let stalled = false;
  let lastProgressAt = performance.now();
  const checkStall = () => {
    const idleMs = performance.now() - lastProgressAt;
    if (idleMs < stallTimeoutMs) {
      timer = setTimeout(checkStall, stallTimeoutMs - idleMs);
      return;
    }
    stalled = true;
    controller.abort(new StallDetected(`No progress for ${stallTimeoutMs} ms`));
  };
  let timer = setTimeout(checkStall, stallTimeoutMs);
  const forwardAbort = () => controller.abort(watch.signal?.reason);
  watch.signal?.addEventListener('abort', forwardAbort, { once: true });
  let lastBytes = 0;
  try {
    return await prepared.send({
      url: watch.url,
      contentType: watch.contentType,
      hash: watch.hash,
      signal: controller.signal,
      onBytesSent: (bytes) => {
        if (controller.signal.aborted) return;
        if (bytes > lastBytes) {
          lastBytes = bytes;
          lastProgressAt = performance.now();
        }
        watch.onBytesSent(bytes);
      },
    });
  } catch (error) {
    if (stalled && !watch.signal?.aborted) {
      throw new AtsUploadError(
        `The upload stalled: no byte was accepted for ${stallTimeoutMs} ms (after ${lastBytes} of ${prepared.sizeBytes} bytes)`,
        { code: 'upload_stalled', cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    watch.signal?.removeEventListener('abort', forwardAbort);
  }
}

/** Engine rejections that are not ours yet are network failures. */
function toUploadError(error: unknown): AtsError {
  if (AtsError.is(error)) return error as AtsError;
  const code = (error as { code?: unknown } | undefined)?.code;
  const detail = typeof code === 'string' ? ` (${code})` : '';
  return new AtsUploadError(
    `The upload failed before the store answered${detail}; check the network and retry`,
    { code: 'upload_failed', cause: error },
  );
}

function withOneShotNote(error: AtsUploadError): AtsUploadError {
  return new AtsUploadError(
    `${error.message}. Not retried: the source is a stream that was already read; pass { stream: () => freshStream(), size } to allow retries`,
    {
      code: error.code,
      status: error.status,
      s3Code: error.s3Code,
      requestId: error.requestId,
      retryable: error.retryable,
      cause: error,
    },
  );
}

function checkUploadUrl(url: string | URL): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:'))
    return parsed.toString();
  // The URL itself is a credential: the message never quotes it.
  throw new AtsValidationError('Invalid upload URL', {
    issues: [
      {
        path: 'url',
        code: 'invalid_format',
        message: 'must be the absolute http(s) upload_url returned by init, used unchanged',
      },
    ],
  });
}

function checkNonNegativeInteger(value: number, path: string): number {
  if (Number.isInteger(value) && value >= 0) return value;
  throw new AtsValidationError('Invalid upload options', {
    issues: [{ path, code: 'invalid_value', message: 'must be a whole number ≥ 0' }],
  });
}

function checkPositive(value: number, path: string): number {
  if (Number.isFinite(value) && value > 0 && value <= 2_147_483_647) return value;
  throw new AtsValidationError('Invalid upload options', {
    issues: [{ path, code: 'invalid_value', message: 'must be a positive number of milliseconds' }],
  });
}
