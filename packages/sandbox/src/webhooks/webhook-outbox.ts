// The webhook outbox (api.md §12, §17): a durable queue in SQLite. Each delivery keeps its body as
// the exact bytes serialised once, so every attempt sends the same bytes under a fresh signature.
// Waits between attempts run on the virtual clock; the answer timeout runs on the wall clock.
import { createHmac, randomUUID } from 'node:crypto';
import {
  formatSignatureHeader,
  signedPayload,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from '@ats-kit/core';
import type { Database } from 'better-sqlite3';

/** Waits after the 1st…5th failed attempt; the 6th failure parks the delivery (§12). */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  1_000, 5_000, 30_000, 120_000, 600_000,
]);

/** Attempts in one series: the first plus one per retry delay. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;

/** Wall-clock time a receiver has to answer before the attempt counts as failed. */
export const WEBHOOK_ANSWER_TIMEOUT_MS = 30_000;

/** Tables owned by the webhooks module (for the spine's reset). */
export const WEBHOOK_TABLES = ['webhook_attempts', 'webhook_deliveries'] as const;

/** A delivery's state: `dead` is the dead-letter queue. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One attempt as `/_sandbox/webhooks/deliveries` shows it. */
export interface WebhookAttempt {
  /** 1-based, counted over the delivery's whole life (a replay continues the count). */
  n: number;
  at: string;
  http_status: number | null;
  error: string | null;
}

/** A delivery in the shape of `GET /_sandbox/webhooks/deliveries` (§17). */
export interface WebhookDelivery {
  id: string;
  api_key_id: string;
  url: string;
  event: string;
  transaction_id: string;
  status: WebhookDeliveryStatus;
  attempts: WebhookAttempt[];
  next_attempt_at: string | null;
  body: unknown;
}

/** What `enqueue` needs. `payload` is serialised once, here. */
export interface WebhookEnqueueInput {
  apiKeyId: string;
  url: string;
  /** The key's webhook secret, base64 (32 bytes decoded). */
  secretBase64: string;
  event: string;
  transactionId: string;
  payload: unknown;
}

/** The sandbox logger's shape (message, then fields). Secrets are never passed to it. */
export interface WebhookLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** The `fetch` the outbox calls (the global one by default). */
export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Options of `WebhookOutbox`. */
export interface WebhookOutboxOptions {
  db: Database;
  /** Virtual clock, epoch ms. */
  clock: { now(): number };
  log?: WebhookLog;
  fetch?: WebhookFetch;
  /** Wall-clock answer timeout; 30 s unless a test shortens it. */
  answerTimeoutMs?: number;
  /** Attempts run at once by one `runDue` call. Default 16. */
  maxConcurrentAttempts?: number;
  /** Called after anything that may move `nextDueAt()` (enqueue, attempt end, replay). */
  onScheduleChange?: () => void;
}

interface DeliveryRow {
  id: string;
  api_key_id: string;
  url: string;
  secret_base64: string;
  event: string;
  transaction_id: string;
  body: Buffer;
  status: WebhookDeliveryStatus;
  series_failures: number;
  next_attempt_at: number | null;
}

interface AttemptRow {
  delivery_id: string;
  n: number;
  at: number;
  http_status: number | null;
  error: string | null;
}

type AttemptOutcome =
  | { kind: 'delivered'; httpStatus: number }
  | { kind: 'permanent'; httpStatus: number; error: string }
  | { kind: 'retry'; httpStatus: number | null; error: string }
  | { kind: 'interrupted' };

/**
 * Creates the webhook tables if missing: `webhook_deliveries` (one row per event and key; body as
 * a BLOB; `in_flight` marks a running attempt) and `webhook_attempts` (one row per attempt).
 * Idempotent.
 *
 * @example
 * migrateWebhooks(db);
 */
export function migrateWebhooks(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS webhook_deliveries (
      id TEXT PRIMARY KEY,
      api_key_id TEXT NOT NULL,
      url TEXT NOT NULL,
      secret_base64 TEXT NOT NULL,
      event TEXT NOT NULL,
      transaction_id TEXT NOT NULL,
      body BLOB NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
      series_failures INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER,
      in_flight INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS webhook_deliveries_due
      ON webhook_deliveries (status, in_flight, next_attempt_at);
    CREATE INDEX IF NOT EXISTS webhook_deliveries_transaction
      ON webhook_deliveries (transaction_id);
    CREATE TABLE IF NOT EXISTS webhook_attempts (
      delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      n INTEGER NOT NULL,
      at INTEGER NOT NULL,
      http_status INTEGER,
      error TEXT,
      PRIMARY KEY (delivery_id, n)
    );
  `);
}

/**
 * The durable webhook outbox. The spine enqueues inside its own transaction when a transaction
 * ends, and drives time: it calls `runDue()` whenever `nextDueAt()` is reached on the virtual
 * clock. Every state change is one SQLite transaction, so a process killed at any point loses no
 * delivery; an attempt that was in flight then is retried by the next outbox opened on the file
 * (one outbox per database: the constructor takes over unfinished attempts).
 *
 * @example
 * const outbox = new WebhookOutbox({ db, clock });
 * db.transaction(() => { finalize(tx); outbox.enqueue({ apiKeyId, url, secretBase64, event, transactionId, payload }); })();
 * const due = outbox.nextDueAt(); // schedule a timer for it, then:
 * await outbox.runDue();
 */
export class WebhookOutbox {
  /** Scheduler source name (the outbox can be handed to a scheduler as is). */
  readonly name = 'webhooks';
  /** Attempts do network I/O: run them off the request path. */
  readonly sync = false;
  readonly #db: Database;
  readonly #clock: { now(): number };
  readonly #log: WebhookLog | undefined;
  readonly #fetch: WebhookFetch;
  readonly #answerTimeoutMs: number;
  readonly #maxConcurrent: number;
  readonly #onScheduleChange: (() => void) | undefined;
  readonly #controllers = new Set<AbortController>();
  readonly #statements;

  constructor(options: WebhookOutboxOptions) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#answerTimeoutMs = options.answerTimeoutMs ?? WEBHOOK_ANSWER_TIMEOUT_MS;
    this.#maxConcurrent = Math.max(1, options.maxConcurrentAttempts ?? 16);
    this.#onScheduleChange = options.onScheduleChange;
    migrateWebhooks(this.#db);
    const db = this.#db;
    this.#statements = {
      insert: db.prepare(
        `INSERT INTO webhook_deliveries (id, api_key_id, url, secret_base64, event, transaction_id,
           body, status, series_failures, next_attempt_at, in_flight, created_at, updated_at)
         VALUES (@id, @apiKeyId, @url, @secretBase64, @event, @transactionId,
           @body, 'pending', 0, @now, 0, @now, @now)`,
      ),
      nextDue: db.prepare<[], { due: number | null }>(
        `SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries
         WHERE status = 'pending' AND in_flight = 0`,
      ),
      due: db.prepare<[number], DeliveryRow>(
        `SELECT * FROM webhook_deliveries
         WHERE status = 'pending' AND in_flight = 0 AND next_attempt_at <= ?
         ORDER BY next_attempt_at, created_at, rowid`,
      ),
      claim: db.prepare<[number, string]>(
        `UPDATE webhook_deliveries SET in_flight = 1, updated_at = ?
         WHERE id = ? AND status = 'pending' AND in_flight = 0`,
      ),
      release: db.prepare<[string]>('UPDATE webhook_deliveries SET in_flight = 0 WHERE id = ?'),
      releaseAll: db.prepare('UPDATE webhook_deliveries SET in_flight = 0 WHERE in_flight = 1'),
      finish: db.prepare(
        `UPDATE webhook_deliveries SET status = @status, series_failures = @seriesFailures,
           next_attempt_at = @nextAttemptAt, in_flight = 0, updated_at = @now
         WHERE id = @id`,
      ),
      lastAttempt: db.prepare<[string], { n: number | null }>(
        'SELECT MAX(n) AS n FROM webhook_attempts WHERE delivery_id = ?',
      ),
      insertAttempt: db.prepare(
        `INSERT INTO webhook_attempts (delivery_id, n, at, http_status, error)
         VALUES (@deliveryId, @n, @at, @httpStatus, @error)`,
      ),
      attemptsOf: db.prepare<[string], AttemptRow>(
        'SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY n',
      ),
      replay: db.prepare<[number, number, string]>(
        `UPDATE webhook_deliveries SET status = 'pending', series_failures = 0,
           next_attempt_at = ?, in_flight = 0, updated_at = ?
         WHERE id = ? AND status = 'dead'`,
      ),
      deadIds: db.prepare<[], { id: string }>(
        `SELECT id FROM webhook_deliveries WHERE status = 'dead' ORDER BY created_at, rowid`,
      ),
      clearAttempts: db.prepare('DELETE FROM webhook_attempts'),
      clearDeliveries: db.prepare('DELETE FROM webhook_deliveries'),
    };
    // Attempts marked in flight by a process that died never finished: make them due again.
    this.#statements.releaseAll.run();
  }

  /**
   * Queues a delivery, due now. Synchronous, so it joins the caller's open transaction. The
   * payload is serialised to JSON once and stored as bytes; returns the delivery id (the
   * `X-Allfeat-Delivery` header, stable across attempts and replays).
   *
   * @example
   * const id = outbox.enqueue({ apiKeyId, url, secretBase64, event: 'work_registered', transactionId, payload });
   */
  enqueue(input: WebhookEnqueueInput): string {
    const json = JSON.stringify(input.payload);
    if (typeof json !== 'string') throw new TypeError('payload must be serialisable to JSON');
    if (!/^https?:\/\//i.test(input.url)) {
      throw new TypeError('url must be an http or https URL (the API key webhook_url)');
    }
    if (Buffer.from(input.secretBase64, 'base64').length === 0) {
      throw new TypeError('secretBase64 must be the base64 webhook secret of the API key');
    }
    const id = randomUUID();
    this.#statements.insert.run({
      id,
      apiKeyId: input.apiKeyId,
      url: input.url,
      secretBase64: input.secretBase64,
      event: input.event,
      transactionId: input.transactionId,
      body: Buffer.from(json, 'utf8'),
      now: this.#clock.now(),
    });
    this.#onScheduleChange?.();
    return id;
  }

  /**
   * The virtual time (epoch ms) of the earliest pending attempt not already running, or `null`
   * when nothing waits. May be in the past: then `runDue()` has work to do.
   *
   * @example
   * const due = outbox.nextDueAt();
   * if (due !== null) scheduler.at(due, () => outbox.runDue());
   */
  nextDueAt(): number | null {
    return this.#statements.nextDue.get()?.due ?? null;
  }

  /**
   * Performs every attempt due at `clock.now()` (several at once) and resolves when they have all
   * ended. Each delivery is claimed in the database first, so overlapping calls never send one
   * attempt twice. Outcomes: 2xx delivered; 4xx other than 408 and 429 dead at once; 3xx (not
   * followed), 408, 429, 5xx, network errors and timeouts retried after 1 s, 5 s, 30 s, 2 min and
   * 10 min of virtual time, the 6th failure dead.
   *
   * @example
   * await outbox.runDue();
   */
  async runDue(): Promise<void> {
    const claimed = this.#claimDue();
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const row = claimed[next++] as DeliveryRow;
        await this.#attempt(row);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#maxConcurrent, claimed.length) }, worker),
    );
  }

  /**
   * Deliveries in the §17 shape, oldest first, optionally filtered by status (`dead` is the DLQ)
   * and transaction id.
   *
   * @example
   * outbox.list({ status: 'dead' });
   */
  list(filter: { status?: WebhookDeliveryStatus; transactionId?: string } = {}): WebhookDelivery[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.status !== undefined) {
      where.push('status = @status');
      params.status = filter.status;
    }
    if (filter.transactionId !== undefined) {
      where.push('transaction_id = @transactionId');
      params.transactionId = filter.transactionId;
    }
    const sql = `SELECT * FROM webhook_deliveries ${
      where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    } ORDER BY created_at, rowid`;
    const rows = this.#db.prepare<Record<string, unknown>, DeliveryRow>(sql).all(params);
    return rows.map((row) => ({
      id: row.id,
      api_key_id: row.api_key_id,
      url: row.url,
      event: row.event,
      transaction_id: row.transaction_id,
      status: row.status,
      attempts: this.#statements.attemptsOf.all(row.id).map((attempt) => ({
        n: attempt.n,
        at: new Date(attempt.at).toISOString(),
        http_status: attempt.http_status,
        error: attempt.error,
      })),
      next_attempt_at:
        row.status === 'pending' && row.next_attempt_at !== null
          ? new Date(row.next_attempt_at).toISOString()
          : null,
      body: JSON.parse(row.body.toString('utf8')),
    }));
  }

  /**
   * Moves dead deliveries back to pending, due now, each for a full new series of attempts with
   * the same body and delivery id (signatures are fresh, as on every attempt). Without `ids`,
   * every dead delivery; ids that are unknown or not dead are skipped. Returns the ids requeued.
   *
   * @example
   * outbox.replay(); // POST /_sandbox/webhooks/dlq/replay {}
   */
  replay(ids?: readonly string[]): string[] {
    const replayed = this.#db.transaction(() => {
      const targets = ids ?? this.#statements.deadIds.all().map((row) => row.id);
      const now = this.#clock.now();
      return [...new Set(targets)].filter(
        (id) => this.#statements.replay.run(now, now, id).changes === 1,
      );
    })();
    if (replayed.length > 0) this.#onScheduleChange?.();
    return replayed;
  }

  /**
   * Aborts attempts in flight (at shutdown) without counting them: they stay pending and due, so
   * the next outbox on this database sends them again.
   *
   * @example
   * outbox.abortInFlight(); db.close();
   */
  abortInFlight(): void {
    for (const controller of this.#controllers) controller.abort(new ShutdownSignal());
  }

  /** Removes every delivery and attempt (sandbox reset). */
  clear(): void {
    this.#db.transaction(() => {
      this.#statements.clearAttempts.run();
      this.#statements.clearDeliveries.run();
    })();
    this.#onScheduleChange?.();
  }

  #claimDue(): DeliveryRow[] {
    return this.#db.transaction(() => {
      const now = this.#clock.now();
      return this.#statements.due
        .all(now)
        .filter((row) => this.#statements.claim.run(now, row.id).changes === 1);
    })();
  }

  async #attempt(row: DeliveryRow): Promise<void> {
    const at = this.#clock.now();
    const timestamp = Math.floor(at / 1000);
    const secret = Buffer.from(row.secret_base64, 'base64');
    const signature = createHmac('sha256', secret)
      .update(signedPayload(timestamp, row.body))
      .digest('hex');
    const outcome = await this.#send(row, {
      'Content-Type': 'application/json',
      [WEBHOOK_SIGNATURE_HEADER]: formatSignatureHeader(timestamp, [signature]),
      [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
      [WEBHOOK_DELIVERY_HEADER]: row.id,
      'User-Agent': 'ats-kit-sandbox-webhooks',
    });
    try {
      if (outcome.kind === 'interrupted') {
        this.#statements.release.run(row.id);
        return;
      }
      this.#record(row, at, outcome);
    } catch (error) {
      // The database was closed under a running attempt (shutdown): it stays in flight on disk
      // and the next outbox opened on the file retries it.
      this.#log?.warn('webhook attempt result not recorded', {
        delivery_id: row.id,
        error: String(error),
      });
      return;
    }
    this.#onScheduleChange?.();
  }

  async #send(row: DeliveryRow, headers: Record<string, string>): Promise<AttemptOutcome> {
    const controller = new AbortController();
    this.#controllers.add(controller);
    const timer = setTimeout(
      () => controller.abort(new AnswerTimeout(this.#answerTimeoutMs)),
      this.#answerTimeoutMs,
    );
    try {
      const response = await this.#fetch(row.url, {
        method: 'POST',
        headers,
        body: new Uint8Array(row.body),
        redirect: 'manual',
        signal: controller.signal,
      });
      // Only the status matters; drop the body so the connection is released.
      response.body?.cancel().catch(() => {});
      return classifyStatus(response.status);
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
      if (reason instanceof ShutdownSignal) return { kind: 'interrupted' };
      if (reason instanceof AnswerTimeout) {
        return { kind: 'retry', httpStatus: null, error: reason.message };
      }
      return { kind: 'retry', httpStatus: null, error: networkErrorText(error) };
    } finally {
      clearTimeout(timer);
      this.#controllers.delete(controller);
    }
  }

  #record(row: DeliveryRow, at: number, outcome: Exclude<AttemptOutcome, { kind: 'interrupted' }>) {
    const now = this.#clock.now();
    let status: WebhookDeliveryStatus = 'pending';
    let seriesFailures = row.series_failures;
    let nextAttemptAt: number | null = null;
    if (outcome.kind === 'delivered') {
      status = 'delivered';
    } else if (outcome.kind === 'permanent') {
      status = 'dead';
      seriesFailures += 1;
    } else {
      seriesFailures += 1;
      const wait = WEBHOOK_RETRY_DELAYS_MS[seriesFailures - 1];
      if (wait === undefined) status = 'dead';
      else nextAttemptAt = now + wait;
    }
    const error = outcome.kind === 'delivered' ? null : outcome.error;
    this.#db.transaction(() => {
      const n = (this.#statements.lastAttempt.get(row.id)?.n ?? 0) + 1;
      this.#statements.insertAttempt.run({
        deliveryId: row.id,
        n,
        at,
        httpStatus: outcome.httpStatus,
        error,
      });
      this.#statements.finish.run({ id: row.id, status, seriesFailures, nextAttemptAt, now });
    })();
    const details = {
      delivery_id: row.id,
      event: row.event,
      transaction_id: row.transaction_id,
      http_status: outcome.httpStatus,
      status,
      next_attempt_at: nextAttemptAt === null ? null : new Date(nextAttemptAt).toISOString(),
    };
    if (outcome.kind === 'delivered') this.#log?.info('webhook delivered', details);
    else this.#log?.warn('webhook attempt failed', { ...details, error });
  }
}

// §12: 2xx delivered; 4xx other than 408/429 permanent; everything else (3xx included) retried.
function classifyStatus(status: number): Exclude<AttemptOutcome, { kind: 'interrupted' }> {
  if (status >= 200 && status < 300) return { kind: 'delivered', httpStatus: status };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'permanent', httpStatus: status, error: `HTTP ${status}: refused, not retried` };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: 'retry',
      httpStatus: status,
      error: `HTTP ${status}: redirects are not followed`,
    };
  }
  return { kind: 'retry', httpStatus: status, error: `HTTP ${status}` };
}

function networkErrorText(error: unknown): string {
  // undici wraps the socket error as `cause`; its code (ECONNREFUSED, …) is the useful part.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `network error: ${code}` : `network error: ${message}`;
}

class AnswerTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

class ShutdownSignal extends Error {
  constructor() {
    super('outbox shutting down');
  }
}
