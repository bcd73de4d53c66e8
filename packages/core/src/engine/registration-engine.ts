// The registration state machine shared by the Node SDK, the <ats-widget> element and the React
// hook: one object per registration UI or call site, a snapshot store (`getSnapshot` +
// `subscribe`, as React's useSyncExternalStore wants), typed events, and a promise API on top.
import type * as z from 'zod';
import { prepareUploadSource } from '#upload-engine';
import {
  AtsAbortError,
  AtsApiError,
  AtsError,
  AtsFileTooLargeError,
  AtsUploadError,
  AtsValidationError,
  isAbortError,
} from '../errors';
import { explainQuote, type QuoteExplanation } from '../fees';
import { hashMedia, type MediaInput } from '../hashing';
import { effectiveFileSizeLimit, type FileSizeLimit } from '../limits';
import type { Network } from '../networks';
import {
  type ConfirmResponse,
  ConfirmResponseSchema,
  type InitVersionResponse,
  InitVersionResponseSchema,
  InitWorkResponseSchema,
  ListWorksResponseSchema,
  StatsResponseSchema,
  WorkVersionsResponseSchema,
} from '../schemas';
import {
  createTransport,
  isRetryableError,
  type SleepFunction,
  type Transport,
} from '../transport';
import { timerSleep } from '../transport/backoff';
import { type UploadProgress, type UploadSource, uploadToPresignedUrl } from '../upload';
import { compareCommitment } from './commitment-check';
import {
  AtsCommitmentMismatchError,
  AtsConfirmOutcomeUnknownError,
  AtsQuoteDeclinedError,
  AtsRegistrationAbortedError,
  AtsTransactionFailedError,
} from './errors';
import { planRequest, type RequestPlan } from './request-plan';
import {
  readTransactionStatus,
  type TrackTransactionOptions,
  type TransactionOutcome,
  trackTransaction,
} from './transaction-tracker';
import type {
  AbortReason,
  ActiveStatusKind,
  EngineTimers,
  PreparedQuote,
  RegisterRequest,
  RegistrationEngineEventName,
  RegistrationEngineEvents,
  RegistrationEngineOptions,
  RegistrationRequest,
  RegistrationResult,
  RegistrationSnapshot,
  RegistrationStatus,
  RegistrationWarning,
  ResumeRequest,
  TrackingProgress,
  TrackRequest,
  UpdateVersionRequest,
  VerifyCommitmentMode,
  WebSocketConstructor,
  WithoutOperation,
} from './types';

const DEFAULTS = {
  maxRestarts: 2,
  maxRequotes: 3,
  quoteExpiryMarginMs: 5_000,
  socketIdleTimeoutMs: 60_000,
  pollIntervalMs: 2_000,
  pollBackoffAfterMs: 30_000,
  pollMaxIntervalMs: 10_000,
  // Confirm answered 429 throttling: nothing happened, so it may be sent again (widget.md §8).
  confirmThrottleRetries: 2,
  // Confirms sent again after a lost answer, each only once prepare proved the job unconfirmed.
  lostConfirmRetries: 2,
  // Finality comes 13–26 s after confirm on testnet (api.md §7.3); the listing shows it then.
  confirmLookupTimeoutMs: 60_000,
  // Pages of the works listing searched (newest first) for a work whose confirm answer was lost.
  lookupPages: 3,
} as const;

const ACTIVE_KINDS = new Set<string>([
  'initializing',
  'uploading',
  'preparing',
  'awaiting-approval',
  'confirming',
  'tracking',
]);

const INITIAL_SNAPSHOT: RegistrationSnapshot = deepFreeze({
  status: { kind: 'idle' },
  operation: null,
  network: null,
  jobId: null,
  uploadExpiresAt: null,
  upload: null,
  quote: null,
  explanation: null,
  commitment: null,
  transactionId: null,
  tracking: null,
  result: null,
  error: null,
  confirmMayHaveSucceeded: false,
  restarts: 0,
  warnings: [],
} satisfies RegistrationSnapshot);

/** One run of the engine: a request from start to its end. */
interface Run {
  controller: AbortController;
  settled: boolean;
  promise: Promise<RegistrationResult>;
  resolve(result: RegistrationResult): void;
  reject(error: unknown): void;
  /** A confirm request is on the wire and unanswered. */
  confirmInFlight: boolean;
}

/** What a run knows about its job as it goes. */
interface JobContext {
  plan: RequestPlan;
  mode: VerifyCommitmentMode;
  jobId: string | null;
  /** The job came from `resume()`: it may have been confirmed elsewhere, never re-created. */
  resumed: boolean;
  /** A confirm was sent for this job. */
  confirmSent: boolean;
  mediaHash: string | null;
  /** An upload has read the media (a one-shot stream cannot be read again). */
  mediaConsumed: boolean;
  sizeBytes: number;
  limit: FileSizeLimit | null;
  restarts: number;
  requotes: number;
  /** The quote's `work_id` given to `resume()`, to find the work if the job was consumed. */
  expectedWorkId: string | null;
  /** `resume({ confirmNeverSent: true })`: a job found gone only expired. */
  confirmNeverSent: boolean;
  /**
   * Add-version jobs: the work's latest version at the first read of a lookup (undefined: not
   * read yet), to tell our version from older ones.
   */
  baselineVersion: number | undefined;
}

/** The outcome of one confirm request. */
type ConfirmAnswer =
  | { kind: 'accepted'; response: ConfirmResponse }
  /** `404 prepared_not_found`: this confirm did nothing (no live quote). */
  | { kind: 'no_live_quote' }
  /** No answer, a `5xx` or an unreadable answer: the confirm may or may not have happened. */
  | { kind: 'lost'; error: unknown };

/**
 * Thrown inside a run when a job turns out confirmed already (its confirm answer was lost, or it
 * was confirmed by an earlier process) and its transaction was found: the flow unwinds to
 * tracking that transaction. Never leaves the engine.
 */
class JobAlreadyConfirmed extends Error {
  constructor(readonly transactionId: string) {
    super(`The job was confirmed as transaction ${transactionId}`);
  }
}

/**
 * Creates a registration engine: the one state machine behind `client.works.register`, the
 * `<ats-widget>` element and `useAtsRegistration`. Create it once; `start()` / `run()` a request
 * (register, updateVersion, resume, track), read `getSnapshot()` and `subscribe()` for UI, `on()`
 * for typed events, `abort()` or `reset()` at any time.
 *
 * @example
 * const engine = createRegistrationEngine({ baseUrl, auth: { type: 'apiKey', apiKey }, webSocket: WebSocket });
 * engine.on('progress', ({ bytes, total }) => bar.set(bytes / total));
 * const result = await engine.run({ operation: 'register', network: 'testnet', title: 'Song',
 *   filename: 'song.wav', creators: [{ full_name: 'Ana', email: 'ana@example.com', roles: ['author'] }],
 *   media: './song.wav' });
 * console.log(result.ats_id, result.access_code);
 */
export function createRegistrationEngine(options: RegistrationEngineOptions): RegistrationEngine {
  return new RegistrationEngine(options);
}

/** See `createRegistrationEngine`. */
export class RegistrationEngine {
  readonly #options: RegistrationEngineOptions;
  readonly #transport: Transport;
  readonly #sleep: SleepFunction;
  readonly #timers: EngineTimers;
  readonly #now: () => number;
  readonly #webSocket: WebSocketConstructor | null;
  readonly #subscribers = new Set<() => void>();
  readonly #listeners = new Map<RegistrationEngineEventName, Set<(payload: never) => void>>();
  #snapshot: RegistrationSnapshot = INITIAL_SNAPSHOT;
  #run: Run | null = null;
  #detachSignal: (() => void) | undefined;

  constructor(options: RegistrationEngineOptions) {
    checkOptions(options);
    this.#options = options;
    this.#sleep = options.sleep ?? timerSleep;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.#transport =
      options.transport ??
      createTransport({
        baseUrl: options.baseUrl as string | URL,
        auth: options.auth ?? { type: 'none' },
        sleep: this.#sleep,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
    this.#webSocket =
      options.webSocket === undefined
        ? ((globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? null)
        : options.webSocket;
    const { signal } = options;
    if (signal) {
      const onAbort = () => this.abort(signal.reason);
      signal.addEventListener('abort', onAbort);
      this.#detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Store

  /**
   * The current snapshot: immutable, and the same object until something changes.
   *
   * @example
   * const snapshot = useSyncExternalStore(engine.subscribe, engine.getSnapshot);
   */
  readonly getSnapshot = (): RegistrationSnapshot => this.#snapshot;

  /**
   * Calls `listener` (no arguments) after every snapshot change; returns the unsubscribe function.
   *
   * @example
   * const unsubscribe = engine.subscribe(() => render(engine.getSnapshot()));
   */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#subscribers.add(listener);
    return () => {
      this.#subscribers.delete(listener);
    };
  };

  /**
   * Listens to one typed event; returns the function that removes the listener.
   *
   * @example
   * engine.on('quote', ({ explanation }) => show(explanation.debitCredits));
   */
  on<E extends RegistrationEngineEventName>(
    event: E,
    listener: (payload: RegistrationEngineEvents[E]) => void,
  ): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  // -------------------------------------------------------------------------------------------
  // Running

  /**
   * Starts a request and never throws: the outcome is in the snapshot and the events. Ignored
   * (with an `engine_busy` warning) while another run is in progress.
   *
   * @example
   * button.onclick = () => engine.start({ operation: 'register', ...form });
   */
  start(request: RegistrationRequest): void {
    if (this.#isBusy()) {
      this.#emit('warning', busyWarning());
      return;
    }
    this.startAsync(request).catch(() => {
      // Reported through the snapshot and the `failed` / `aborted` events.
    });
  }

  /**
   * Starts a request and returns its result. Rejects with the error that ended it: an abort or
   * a declined quote with an `AtsAbortError` (`AtsQuoteDeclinedError` for the latter), a busy
   * engine with `engine_busy`.
   *
   * @example
   * const result = await engine.startAsync({ operation: 'track', transactionId });
   */
  startAsync(request: RegistrationRequest): Promise<RegistrationResult> {
    if (this.#isBusy()) {
      return Promise.reject(
        new AtsError('A run is in progress; wait for it to end, or call abort() or reset() first', {
          code: 'engine_busy',
        }),
      );
    }
    const run = this.#beginRun(request);
    void this.#execute(run, request);
    return run.promise;
  }

  /**
   * Same as `startAsync`: runs a request to its end.
   *
   * @example
   * const { ats_id } = await engine.run({ operation: 'register', ...input });
   */
  run(request: RegistrationRequest): Promise<RegistrationResult> {
    return this.startAsync(request);
  }

  /**
   * Registers a work: init → upload → prepare → approval → confirm → tracking.
   *
   * @example
   * await engine.register({ network: 'mainnet', title, filename, creators, media: file });
   */
  register(input: WithoutOperation<RegisterRequest>): Promise<RegistrationResult> {
    return this.startAsync({ ...input, operation: 'register' });
  }

  /**
   * Adds a version to a work (by `atsId` or `accessCode`), with a new file or keeping the current.
   *
   * @example
   * await engine.updateVersion({ atsId: 7, network: 'testnet', creators });
   */
  updateVersion(input: WithoutOperation<UpdateVersionRequest>): Promise<RegistrationResult> {
    return this.startAsync({ ...input, operation: 'updateVersion' } as UpdateVersionRequest);
  }

  /**
   * Continues a job from `prepare` or `confirm` (after a reload or a lost answer).
   *
   * @example
   * await engine.resume({ jobId, stage: 'confirm', network: 'testnet' });
   */
  resume(input: WithoutOperation<ResumeRequest>): Promise<RegistrationResult> {
    return this.startAsync({ ...input, operation: 'resume' } as ResumeRequest);
  }

  /**
   * Follows a confirmed transaction to its end.
   *
   * @example
   * await engine.track({ transactionId });
   */
  track(input: WithoutOperation<TrackRequest>): Promise<RegistrationResult> {
    return this.startAsync({ ...input, operation: 'track' });
  }

  /**
   * Stops the current run at once: requests, upload, hashing, socket and timers are torn down
   * and the status becomes `aborted`. Nothing is confirmed after an abort; an abort while a
   * confirm is unanswered sets `confirmMayHaveSucceeded` (with `jobId`). No-op when idle.
   *
   * @example
   * cancelButton.onclick = () => engine.abort();
   */
  abort(reason?: unknown): void {
    const run = this.#run;
    if (!run || run.settled) return;
    this.#settleAborted(run, 'aborted', reason);
  }

  /**
   * Aborts any run and returns to `idle` with an empty snapshot.
   *
   * @example
   * engine.reset(); // "register another"
   */
  reset(): void {
    this.abort();
    this.#run = null;
    this.#replaceSnapshot(INITIAL_SNAPSHOT);
  }

  /**
   * Aborts any run, drops every listener and detaches from the `signal` option.
   *
   * @example
   * onUnmount(() => engine.dispose());
   */
  dispose(): void {
    this.abort();
    this.#subscribers.clear();
    this.#listeners.clear();
    this.#detachSignal?.();
  }

  // -------------------------------------------------------------------------------------------
  // Run lifecycle

  #isBusy(): boolean {
    return this.#run !== null && !this.#run.settled;
  }

  #beginRun(request: RegistrationRequest): Run {
    let resolve!: (result: RegistrationResult) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<RegistrationResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const run: Run = {
      controller: new AbortController(),
      settled: false,
      promise,
      resolve,
      reject,
      confirmInFlight: false,
    };
    this.#run = run;
    this.#commit(run, {
      ...INITIAL_SNAPSHOT,
      operation: request?.operation ?? null,
      status: this.#firstStatusOf(request),
    });
    return run;
  }

  #firstStatusOf(request: RegistrationRequest): RegistrationStatus {
    switch (request?.operation) {
      case 'track':
        return {
          kind: 'tracking',
          step: null,
          progress: 0,
          description: null,
          via: this.#webSocket ? 'websocket' : 'polling',
        };
      case 'resume':
        return { kind: request.stage === 'confirm' ? 'confirming' : 'preparing' };
      default:
        return { kind: 'initializing' };
    }
  }

  async #execute(run: Run, request: RegistrationRequest): Promise<void> {
    if (this.#options.signal?.aborted) {
      this.#settleAborted(run, 'aborted', this.#options.signal.reason);
      return;
    }
    try {
      const result = await this.#flow(run, request);
      if (run.settled) return;
      this.#commit(run, { status: { kind: 'completed', result }, result });
      run.settled = true;
      this.#emit('completed', result);
      run.resolve(result);
    } catch (error) {
      if (run.settled) return;
      if (AtsQuoteDeclinedError.is(error)) {
        this.#settleAborted(run, error.reason, undefined, error);
      } else if (run.controller.signal.aborted && isAbortError(error)) {
        this.#settleAborted(run, 'aborted', undefined, error as Error);
      } else {
        this.#settleFailed(run, toError(error));
      }
    }
  }

  #settleFailed(run: Run, error: Error): void {
    const current = this.#snapshot.status.kind;
    const at = (ACTIVE_KINDS.has(current) ? current : 'initializing') as ActiveStatusKind;
    this.#commit(run, { status: { kind: 'failed', error, at }, error });
    run.settled = true;
    // Anything still running for this run (a hash beside a failed upload) stops now.
    run.controller.abort(error);
    this.#emit('failed', { error, at });
    run.reject(error);
  }

  #settleAborted(run: Run, reason: AbortReason, cause?: unknown, error?: Error): void {
    const at = this.#snapshot.status.kind;
    const confirmMayHaveSucceeded = run.confirmInFlight || this.#snapshot.confirmMayHaveSucceeded;
    const jobId = this.#snapshot.jobId;
    // Once a confirm was accepted, the transaction runs on whatever the client does.
    const transactionId = at === 'tracking' ? this.#snapshot.transactionId : null;
    const failure =
      error ??
      new AtsRegistrationAbortedError({
        at,
        jobId,
        transactionId,
        confirmMayHaveSucceeded,
        cause,
      });
    this.#commit(run, {
      status: { kind: 'aborted', reason, at, confirmMayHaveSucceeded },
      confirmMayHaveSucceeded,
    });
    run.settled = true;
    run.controller.abort(failure);
    this.#emit('aborted', { reason, at, confirmMayHaveSucceeded, jobId, transactionId });
    run.reject(failure);
  }

  // -------------------------------------------------------------------------------------------
  // Flows

  async #flow(run: Run, request: RegistrationRequest): Promise<RegistrationResult> {
    const plan = planRequest(request, { organizationId: this.#options.organizationId });
    checkResumeExtras(request);
    this.#commit(run, { network: plan.network });
    if (plan.operation === 'track') {
      return this.#follow(run, plan, null, plan.transactionId as string, null);
    }
    const job: JobContext = {
      plan,
      mode: this.#options.verifyCommitment ?? (plan.media !== undefined ? 'enforce' : 'off'),
      jobId: plan.jobId,
      resumed: plan.operation === 'resume',
      confirmSent: false,
      mediaHash: null,
      mediaConsumed: false,
      sizeBytes: 0,
      limit: null,
      restarts: 0,
      requotes: 0,
      expectedWorkId: request.operation === 'resume' ? (request.workId ?? null) : null,
      confirmNeverSent: request.operation === 'resume' && request.confirmNeverSent === true,
      baselineVersion: undefined,
    };
    if (job.resumed) {
      this.#commit(run, { jobId: job.jobId });
    } else {
      if (plan.uploads) job.limit = await this.#checkMedia(run, job);
      await this.#startJob(run, job);
    }
    return this.#prepareAndConfirm(run, job);
  }

  /** init (and upload), starting again from init when the upload URL has expired. */
  async #startJob(run: Run, job: JobContext): Promise<void> {
    const { plan } = job;
    for (;;) {
      this.#setStatus(run, { kind: 'initializing' });
      const { data, response } = await this.#transport.requestWithResponse({
        method: 'POST',
        path: plan.routes!.init,
        body: plan.initBody,
        schema: (plan.uploads
          ? InitWorkResponseSchema
          : InitVersionResponseSchema) as z.ZodType<InitVersionResponse>,
        idempotent: true,
        // The caller's key identifies the first attempt only; a restart is a new job.
        ...(job.restarts === 0 && plan.idempotencyKey
          ? { idempotencyKey: plan.idempotencyKey }
          : {}),
        signal: run.controller.signal,
      });
      job.jobId = data.job_id;
      job.mediaHash = null;
      const init = data as { upload_url?: string; upload_expires_at?: string };
      this.#commit(run, {
        jobId: data.job_id,
        uploadExpiresAt: init.upload_expires_at ?? null,
        upload: null,
        quote: null,
        explanation: null,
        commitment: null,
      });
      if (!plan.uploads) return;
      // A replayed init returns the first answer byte for byte, with an URL that may be dead.
      const expiresAt = Date.parse(init.upload_expires_at ?? '');
      if (response.idempotentReplayed && !(expiresAt > this.#now())) {
        await this.#restart(
          run,
          job,
          'upload_expired',
          new AtsUploadError(
            'The replayed init returned an upload URL that has expired; starting again from init',
            { code: 'upload_expired' },
          ),
        );
        continue;
      }
      try {
        await this.#upload(run, job, init.upload_url as string);
        return;
      } catch (error) {
        if (!(AtsUploadError.is(error) && error.code === 'upload_expired')) throw error;
        await this.#restart(run, job, 'upload_expired', error);
      }
    }
  }

  async #restart(
    run: Run,
    job: JobContext,
    reason: 'upload_expired' | 'job_not_found',
    cause: Error,
  ): Promise<void> {
    const max = this.#options.maxRestarts ?? DEFAULTS.maxRestarts;
    if (job.restarts >= max) throw cause;
    if (job.plan.uploads && job.mediaConsumed && !canReadAgain(job.plan.media)) {
      throw new AtsValidationError('Cannot start the job again', {
        issues: [
          {
            path: 'media',
            code: 'invalid_value',
            message:
              'is a stream that was already read; pass { stream: () => freshStream(), size } so the file can be sent again',
          },
        ],
        cause,
      });
    }
    job.restarts += 1;
    this.#commit(run, { restarts: job.restarts });
    this.#warn(run, {
      code: 'job_restarted',
      message: `Starting again from init (${reason === 'upload_expired' ? 'the upload URL expired' : 'the job was no longer found'}); restart ${job.restarts} of ${max}`,
      details: { reason, previousJobId: job.jobId },
    });
    await this.#options.beforeRestart?.({ reason, restart: job.restarts });
    throwIfAborted(run.controller.signal);
  }

  async #checkMedia(run: Run, job: JobContext): Promise<FileSizeLimit> {
    const media = job.plan.media as UploadSource;
    let sizeBytes: number;
    try {
      ({ sizeBytes } = await prepareUploadSource(media));
    } catch (error) {
      throw renameSourceIssues(error);
    }
    job.sizeBytes = sizeBytes;
    if (sizeBytes === 0) {
      throw new AtsValidationError('Invalid media', {
        issues: [
          { path: 'media', code: 'too_short', message: 'is empty (0 bytes); pick the file' },
        ],
      });
    }
    const configured = {
      maxBytes: this.#options.maxFileSizeBytes,
      source: this.#options.maxFileSizeSource ?? 'api_key',
    };
    // Checked with the local limits first, so a too-large file costs no request at all.
    let limit = effectiveFileSizeLimit(configured);
    assertWithin(sizeBytes, limit);
    if (this.#options.fetchStats) {
      const stats = await this.#readStats(run, job.plan.network as Network);
      if (stats !== undefined) {
        limit = effectiveFileSizeLimit(configured, {
          maxBytes: stats,
          source: 'the limit GET /v1/stats reports',
        });
        assertWithin(sizeBytes, limit);
      }
    }
    return limit;
  }

  async #readStats(run: Run, network: Network): Promise<number | undefined> {
    try {
      const stats = await this.#transport.request({
        method: 'GET',
        path: '/v1/stats',
        query: { network },
        schema: StatsResponseSchema,
        signal: run.controller.signal,
      });
      return stats.max_audio_size_bytes;
    } catch (error) {
      if (run.controller.signal.aborted) throw error;
      this.#warn(run, {
        code: 'stats_unavailable',
        message: `GET /v1/stats failed (${describe(error)}); using the configured file-size limit`,
      });
      return undefined;
    }
  }

  async #upload(run: Run, job: JobContext, uploadUrl: string): Promise<void> {
    const { plan } = job;
    const limit = job.limit as FileSizeLimit;
    job.mediaConsumed = true;
    const total = job.sizeBytes;
    this.#commit(run, {
      status: { kind: 'uploading', bytes: 0, total, rate: 0 },
      upload: { bytes: 0, total, rate: 0 },
    });
    const uploadOptions = this.#options.upload ?? {};
    const result = await uploadToPresignedUrl(uploadUrl, plan.media as UploadSource, {
      signal: run.controller.signal,
      hash: job.mode !== 'off',
      maxBytes: limit.maxBytes,
      maxBytesSource: limit.source,
      sleep: this.#sleep,
      ...(this.#options.random ? { random: this.#options.random } : {}),
      ...(plan.contentType ? { contentType: plan.contentType } : {}),
      ...(uploadOptions.maxRetries !== undefined ? { maxRetries: uploadOptions.maxRetries } : {}),
      ...(uploadOptions.stallTimeoutMs !== undefined
        ? { stallTimeoutMs: uploadOptions.stallTimeoutMs }
        : {}),
      onProgress: (progress) => this.#onUploadProgress(run, progress),
    });
    job.mediaHash = result.mediaHash ?? null;
  }

  #onUploadProgress(run: Run, progress: UploadProgress): void {
    const copy = { bytes: progress.bytes, total: progress.total, rate: progress.rate };
    this.#commit(run, { status: { kind: 'uploading', ...copy }, upload: copy });
    if (this.#isCurrent(run)) this.#emit('progress', copy);
  }

  /*
   * Why a confirm may be sent again, and when it may not (api.md §5.4, §13).
   *
   * Confirm takes no idempotency key, and its answer can be lost (a 5xx sent after the effect, a
   * dropped connection, a timeout). What makes recovery safe is that the server consumes a job
   * atomically when it confirms it: one job gives at most one transaction and one debit. So:
   * - sending confirm again for the SAME job can never register twice (at worst it answers
   *   `404 prepared_not_found`);
   * - only a NEW job (init) can, so after a confirm was sent for a job the engine never starts
   *   another one.
   * After a lost answer the engine asks prepare about the same job, which tells the two cases
   * apart: `200` means the job still lives, so the confirm did not happen (or has not yet: if a
   * late one lands meanwhile, the server still consumes the job once and our second confirm gets
   * a 404), and the fresh quote lets us confirm again; `404 upload_session_not_found` means the job
   * was consumed (or expired), and the outcome is looked up in the works listing. What cannot be
   * found there is reported as `AtsConfirmOutcomeUnknownError`, with the job id, never retried.
   */
  async #prepareAndConfirm(run: Run, job: JobContext): Promise<RegistrationResult> {
    // Resuming at confirm: the quote was approved earlier, send it as is.
    let skipPrepare = job.plan.stage === 'confirm';
    let quote: PreparedQuote | null = null;
    let lostQuotes = 0;
    let lostAnswers = 0;
    try {
      for (;;) {
        if (!skipPrepare) {
          quote = await this.#prepareChecked(run, job);
          quote = await this.#approve(run, job, quote);
        }
        skipPrepare = false;
        const answer = await this.#confirm(run, job, quote);
        if (answer.kind === 'accepted') {
          return this.#follow(run, job.plan, job, answer.response.transaction_id, answer.response, {
            quote,
          });
        }
        if (answer.kind === 'lost') {
          const fresh = await this.#probeLostConfirm(run, job, quote, answer.error);
          // The job still lives: that confirm did nothing. Pay the fresh quote instead.
          lostAnswers += 1;
          if (lostAnswers > DEFAULTS.lostConfirmRetries) throw answer.error;
          quote = await this.#reapprove(run, job, quote, fresh);
          skipPrepare = true;
          continue;
        }
        // 404 prepared_not_found: our confirm did nothing (no live quote). Prepare again once.
        lostQuotes += 1;
        if (lostQuotes > (job.plan.stage === 'confirm' ? 2 : 1)) {
          throw new AtsError(
            `Confirm of job ${job.jobId} found no live quote twice; prepare and confirm again later`,
            { code: 'registration.prepared_not_found' },
          );
        }
        this.#warn(run, {
          code: 'quote_lapsed',
          message: 'Confirm found no live quote; preparing again',
          details: { jobId: job.jobId },
        });
      }
    } catch (error) {
      if (!(error instanceof JobAlreadyConfirmed)) throw error;
      return this.#follow(run, job.plan, job, error.transactionId, null, {
        quote: quote ?? this.#snapshot.quote,
        recovered: true,
      });
    }
  }

  /** prepare, starting the job again from init when it is gone and safe to re-create. */
  async #prepareChecked(run: Run, job: JobContext): Promise<PreparedQuote> {
    for (;;) {
      this.#setStatus(run, { kind: 'preparing' });
      let quote: PreparedQuote;
      try {
        quote = await this.#requestQuote(run, job);
      } catch (error) {
        if (!isJobNotFound(error)) throw error;
        if (job.confirmSent || (job.resumed && !job.confirmNeverSent)) {
          // Consumed or expired, and it may have been confirmed (by us, or by whoever started
          // it): never create a second job; find out what became of this one.
          await this.#lookUpConsumedJob(run, job, this.#snapshot.quote, error);
        }
        // Resumed with confirmNeverSent: it only expired; the caller starts a new job.
        if (job.resumed) throw error;
        await this.#restart(run, job, 'job_not_found', error as Error);
        if (job.plan.uploads) job.limit ??= await this.#checkMedia(run, job);
        await this.#startJob(run, job);
        continue;
      }
      await this.#acceptQuote(run, job, quote);
      return quote;
    }
  }

  #requestQuote(run: Run, job: JobContext): Promise<PreparedQuote> {
    return this.#transport.request({
      method: 'POST',
      path: job.plan.routes!.prepare,
      body: { job_id: job.jobId },
      schema: job.plan.routes!.prepareSchema,
      // Prepare only prices the job: repeating it is harmless, so it may be retried.
      idempotent: true,
      signal: run.controller.signal,
    });
  }

  /**
   * After a lost confirm answer: prepare the same job. `200` → the confirm did not happen; the
   * fresh quote is returned. `404` → consumed: the registration is looked up (throws
   * `JobAlreadyConfirmed` when found, `AtsConfirmOutcomeUnknownError` otherwise).
   */
  async #probeLostConfirm(
    run: Run,
    job: JobContext,
    quote: PreparedQuote | null,
    lost: unknown,
  ): Promise<PreparedQuote> {
    this.#commit(run, { confirmMayHaveSucceeded: true });
    this.#warn(run, {
      code: 'confirm_answer_lost',
      message: `The answer to confirm was lost (${lostAnswerReason(lost)}); asking prepare whether job ${job.jobId} is still pending`,
      details: { jobId: job.jobId },
    });
    let fresh: PreparedQuote;
    try {
      fresh = await this.#requestQuote(run, job);
    } catch (error) {
      if (run.controller.signal.aborted) throw error;
      if (isJobNotFound(error)) await this.#lookUpConsumedJob(run, job, quote, lost);
      throw new AtsConfirmOutcomeUnknownError({
        jobId: job.jobId as string,
        reason: `${lostAnswerReason(lost)}, and asking prepare about the job failed too (${describe(error)})`,
        cause: lost,
        requestId: AtsError.is(lost) ? lost.requestId : undefined,
      });
    }
    this.#commit(run, { confirmMayHaveSucceeded: false });
    await this.#acceptQuote(run, job, fresh);
    return fresh;
  }

  /** A fresh quote after a lost confirm: the same price needs no second approval. */
  async #reapprove(
    run: Run,
    job: JobContext,
    previous: PreparedQuote | null,
    fresh: PreparedQuote,
  ): Promise<PreparedQuote> {
    const network = job.plan.network as Network;
    if (previous && samePrice(previous, fresh, network) && !this.#hasLapsed(fresh)) return fresh;
    return this.#approve(run, job, fresh);
  }

  /**
   * The job is gone (prepare answered 404) and may have been confirmed: look for the registration
   * it produced. Found → throws `JobAlreadyConfirmed` (the flow tracks that transaction); not
   * found → throws `AtsConfirmOutcomeUnknownError` with the job id.
   */
  async #lookUpConsumedJob(
    run: Run,
    job: JobContext,
    quote: PreparedQuote | null,
    cause: unknown,
  ): Promise<never> {
    this.#commit(run, { confirmMayHaveSucceeded: true });
    const transactionId = await this.#findTransactionOfJob(run, job, quote);
    if (transactionId !== null) {
      this.#warn(run, {
        code: 'confirm_recovered',
        message: `Job ${job.jobId} was confirmed as transaction ${transactionId} (found in the works listing); following it`,
        details: { jobId: job.jobId, transactionId },
      });
      throw new JobAlreadyConfirmed(transactionId);
    }
    throw new AtsConfirmOutcomeUnknownError({
      jobId: job.jobId as string,
      reason:
        'the job is no longer pending (it was confirmed, or it expired) and no registration from it ' +
        'was found in the works listing',
      cause,
      requestId: AtsError.is(cause) ? cause.requestId : undefined,
    });
  }

  /**
   * Searches the listing for the transaction a consumed job produced, until found or
   * `confirmLookupTimeoutMs` (a work is listed from finality on). A registration is recognised by
   * its work id: the quote's `work_id`, else the one given to `resume()`, else the job id (the
   * sandbox gives a registration's work the job's id; a hint only). A version is recognised by its
   * commitment among the versions newer than the latest one at the first read: a version already
   * final at that read cannot be told from an older identical one, so it is never claimed (the
   * outcome is then reported unknown rather than guessed). Reads that the credential may not make
   * end the search (null).
   */
  async #findTransactionOfJob(
    run: Run,
    job: JobContext,
    quote: PreparedQuote | null,
  ): Promise<string | null> {
    const routes = lookupRoutesOf(job.plan);
    if (routes === null) return null;
    const isVersion = job.plan.transactionType === 'add_version';
    if (isVersion && quote === null) return null;
    const deadline =
      this.#now() + (this.#options.confirmLookupTimeoutMs ?? DEFAULTS.confirmLookupTimeoutMs);
    const interval = this.#options.polling?.intervalMs ?? DEFAULTS.pollIntervalMs;
    const signal = run.controller.signal;
    for (;;) {
      let found: string | null;
      try {
        found = isVersion
          ? await this.#findVersionTransaction(run, job, routes, quote as PreparedQuote)
          : await this.#findRegistrationTransaction(run, job, routes, quote);
      } catch (error) {
        if (signal.aborted || !isRetryableError(error)) {
          if (signal.aborted) throw error;
          return null;
        }
        found = null;
      }
      if (found !== null) return found;
      if (this.#now() >= deadline) return null;
      await this.#sleepOrAbort(interval, signal);
    }
  }

  async #findRegistrationTransaction(
    run: Run,
    job: JobContext,
    routes: LookupRoutes,
    quote: PreparedQuote | null,
  ): Promise<string | null> {
    const workId = quote?.work_id ?? job.expectedWorkId ?? job.jobId;
    const network = job.plan.network as Network;
    const ref = job.plan.initBody?.external_user_ref;
    let after: string | undefined;
    for (let page = 0; page < DEFAULTS.lookupPages; page++) {
      const listing = await this.#transport.request({
        method: 'GET',
        path: routes.works,
        query: {
          network,
          first: 100,
          ...(typeof ref === 'string' ? { external_user_ref: ref } : {}),
          after,
        },
        schema: ListWorksResponseSchema,
        signal: run.controller.signal,
      });
      const work = listing.works.find((candidate) => candidate.id === workId);
      if (work) {
        const { versions } = await this.#transport.request({
          method: 'GET',
          path: `${routes.works}/${work.ats_id}/versions`,
          query: { network },
          schema: WorkVersionsResponseSchema,
          signal: run.controller.signal,
        });
        return versions.find((version) => version.version === 1)?.transaction_id ?? null;
      }
      const { has_next_page: more, end_cursor: cursor } = listing.page_info;
      if (!more || !cursor) return null;
      after = cursor;
    }
    return null;
  }

  async #findVersionTransaction(
    run: Run,
    job: JobContext,
    routes: LookupRoutes,
    quote: PreparedQuote,
  ): Promise<string | null> {
    const { versions } = await this.#transport.request({
      method: 'GET',
      path: routes.versions as string,
      query: routes.networkQuery ? { network: job.plan.network } : {},
      schema: WorkVersionsResponseSchema,
      signal: run.controller.signal,
    });
    if (job.baselineVersion === undefined) {
      job.baselineVersion = Math.max(0, ...versions.map((version) => version.version));
      return null;
    }
    const ours = versions.filter(
      (version) =>
        version.version > (job.baselineVersion as number) &&
        version.commitment === quote.commitment,
    );
    // Two new versions with our commitment would be ambiguous: better unknown than wrong.
    return ours.length === 1 ? (ours[0]?.transaction_id ?? null) : null;
  }

  async #acceptQuote(run: Run, job: JobContext, quote: PreparedQuote): Promise<void> {
    const network = job.plan.network as Network;
    const explanation = explainQuote(quote, network);
    this.#commit(run, { quote, explanation });
    if (this.#isCurrent(run)) this.#emit('quote', { quote, explanation });
    if (!explanation.addsUp) {
      this.#warn(run, {
        code: 'quote_does_not_add_up',
        message: `The quote's total (${explanation.statedTotalCredits}) is not the sum of its components (${explanation.computedTotalCredits}); the server's total is what confirm debits`,
        details: {
          statedTotalCredits: explanation.statedTotalCredits,
          computedTotalCredits: explanation.computedTotalCredits,
        },
      });
    }
    await this.#verifyCommitment(run, job, quote);
  }

  async #verifyCommitment(run: Run, job: JobContext, quote: PreparedQuote): Promise<void> {
    const { plan, mode } = job;
    if (mode !== 'off' && job.mediaHash === null && plan.media !== undefined) {
      job.mediaHash = await this.#hashLocally(run, plan.media);
    }
    const check = compareCommitment(
      quote,
      {
        title: plan.title,
        creators: plan.creators,
        mediaHash: job.mediaHash,
        fileKept: plan.operation === 'updateVersion' && !plan.uploads,
      },
      mode,
    );
    this.#commit(run, { commitment: check });
    switch (check.status) {
      case 'mismatch': {
        const error = new AtsCommitmentMismatchError({
          jobId: job.jobId as string,
          localCommitment: check.local,
          serverCommitment: quote.commitment,
          mismatched: check.mismatched,
        });
        if (mode === 'enforce') throw error;
        this.#warn(run, {
          code: 'commitment_mismatch',
          message: error.message,
          details: { check },
        });
        return;
      }
      case 'partial':
        this.#warn(run, {
          code: 'commitment_partially_verified',
          message:
            'Only parts of the commitment could be compared (they match); pass the title to check all of it',
          details: { check },
        });
        return;
      case 'unverified':
        this.#warn(run, {
          code: 'commitment_unverified',
          message:
            'The commitment could not be checked locally (no media hash or title to compare with)',
          details: { check },
        });
        return;
      default:
        return;
    }
  }

  /** The media's hash when the upload did not give it (no upload, or another engine). */
  async #hashLocally(run: Run, media: UploadSource): Promise<string | null> {
    const readable = hashableMedia(media);
    if (readable === undefined) return null;
    const { mediaHash } = await hashMedia(readable, { signal: run.controller.signal });
    return mediaHash;
  }

  /** Asks for approval; prepares again when the quote lapsed meanwhile. */
  async #approve(run: Run, job: JobContext, first: PreparedQuote): Promise<PreparedQuote> {
    const { plan } = job;
    const network = plan.network as Network;
    const maxPrice = this.#options.maxPriceCredits;
    let quote = first;
    for (;;) {
      const explanation = explainQuote(quote, network);
      if (maxPrice !== undefined && explanation.debitCredits > maxPrice) {
        throw new AtsQuoteDeclinedError({
          reason: 'over_max_price',
          jobId: job.jobId as string,
          debitCredits: explanation.debitCredits,
          maxPriceCredits: maxPrice,
        });
      }
      this.#setStatus(run, { kind: 'awaiting-approval', quote, explanation });
      const approve = this.#options.approve;
      const approved = approve
        ? await untilAborted(
            Promise.resolve().then(() =>
              approve(quote, explanation, {
                jobId: job.jobId as string,
                network,
                operation: plan.operation,
                signal: run.controller.signal,
              }),
            ),
            run.controller.signal,
          )
        : true;
      throwIfAborted(run.controller.signal);
      if (approved !== true) {
        throw new AtsQuoteDeclinedError({
          reason: 'declined',
          jobId: job.jobId as string,
          debitCredits: explanation.debitCredits,
        });
      }
      if (!this.#hasLapsed(quote)) return quote;
      const maxRequotes = this.#options.maxRequotes ?? DEFAULTS.maxRequotes;
      if (job.requotes >= maxRequotes) {
        throw new AtsError(
          `The quote for job ${job.jobId} lapsed ${job.requotes + 1} times before it was approved; start again`,
          { code: 'quote_expired' },
        );
      }
      job.requotes += 1;
      this.#warn(run, {
        code: 'quote_lapsed',
        message: 'The quote lapsed while waiting for approval; preparing again',
        details: { jobId: job.jobId, expiresAt: quote.expires_at },
      });
      const fresh = await this.#prepareChecked(run, job);
      // The same price needs no second approval; a new one does.
      if (samePrice(quote, fresh, network)) {
        if (!this.#hasLapsed(fresh)) return fresh;
      }
      quote = fresh;
    }
  }

  #hasLapsed(quote: PreparedQuote): boolean {
    const margin = this.#options.quoteExpiryMarginMs ?? DEFAULTS.quoteExpiryMarginMs;
    const expiresAt = Date.parse(quote.expires_at);
    return !(expiresAt - margin > this.#now());
  }

  /**
   * One confirm request. Only a throttling `429` (answered before anything happened) is sent again
   * here; a lost answer is returned as `lost` for `#probeLostConfirm` to resolve.
   */
  async #confirm(run: Run, job: JobContext, quote: PreparedQuote | null): Promise<ConfirmAnswer> {
    this.#setStatus(run, { kind: 'confirming' });
    const signal = run.controller.signal;
    for (let throttled = 0; ; throttled++) {
      throwIfAborted(signal);
      const beforeConfirm = this.#options.beforeConfirm;
      if (beforeConfirm) {
        await untilAborted(
          Promise.resolve().then(() =>
            beforeConfirm({
              jobId: job.jobId as string,
              network: job.plan.network as Network,
              operation: job.plan.operation,
              quote,
            }),
          ),
          signal,
        );
        throwIfAborted(signal);
      }
      run.confirmInFlight = true;
      job.confirmSent = true;
      try {
        const response = await this.#transport.request({
          method: 'POST',
          path: job.plan.routes!.confirm,
          body: { job_id: job.jobId },
          schema: ConfirmResponseSchema,
          // No idempotency key on confirm, and no blind retry: see #prepareAndConfirm.
          idempotent: false,
          maxRetries: 0,
          signal,
        });
        run.confirmInFlight = false;
        return { kind: 'accepted', response };
      } catch (error) {
        run.confirmInFlight = false;
        if (signal.aborted) throw error;
        if (AtsApiError.is(error) && error.status < 500) {
          if (error.status === 404 && error.code === 'registration.prepared_not_found') {
            return { kind: 'no_live_quote' };
          }
          // 429 throttling is answered before anything happens: waiting and sending again is safe.
          if (
            error.status === 429 &&
            error.code !== 'common.quota_exceeded' &&
            throttled < DEFAULTS.confirmThrottleRetries
          ) {
            const waitMs = (error.retryAfterSeconds ?? throttled + 1) * 1000;
            await this.#sleepOrAbort(waitMs, signal);
            continue;
          }
          // Any other 4xx is a refusal: nothing was confirmed.
          throw error;
        }
        return { kind: 'lost', error };
      }
    }
  }

  async #follow(
    run: Run,
    plan: RequestPlan,
    job: JobContext | null,
    transactionId: string,
    confirmed: ConfirmResponse | null,
    known: { quote?: PreparedQuote | null; recovered?: boolean } = {},
  ): Promise<RegistrationResult> {
    const quote = known.quote ?? null;
    const via = this.#webSocket ? 'websocket' : 'polling';
    this.#commit(run, {
      transactionId,
      status: { kind: 'tracking', step: null, progress: 0, description: null, via },
      tracking: null,
      // Accepted (or found): no longer a maybe.
      confirmMayHaveSucceeded: false,
    });
    if ((confirmed || known.recovered) && job?.jobId) {
      this.#emit('confirmed', { jobId: job.jobId, transactionId });
    }
    if (!this.#webSocket && this.#options.webSocket === undefined) {
      this.#warn(run, {
        code: 'tracking_fallback',
        message:
          'No WebSocket implementation is available (Node 20 has none: pass the ws package as webSocket); polling the status route',
      });
    }
    const polling = this.#options.polling ?? {};
    const trackingTimeoutMs = this.#options.trackingTimeoutMs;
    const trackingOptions: TrackTransactionOptions = {
      transport: this.#transport,
      transactionId,
      wsUrl: confirmed?.ws_url,
      statusUrl: confirmed?.status_url,
      webSocket: this.#webSocket,
      signal: run.controller.signal,
      sleep: this.#sleep,
      timers: this.#timers,
      now: this.#now,
      intervalMs: polling.intervalMs ?? DEFAULTS.pollIntervalMs,
      backoffAfterMs: polling.backoffAfterMs ?? DEFAULTS.pollBackoffAfterMs,
      maxIntervalMs: polling.maxIntervalMs ?? DEFAULTS.pollMaxIntervalMs,
      socketIdleTimeoutMs: this.#options.socketIdleTimeoutMs ?? DEFAULTS.socketIdleTimeoutMs,
      deadline: trackingTimeoutMs === undefined ? undefined : this.#now() + trackingTimeoutMs,
      onUpdate: (progress) => this.#onTrackingUpdate(run, progress),
      onFallback: (reason) =>
        this.#warn(run, {
          code: 'tracking_fallback',
          message: `Switching to polling the status route: ${reason}`,
          details: { reason },
        }),
    };
    const outcome: TransactionOutcome = await trackTransaction(trackingOptions);
    // Tracking a bare transaction id over the socket leaves its type and network unknown.
    if (outcome.status === null && plan.transactionType === null && outcome.success) {
      outcome.status = await readTransactionStatus(trackingOptions).catch(() => null);
    }
    if (!outcome.success) {
      const failure = outcome.result.error;
      throw new AtsTransactionFailedError({
        transactionId,
        code: failure?.code,
        serverMessage: failure?.message,
        result: outcome.result,
      });
    }
    const result = outcome.result;
    const type =
      outcome.status?.transaction_type ??
      confirmed?.transaction_type ??
      plan.transactionType ??
      null;
    return deepFreeze({
      transaction_id: transactionId,
      job_id: job?.jobId ?? null,
      transaction_type: type,
      network: outcome.status?.network ?? plan.network,
      ats_id: result.ats_id,
      tx_hash: result.tx_hash,
      block_number: result.block_number,
      block_hash: result.block_hash,
      explorer_url: result.explorer_url,
      access_code: result.access_code ?? confirmed?.access_code ?? null,
      work_id: result.work_id ?? quote?.work_id ?? null,
      version: result.version ?? (type === 'register' ? 1 : null),
    });
  }

  #onTrackingUpdate(run: Run, progress: TrackingProgress): void {
    const previous = this.#snapshot.tracking;
    if (
      previous &&
      previous.step === progress.step &&
      previous.progress === progress.progress &&
      previous.description === progress.description &&
      previous.via === progress.via
    ) {
      return;
    }
    const copy = { ...progress };
    this.#commit(run, { status: { kind: 'tracking', ...copy }, tracking: copy });
    if (this.#isCurrent(run)) this.#emit('step', copy);
  }

  async #sleepOrAbort(ms: number, signal: AbortSignal): Promise<void> {
    await untilAborted(this.#sleep(ms, signal), signal);
    throwIfAborted(signal);
  }

  // -------------------------------------------------------------------------------------------
  // Snapshot and events

  #isCurrent(run: Run): boolean {
    return this.#run === run && !run.settled;
  }

  #setStatus(run: Run, status: RegistrationStatus): void {
    this.#commit(run, { status });
  }

  #warn(run: Run, warning: RegistrationWarning): void {
    if (!this.#isCurrent(run)) return;
    this.#commit(run, { warnings: [...this.#snapshot.warnings, warning] });
    this.#emit('warning', warning);
  }

  /** Applies a change for `run`; a run that has ended (or been replaced) changes nothing. */
  #commit(run: Run, patch: Partial<RegistrationSnapshot>): void {
    if (!this.#isCurrent(run)) return;
    this.#replaceSnapshot(deepFreeze({ ...this.#snapshot, ...patch }));
  }

  #replaceSnapshot(next: RegistrationSnapshot): void {
    const previous = this.#snapshot;
    if (next === previous) return;
    this.#snapshot = next;
    for (const subscriber of [...this.#subscribers]) this.#call(subscriber, undefined);
    if (next.status.kind !== previous.status.kind) {
      this.#emit('state', { status: next.status, previous: previous.status, snapshot: next });
    }
  }

  #emit<E extends RegistrationEngineEventName>(event: E, payload: RegistrationEngineEvents[E]) {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) this.#call(listener as (p: unknown) => void, payload);
  }

  /** A listener's exception must not break the run; it is reported, not swallowed. */
  #call(listener: (payload: never) => void, payload: unknown): void {
    try {
      (listener as (p: unknown) => void)(payload);
    } catch (error) {
      const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
      if (report) report(error);
      else console.error('A registration engine listener threw:', error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function busyWarning(): RegistrationWarning {
  return {
    code: 'engine_busy',
    message: 'start() was ignored: a run is in progress; call abort() or reset() first',
  };
}

function checkOptions(options: RegistrationEngineOptions): void {
  const issues: { path: string; code: string; message: string }[] = [];
  if (typeof options !== 'object' || options === null) {
    throw new AtsValidationError('Invalid engine options', {
      issues: [{ path: '', code: 'invalid_type', message: 'must be an options object' }],
    });
  }
  if (!options.transport && options.baseUrl === undefined) {
    issues.push({
      path: 'baseUrl',
      code: 'required',
      message:
        'is required (the API base, e.g. https://ats.api.allfeat.org) unless a transport is given',
    });
  }
  const counts: [keyof RegistrationEngineOptions, number | undefined, boolean][] = [
    ['maxFileSizeBytes', options.maxFileSizeBytes, false],
    ['maxPriceCredits', options.maxPriceCredits, true],
    ['maxRestarts', options.maxRestarts, true],
    ['maxRequotes', options.maxRequotes, true],
    ['quoteExpiryMarginMs', options.quoteExpiryMarginMs, true],
    ['socketIdleTimeoutMs', options.socketIdleTimeoutMs, false],
    ['trackingTimeoutMs', options.trackingTimeoutMs, false],
    ['confirmLookupTimeoutMs', options.confirmLookupTimeoutMs, true],
  ];
  for (const [path, value, zeroAllowed] of counts) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < (zeroAllowed ? 0 : 1)) {
      issues.push({
        path,
        code: 'invalid_value',
        message: `must be a whole number ${zeroAllowed ? '≥ 0' : '> 0'}`,
      });
    }
  }
  const mode = options.verifyCommitment;
  if (mode !== undefined && mode !== 'off' && mode !== 'warn' && mode !== 'enforce') {
    issues.push({
      path: 'verifyCommitment',
      code: 'invalid_value',
      message: 'must be "off", "warn" or "enforce"',
    });
  }
  if (options.approve !== undefined && typeof options.approve !== 'function') {
    issues.push({
      path: 'approve',
      code: 'invalid_type',
      message: 'must be a function (quote, explanation) => boolean | Promise<boolean>',
    });
  }
  if (options.beforeConfirm !== undefined && typeof options.beforeConfirm !== 'function') {
    issues.push({
      path: 'beforeConfirm',
      code: 'invalid_type',
      message: 'must be a function ({ jobId, network, operation, quote }) => void | Promise<void>',
    });
  }
  if (issues.length > 0) throw new AtsValidationError('Invalid engine options', { issues });
}

function assertWithin(sizeBytes: number, limit: FileSizeLimit): void {
  if (sizeBytes > limit.maxBytes) {
    throw new AtsFileTooLargeError({
      sizeBytes,
      maxBytes: limit.maxBytes,
      source: limit.source,
      path: 'media',
    });
  }
}

/** The uploader names the field `source`; the engine's callers know it as `media`. */
function renameSourceIssues(error: unknown): unknown {
  if (!AtsValidationError.is(error) || AtsFileTooLargeError.is(error)) return error;
  const issues = error.issues.map((issue) => ({
    ...issue,
    path: issue.path.replace(/^source/, 'media'),
  }));
  return new AtsValidationError('Invalid media', { issues, cause: error });
}

/** Read routes for finding what a consumed job produced, in the job's own family. */
interface LookupRoutes {
  /** The organization's works listing (registrations). */
  works: string;
  /** The work's versions (add-version jobs). */
  versions: string | undefined;
  /** `{ats_id}` routes take the network (api.md §8.2); access-code routes do not. */
  networkQuery: boolean;
}

function lookupRoutesOf(plan: RequestPlan): LookupRoutes | null {
  const prepare = plan.routes?.prepare;
  if (!prepare) return null;
  const root = prepare.slice(0, -'/prepare'.length);
  if (plan.transactionType !== 'add_version') {
    return { works: root, versions: undefined, networkQuery: true };
  }
  const owner = root.slice(0, -'/versions'.length);
  return {
    works: owner.replace(/\/[^/]+$/, ''),
    versions: root,
    networkQuery: !owner.startsWith('/v1/access/'),
  };
}

function checkResumeExtras(request: RegistrationRequest): void {
  if (request?.operation !== 'resume') return;
  const issues: { path: string; code: string; message: string }[] = [];
  if (
    request.workId !== undefined &&
    request.workId !== null &&
    typeof request.workId !== 'string'
  ) {
    issues.push({
      path: 'workId',
      code: 'invalid_type',
      message: "must be the quote's work_id (a string), or be left out",
    });
  }
  const neverSent = request.confirmNeverSent;
  if (neverSent !== undefined && typeof neverSent !== 'boolean') {
    issues.push({ path: 'confirmNeverSent', code: 'invalid_type', message: 'must be a boolean' });
  }
  if (issues.length > 0) throw new AtsValidationError('Invalid resume input', { issues });
}

function isJobNotFound(error: unknown): boolean {
  return (
    AtsApiError.is(error) &&
    error.status === 404 &&
    error.code === 'registration.upload_session_not_found'
  );
}

/** Media that can be read again for hashing: bytes, a Blob, or a stream factory. */
function hashableMedia(media: UploadSource): MediaInput | undefined {
  if (media instanceof Uint8Array || media instanceof ArrayBuffer) return media;
  if (typeof Blob !== 'undefined' && media instanceof Blob) return media;
  if (typeof media === 'object' && media !== null && 'stream' in media) {
    const { stream } = media as { stream: unknown };
    if (typeof stream === 'function') return (stream as () => MediaInput)();
  }
  return undefined;
}

function canReadAgain(media: UploadSource | undefined): boolean {
  if (typeof media === 'object' && media !== null && 'stream' in media && 'size' in media) {
    return typeof (media as { stream: unknown }).stream === 'function';
  }
  return true;
}

function samePrice(a: PreparedQuote, b: PreparedQuote, network: Network): boolean {
  const ea: QuoteExplanation = explainQuote(a, network);
  const eb: QuoteExplanation = explainQuote(b, network);
  return ea.debitCredits === eb.debitCredits && ea.statedTotalCredits === eb.statedTotalCredits;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AtsAbortError('Aborted', { cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      promise.catch(() => {});
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
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
  });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AtsAbortError('Aborted', { cause: signal.reason });
}

function lostAnswerReason(error: unknown): string {
  if (AtsApiError.is(error)) return `the server answered ${error.status} ${error.code}`;
  if (AtsError.is(error) && error.code === 'invalid_response') {
    return 'its answer could not be read';
  }
  return `no answer arrived (${describe(error)})`;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function describe(error: unknown): string {
  if (AtsError.is(error)) return error.code;
  return error instanceof Error ? error.name : String(error);
}

/** Freezes plain data (objects and arrays) in place, leaving class instances such as errors. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
