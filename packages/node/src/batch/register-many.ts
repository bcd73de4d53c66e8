// Registering many works: a pool of engines, one item each, with item-level retries from where
// the item stopped, and an optional journal that makes a killed run resumable without doubles.
import { randomUUID } from 'node:crypto';
import {
  AtsAbortError,
  AtsConfirmOutcomeUnknownError,
  AtsError,
  AtsTransactionFailedError,
  AtsUploadError,
  AtsValidationError,
  type CreatorInput,
  explainQuote,
  isAbortError,
  isRetryableError,
  type Network,
  type PreparedQuote,
  type QuoteExplanation,
  type RegistrationEngine,
  type RegistrationResult,
  type UploadProgress,
  type ValidationIssue,
  type VerifyCommitmentMode,
} from '@ats-kit/core';
import type { AtsClient } from '../client/ats-client';
import {
  filenameOf,
  type RegistrationFile,
  renameMediaIssues,
  rereadableSourceOf,
} from '../client/registration-file';
import type { CreateRegistrationOptions } from '../client/run-registration';
import { batchItemKey } from './batch-item-key';
import { RegistrationJournal } from './registration-journal';

/** One work of a batch: `works.register`'s input, plus a stable `key`. */
export interface BatchItem {
  /**
   * Ties the item to its journal lines across runs. Default: derived from the file (path or
   * bytes), the title and the creators; give one for Blobs and streams.
   */
  key?: string | undefined;
  title: string;
  creators: readonly CreatorInput[];
  file: RegistrationFile;
  /** Default: the base name of the path. */
  filename?: string | undefined;
  /** Default: the client's network. */
  network?: Network | undefined;
  externalUserRef?: string | null | undefined;
}

/** Where an item is: as it goes (`started`, `uploading`, `confirmed`) and how it ended. */
export type BatchItemStatus =
  | 'started'
  | 'uploading'
  | 'confirmed'
  | 'registered'
  | 'failed'
  | 'skipped';

/** What `onItem` receives. */
export interface BatchItemEvent {
  key: string;
  index: number;
  status: BatchItemStatus;
  /** `registered`, `skipped`. */
  result?: RegistrationResult | undefined;
  /** `failed`. */
  error?: Error | undefined;
  /** `uploading`. */
  progress?: UploadProgress | undefined;
  /** `confirmed`: the transaction that is now running. */
  transactionId?: string | undefined;
}

/** How one item ended. */
export interface BatchItemResult {
  key: string;
  index: number;
  /** `skipped`: registered by an earlier run of the same journal (its result is given). */
  status: 'registered' | 'failed' | 'skipped';
  result?: RegistrationResult | undefined;
  error?: Error | undefined;
  /** What the item's confirm debited (its approved quote's debit), when known. */
  debitCredits?: number | null | undefined;
}

/** What `registerMany` resolves with. */
export interface BatchReport {
  /** One entry per item, in the items' order. */
  results: BatchItemResult[];
  summary: {
    total: number;
    registered: number;
    failed: number;
    skipped: number;
    /** Credits debited by the items registered in this run (their quotes' debits). */
    debitedCredits: number;
    durationMs: number;
  };
}

/** Options of `registerMany`. */
export interface RegisterManyOptions {
  /** Items in flight at once, 1–64. Default 4. */
  concurrency?: number | undefined;
  /**
   * A JSON-lines file recording each item's steps (fsync'ed before each step it guards). Run
   * again with the same file after a crash: finished items are `skipped`, the others resume where
   * they stopped; no item is registered or debited twice. One process at a time per file.
   */
  journal?: string | undefined;
  /** Stops the batch: running items are aborted, waiting ones are not started (both `failed`). */
  signal?: AbortSignal | undefined;
  /** Decides on each quote (default: approve within `maxPriceCredits`). */
  approve?:
    | ((
        quote: PreparedQuote,
        explanation: QuoteExplanation,
        item: { key: string; index: number },
      ) => boolean | Promise<boolean>)
    | undefined;
  /** Refuse, without asking, any quote that would debit more than this. */
  maxPriceCredits?: number | undefined;
  verifyCommitment?: VerifyCommitmentMode | undefined;
  /** Attempts per item for failures that may pass (network, 5xx, lost answers). Default 4. */
  maxAttempts?: number | undefined;
  /** Each item's progress and end. */
  onItem?: ((event: BatchItemEvent) => void) | undefined;
}

/** Where engines come from: a client's `works.createRegistration`. */
export interface EngineSource {
  createEngine(options: CreateRegistrationOptions): RegistrationEngine;
}

const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 64;
const DEFAULT_MAX_ATTEMPTS = 4;

/**
 * Registers many works with one client, `concurrency` at a time, each as `works.register` does
 * (also as `client.works.registerMany(items, options)`). An item that fails for a reason that may
 * pass (network, `5xx`, throttling, a lost confirm answer) is tried again from where it stopped,
 * never from scratch once a confirm may have been sent. With `journal`, every step is recorded
 * before it happens, so a run killed at any point and started again with the same file skips the
 * finished items, follows confirmed ones, settles uncertain confirms through prepare and the works
 * listing, and resumes the rest: no item is registered or debited twice. Resolves with a report
 * and never rejects for an item (bad options or duplicate keys reject before anything is sent).
 *
 * @example
 * const report = await registerMany(client, files.map((file) => ({ title: titleOf(file), creators, file })), {
 *   concurrency: 8, journal: './registrations.jsonl', maxPriceCredits: 100,
 *   onItem: ({ key, status }) => console.log(key, status),
 * });
 * console.log(report.summary); // { total, registered, failed, skipped, debitedCredits, durationMs }
 */
export function registerMany(
  client: AtsClient,
  items: readonly BatchItem[],
  options?: RegisterManyOptions,
): Promise<BatchReport> {
  return runRegisterMany(
    { createEngine: (engineOptions) => client.works.createRegistration(engineOptions) },
    client.network,
    items,
    options,
  );
}

/** `registerMany` over any engine source (the client's works resource uses it directly). */
export async function runRegisterMany(
  source: EngineSource,
  defaultNetwork: Network,
  items: readonly BatchItem[],
  options: RegisterManyOptions = {},
): Promise<BatchReport> {
  const started = Date.now();
  const settings = checkOptions(items, options);
  const keys = itemKeys(items);
  const journal = await RegistrationJournal.open(options.journal);
  const batch: Batch = { source, defaultNetwork, options, settings, journal };
  const results: BatchItemResult[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await runItem(
        batch,
        items[index] as BatchItem,
        keys[index] as string,
        index,
      );
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(settings.concurrency, items.length) }, () => worker()),
    );
  } finally {
    await journal.close();
  }
  const count = (status: BatchItemResult['status']) =>
    results.filter((entry) => entry.status === status).length;
  return {
    results,
    summary: {
      total: items.length,
      registered: count('registered'),
      failed: count('failed'),
      skipped: count('skipped'),
      debitedCredits: results
        .filter((entry) => entry.status === 'registered')
        .reduce((sum, entry) => sum + (entry.debitCredits ?? 0), 0),
      durationMs: Date.now() - started,
    },
  };
}

interface Batch {
  source: EngineSource;
  defaultNetwork: Network;
  options: RegisterManyOptions;
  settings: { concurrency: number; maxAttempts: number };
  journal: RegistrationJournal;
}

async function runItem(
  batch: Batch,
  item: BatchItem,
  key: string,
  index: number,
): Promise<BatchItemResult> {
  const { journal, options } = batch;
  const done = journal.state(key);
  if (done.result) {
    emit(options, { key, index, status: 'skipped', result: done.result });
    return { key, index, status: 'skipped', result: done.result, debitCredits: done.debitCredits };
  }
  let failure: unknown;
  if (options.signal?.aborted) {
    failure = new AtsAbortError('The batch was aborted before this item started');
  } else {
    emit(options, { key, index, status: 'started' });
    for (let attempt = 1; attempt <= batch.settings.maxAttempts; attempt++) {
      try {
        const result = await attemptItem(batch, item, key, index);
        const debitCredits = journal.state(key).debitCredits;
        await journal.record(key, { event: 'registered', result, debit_credits: debitCredits });
        emit(options, { key, index, status: 'registered', result });
        return { key, index, status: 'registered', result, debitCredits };
      } catch (error) {
        failure = error;
        if (AtsTransactionFailedError.is(error)) {
          // Refunded and recorded nowhere: a later run may register the item afresh.
          await journal.record(key, { event: 'reset', reason: 'transaction_failed' }).catch(noop);
          break;
        }
        if (options.signal?.aborted || !isWorthAnotherAttempt(error)) break;
      }
    }
  }
  const error = toError(renameMediaIssues(failure));
  await journal
    .record(key, {
      event: 'failed',
      code: AtsError.is(error) ? error.code : error.name,
      message: error.message,
    })
    .catch(noop);
  emit(options, { key, index, status: 'failed', error });
  return { key, index, status: 'failed', error, debitCredits: null };
}

/** One attempt at an item, from the step the journal says it reached. */
async function attemptItem(
  batch: Batch,
  item: BatchItem,
  key: string,
  index: number,
): Promise<RegistrationResult> {
  const { journal, options } = batch;
  const state = journal.state(key);
  if (state.result) return state.result;
  const network = item.network ?? batch.defaultNetwork;
  const approve = options.approve;
  const engine = batch.source.createEngine({
    ...(options.signal ? { signal: options.signal } : {}),
    ...(approve
      ? { approve: (quote, explanation) => approve(quote, explanation, { key, index }) }
      : {}),
    ...(options.maxPriceCredits !== undefined ? { maxPriceCredits: options.maxPriceCredits } : {}),
    ...(options.verifyCommitment ? { verifyCommitment: options.verifyCommitment } : {}),
    // Recorded (and fsync'ed) before the confirm goes out: from here the job may be confirmed,
    // so a later run settles it instead of starting another job.
    beforeConfirm: async ({ jobId, quote, network: jobNetwork }) => {
      await journal.record(key, {
        event: 'confirm_started',
        job_id: jobId,
        network: jobNetwork,
        work_id: quote?.work_id ?? null,
        debit_credits: quote ? explainQuote(quote, jobNetwork).debitCredits : null,
      });
    },
  });
  // Each new job is recorded as soon as init answers (in order, before any confirm record).
  engine.subscribe(() => {
    const { jobId } = engine.getSnapshot();
    if (jobId !== null && jobId !== journal.state(key).jobId) {
      journal.record(key, { event: 'job', job_id: jobId, network }).catch(noop);
    }
  });
  engine.on('progress', (progress) => emit(options, { key, index, status: 'uploading', progress }));
  engine.on('confirmed', ({ jobId, transactionId }) => {
    journal
      .record(key, { event: 'transaction', job_id: jobId, transaction_id: transactionId })
      .catch(noop);
    emit(options, { key, index, status: 'confirmed', transactionId });
  });
  try {
    return await advanceItem(engine, batch, item, key, network);
  } finally {
    engine.dispose();
  }
}

async function advanceItem(
  engine: RegistrationEngine,
  batch: Batch,
  item: BatchItem,
  key: string,
  network: Network,
): Promise<RegistrationResult> {
  const { journal } = batch;
  const state = journal.state(key);
  const jobNetwork = state.network ?? network;
  if (state.transactionId !== null) {
    // Confirmed: follow the transaction to its end.
    const result = await engine.track({ transactionId: state.transactionId, network: jobNetwork });
    return { ...result, job_id: result.job_id ?? state.jobId };
  }
  if (state.jobId !== null) {
    const common = {
      jobId: state.jobId,
      network: jobNetwork,
      title: item.title,
      creators: item.creators,
      media: await rereadableSourceOf(item.file),
    };
    if (state.confirmStarted) {
      // A confirm may have been sent: the engine confirms only a job still pending, and looks a
      // consumed one up in the listing. It never starts another job.
      return engine.resume({
        ...common,
        stage: 'confirm',
        ...(state.workId ? { workId: state.workId } : {}),
      });
    }
    try {
      return await engine.resume({ ...common, stage: 'prepare', confirmNeverSent: true });
    } catch (error) {
      if (isCode(error, 'registration.audio_empty')) {
        // Not uploaded yet: replay the same init below (same job, its upload URL).
      } else if (isCode(error, 'registration.upload_session_not_found')) {
        // Expired without a confirm (none was journaled): start a new job.
        await journal.record(key, { event: 'reset', reason: 'job_expired' });
      } else {
        throw error;
      }
    }
  }
  let idempotencyKey = journal.state(key).idempotencyKey;
  if (idempotencyKey === null) {
    idempotencyKey = randomUUID();
    await journal.record(key, { event: 'idempotency_key', idempotency_key: idempotencyKey });
  }
  const file = item.file;
  return engine.register({
    network,
    title: item.title,
    filename: (file === undefined ? item.filename : filenameOf(file, item.filename)) as string,
    creators: item.creators,
    externalUserRef: item.externalUserRef,
    media: file,
    idempotencyKey,
  });
}

/**
 * Failures another attempt may get past, resuming from the journaled step: no answer, `5xx`,
 * throttling, a lost confirm answer, an upload cut short or refused (a replayed init whose job was
 * already prepared resumes at prepare next time), tracking that timed out.
 */
function isWorthAnotherAttempt(error: unknown): boolean {
  if (isAbortError(error)) return false;
  if (isRetryableError(error) || AtsConfirmOutcomeUnknownError.is(error)) return true;
  if (AtsUploadError.is(error)) return true;
  if (!AtsError.is(error)) return false;
  return [
    'tracking_timeout',
    'quote_expired',
    'registration.prepared_not_found',
    'registration.upload_session_not_found',
  ].includes(error.code);
}

function isCode(error: unknown, code: string): boolean {
  return AtsError.is(error) && error.code === code;
}

function checkOptions(
  items: readonly BatchItem[],
  options: RegisterManyOptions,
): Batch['settings'] {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(items)) {
    issues.push({ path: 'items', code: 'invalid_type', message: 'must be an array of items' });
  } else {
    items.forEach((item, index) => {
      if (typeof item !== 'object' || item === null) {
        issues.push({
          path: `items[${index}]`,
          code: 'invalid_type',
          message: 'must be an object { title, creators, file }',
        });
      } else if (item.key !== undefined && (typeof item.key !== 'string' || item.key === '')) {
        issues.push({
          path: `items[${index}].key`,
          code: 'invalid_value',
          message: 'must be a non-empty string, or be left out',
        });
      }
    });
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    issues.push({
      path: 'concurrency',
      code: 'invalid_value',
      message: `must be a whole number from 1 to ${MAX_CONCURRENCY}`,
    });
  }
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    issues.push({
      path: 'maxAttempts',
      code: 'invalid_value',
      message: 'must be a whole number ≥ 1',
    });
  }
  for (const name of ['approve', 'onItem'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      issues.push({ path: name, code: 'invalid_type', message: 'must be a function' });
    }
  }
  if (options.journal !== undefined && (typeof options.journal !== 'string' || !options.journal)) {
    issues.push({ path: 'journal', code: 'invalid_value', message: 'must be a file path' });
  }
  if (issues.length > 0) throw new AtsValidationError('Invalid registerMany call', { issues });
  return { concurrency, maxAttempts };
}

/** Every item's key; two items with one key would be one registration, so that is refused. */
function itemKeys(items: readonly BatchItem[]): string[] {
  const keys = items.map((item, index) => batchItemKey(item, index));
  const seen = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  keys.forEach((key, index) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      issues.push({
        path: `items[${index}].key`,
        code: 'invalid_value',
        message: `is the same as items[${first}]'s (same key, or same file, title and creators): give each item its own key`,
      });
    }
  });
  if (issues.length > 0) throw new AtsValidationError('Invalid registerMany call', { issues });
  return keys;
}

/** Calls `onItem`; a throwing listener is reported, never allowed to break the batch. */
function emit(options: RegisterManyOptions, event: BatchItemEvent): void {
  try {
    options.onItem?.(event);
  } catch (error) {
    console.error('[@ats-kit/node] registerMany onItem threw:', error);
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function noop(): void {}
