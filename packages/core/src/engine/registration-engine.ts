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
  StatsResponseSchema,
} from '../schemas';
import { createTransport, type SleepFunction, type Transport } from '../transport';
import { timerSleep } from '../transport/backoff';
import { type UploadProgress, type UploadSource, uploadToPresignedUrl } from '../upload';
import { compareCommitment } from './commitment-check';
import {
  AtsCommitmentMismatchError,
  AtsConfirmOutcomeUnknownError,
  AtsQuoteDeclinedError,
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
    const failure =
      error ??
      new AtsAbortError(
        confirmMayHaveSucceeded
          ? `Aborted while the confirm of job ${jobId} was unanswered: the registration may have been submitted; check the works listing or the webhook before registering again`
          : 'The registration was aborted; nothing was confirmed',
        { cause },
      );
    this.#commit(run, {
      status: { kind: 'aborted', reason, at, confirmMayHaveSucceeded },
      confirmMayHaveSucceeded,
    });
    run.settled = true;
    run.controller.abort(failure);
    this.#emit('aborted', { reason, at, confirmMayHaveSucceeded, jobId });
    run.reject(failure);
  }

  // -------------------------------------------------------------------------------------------
  // Flows

  async #flow(run: Run, request: RegistrationRequest): Promise<RegistrationResult> {
    const plan = planRequest(request, { organizationId: this.#options.organizationId });
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

  async #prepareAndConfirm(run: Run, job: JobContext): Promise<RegistrationResult> {
    // Resuming at confirm: the quote was approved earlier, send it as is.
    let skipPrepare = job.plan.stage === 'confirm';
    let quote: PreparedQuote | null = null;
    let lostQuotes = 0;
    for (;;) {
      if (!skipPrepare) {
        quote = await this.#prepareChecked(run, job);
        quote = await this.#approve(run, job, quote);
      }
      skipPrepare = false;
      const answer = await this.#confirm(run, job);
      if (answer !== 'no_live_quote')
        return this.#follow(run, job.plan, job, answer.transaction_id, answer, quote);
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
  }

  /** prepare, starting the job again from init when it is gone and safe to re-create. */
  async #prepareChecked(run: Run, job: JobContext): Promise<PreparedQuote> {
    for (;;) {
      this.#setStatus(run, { kind: 'preparing' });
      let quote: PreparedQuote;
      try {
        quote = await this.#transport.request({
          method: 'POST',
          path: job.plan.routes!.prepare,
          body: { job_id: job.jobId },
          schema: job.plan.routes!.prepareSchema,
          // Prepare only prices the job: repeating it is harmless, so it may be retried.
          idempotent: true,
          signal: run.controller.signal,
        });
      } catch (error) {
        if (!isJobNotFound(error)) throw error;
        if (job.resumed) {
          // It may have been confirmed by whoever started it: never create a second one.
          throw new AtsConfirmOutcomeUnknownError({
            jobId: job.jobId as string,
            reason: 'the job is no longer pending (it was confirmed, or it expired)',
            cause: error,
            requestId: (error as AtsApiError).requestId,
          });
        }
        if (job.confirmSent) throw error;
        await this.#restart(run, job, 'job_not_found', error as Error);
        if (job.plan.uploads) job.limit ??= await this.#checkMedia(run, job);
        await this.#startJob(run, job);
        continue;
      }
      await this.#acceptQuote(run, job, quote);
      return quote;
    }
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

  /** One confirm: never retried after it may have reached the server. */
  async #confirm(run: Run, job: JobContext): Promise<ConfirmResponse | 'no_live_quote'> {
    this.#setStatus(run, { kind: 'confirming' });
    const signal = run.controller.signal;
    for (let throttled = 0; ; throttled++) {
      throwIfAborted(signal);
      run.confirmInFlight = true;
      job.confirmSent = true;
      try {
        const answer = await this.#transport.request({
          method: 'POST',
          path: job.plan.routes!.confirm,
          body: { job_id: job.jobId },
          schema: ConfirmResponseSchema,
          // No idempotency key on confirm: a retry after a lost answer would get a 404.
          idempotent: false,
          maxRetries: 0,
          signal,
        });
        run.confirmInFlight = false;
        return answer;
      } catch (error) {
        run.confirmInFlight = false;
        if (signal.aborted) throw error;
        if (AtsApiError.is(error) && error.status < 500) {
          if (error.status === 404 && error.code === 'registration.prepared_not_found') {
            return 'no_live_quote';
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
        this.#commit(run, { confirmMayHaveSucceeded: true });
        throw new AtsConfirmOutcomeUnknownError({
          jobId: job.jobId as string,
          reason: lostAnswerReason(error),
          cause: error,
          requestId: AtsError.is(error) ? error.requestId : undefined,
        });
      }
    }
  }

  async #follow(
    run: Run,
    plan: RequestPlan,
    job: JobContext | null,
    transactionId: string,
    confirmed: ConfirmResponse | null,
    quote: PreparedQuote | null = null,
  ): Promise<RegistrationResult> {
    const via = this.#webSocket ? 'websocket' : 'polling';
    this.#commit(run, {
      transactionId,
      status: { kind: 'tracking', step: null, progress: 0, description: null, via },
      tracking: null,
    });
    if (confirmed && job?.jobId) {
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
