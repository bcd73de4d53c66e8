import { explorerTxUrl, type Network } from '@ats-kit/core';
import { adjustCredits } from '../accounts/organizations';
import type { Block, BlockListener } from '../chain/chain';
import { txHashFor } from '../chain/hashes';
import type { ScheduledSource } from '../clock/scheduler';
import type { SandboxContext } from '../context';
import type { Database } from '../db/database';
import { isoTimestamp } from '../http/timestamps';
import { newUuid } from '../identifiers/identifiers';
import { findJob, type JobRow } from '../jobs/jobs';
import { buildWebhookPayload } from '../webhooks';
import { recordFinalizedVersion } from '../works/record-version';
import { findWork } from '../works/works';
import { type StepEntry, type StepName, stepEntry, TIMED_STEPS } from './steps';
import type { UpdateFrame } from './transaction-events';

/** A transaction as stored. */
export interface TransactionRow {
  id: string;
  organization_id: string;
  job_id: string;
  type: 'register' | 'add_version';
  network: Network;
  work_id: string;
  api_key_id: string | null;
  site_id: string | null;
  debit_credits: number;
  current_step: StepName;
  progress: number;
  description: string;
  steps: string;
  status: 'in_flight' | 'completed' | 'failed';
  next_step_at: number | null;
  submitted_at: number | null;
  included_height: number | null;
  included_at: number | null;
  tx_hash: string | null;
  block_hash: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
}

/** `result` of a terminal transaction (api.md §7.1). */
export interface TransactionResult {
  success: boolean;
  tx_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  ats_id: number | null;
  work_id: string | null;
  version: number | null;
  explorer_url: string | null;
  access_code: string | null;
  error: { code: string; message: string } | null;
}

export function findTransaction(db: Database, id: string): TransactionRow | undefined {
  return db.prepare('SELECT * FROM transactions WHERE id = ?').get(id) as
    | TransactionRow
    | undefined;
}

/** The status document of `GET /v1/transactions/{id}`. */
export function transactionStatusView(row: TransactionRow) {
  return {
    id: row.id,
    transaction_type: row.type,
    network: row.network,
    current_step: row.current_step,
    progress: row.progress,
    description: row.description,
    is_complete: row.status !== 'in_flight',
    result: row.result === null ? null : (JSON.parse(row.result) as TransactionResult),
    steps: JSON.parse(row.steps) as StepEntry[],
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
  };
}

/** The `update` frame for the current step (with `details` when terminal). */
export function currentUpdateFrame(row: TransactionRow): UpdateFrame {
  const steps = JSON.parse(row.steps) as StepEntry[];
  const last = steps[steps.length - 1]!;
  const frame: UpdateFrame = {
    type: 'update',
    step: last.step,
    progress: last.progress,
    description: last.description,
    timestamp: last.timestamp,
  };
  if (row.result !== null) {
    const { success: _success, ...details } = JSON.parse(row.result) as TransactionResult;
    frame.details = details;
  }
  return frame;
}

/**
 * The transaction timeline of api.md §7.3 on the virtual clock: `validating` at confirm, then
 * `preparing_transaction`, `signing`, `submitting` half a second apart (this object is the
 * scheduled source of those steps), then `confirming` when the next block includes it and
 * `completed` one block later (it is the chain's block listener). With chain-failure injection an
 * included transaction fails instead and is refunded. Step changes reach WebSockets after commit.
 *
 * @example
 * const tx = db.transaction(() => ctx.transactions.start(job, debit, now))();
 * ctx.transactions.flush();
 */
export class TransactionLifecycle implements ScheduledSource, BlockListener {
  readonly name = 'transaction-steps';
  readonly sync = true;
  private pending: { id: string; frame: UpdateFrame }[] = [];

  constructor(private readonly ctx: SandboxContext) {}

  /** Inserts the transaction of a confirmed job, at `validating`. Call inside the confirm's DB transaction. */
  start(job: JobRow, debit: number, at: number): TransactionRow {
    const first = stepEntry('validating', isoTimestamp(at));
    const row: TransactionRow = {
      id: newUuid(),
      organization_id: job.organization_id,
      job_id: job.id,
      type: job.kind,
      network: job.network,
      work_id: job.work_id,
      api_key_id: job.api_key_id,
      site_id: job.site_id,
      debit_credits: debit,
      current_step: 'validating',
      progress: first.progress,
      description: first.description,
      steps: JSON.stringify([first]),
      status: 'in_flight',
      next_step_at: at + TIMED_STEPS[1]!.offsetMs,
      submitted_at: null,
      included_height: null,
      included_at: null,
      tx_hash: null,
      block_hash: null,
      result: null,
      created_at: at,
      updated_at: at,
    };
    this.ctx.db
      .prepare(
        `INSERT INTO transactions (id, organization_id, job_id, type, network, work_id, api_key_id,
           site_id, debit_credits, current_step, progress, description, steps, status, next_step_at,
           submitted_at, included_height, included_at, tx_hash, block_hash, result, created_at, updated_at)
         VALUES (@id, @organization_id, @job_id, @type, @network, @work_id, @api_key_id, @site_id,
           @debit_credits, @current_step, @progress, @description, @steps, @status, @next_step_at,
           @submitted_at, @included_height, @included_at, @tx_hash, @block_hash, @result, @created_at,
           @updated_at)`,
      )
      .run(row);
    return row;
  }

  /** Transactions still running for an organization (the confirm concurrency limit). */
  inFlightCount(organizationId: string): number {
    const row = this.ctx.db
      .prepare(
        "SELECT COUNT(*) AS n FROM transactions WHERE organization_id = ? AND status = 'in_flight'",
      )
      .get(organizationId) as { n: number };
    return row.n;
  }

  /** Publishes the step changes committed so far to WebSocket listeners. */
  flush(): void {
    const frames = this.pending;
    this.pending = [];
    for (const { id, frame } of frames) this.ctx.events.publish(id, frame);
  }

  // ScheduledSource: the timed steps before the pool.
  nextDueAt(): number | null {
    const row = this.ctx.db
      .prepare('SELECT MIN(next_step_at) AS due FROM transactions WHERE next_step_at IS NOT NULL')
      .get() as { due: number | null };
    return row.due;
  }

  runDue(at: number): void {
    const rows = this.ctx.db
      .prepare(
        `SELECT * FROM transactions WHERE next_step_at IS NOT NULL AND next_step_at <= ?
         ORDER BY next_step_at, created_at, rowid`,
      )
      .all(at) as TransactionRow[];
    for (const row of rows) this.advanceTimedStep(row);
    this.flush();
  }

  // BlockListener
  hasPendingWork(network: Network): boolean {
    return (
      this.ctx.db
        .prepare(
          `SELECT 1 FROM transactions WHERE network = ? AND status = 'in_flight'
           AND current_step IN ('submitting', 'confirming') LIMIT 1`,
        )
        .get(network) !== undefined
    );
  }

  onBlock(block: Block): void {
    const { db } = this.ctx;
    const awaitingFinality = db
      .prepare(
        `SELECT * FROM transactions WHERE network = ? AND status = 'in_flight'
         AND current_step = 'confirming' AND included_height < ?
         ORDER BY included_height, submitted_at, created_at, rowid`,
      )
      .all(block.network, block.height) as TransactionRow[];
    for (const row of awaitingFinality) this.complete(row, block);

    const pool = db
      .prepare(
        `SELECT * FROM transactions WHERE network = ? AND status = 'in_flight'
         AND current_step = 'submitting' AND submitted_at <= ? ORDER BY submitted_at, created_at, rowid`,
      )
      .all(block.network, block.at) as TransactionRow[];
    for (const row of pool) {
      const txHash = txHashFor(row.network, row.id);
      const included = {
        ...row,
        tx_hash: txHash,
        block_hash: block.hash,
        included_height: block.height,
        included_at: block.at,
      };
      if (this.ctx.faults.draw('chain_failure_rate')) {
        this.fail(
          included,
          block.at,
          'The chain rejected the transaction (injected chain failure).',
        );
      } else {
        this.transition(included, 'confirming', block.at, {
          included_height: block.height,
          included_at: block.at,
          tx_hash: txHash,
          block_hash: block.hash,
        });
      }
    }
  }

  afterBlock(): void {
    this.flush();
  }

  private advanceTimedStep(row: TransactionRow): void {
    const index = TIMED_STEPS.findIndex((entry) => entry.step === row.current_step);
    const next = TIMED_STEPS[index + 1];
    const at = row.next_step_at!;
    if (!next) {
      this.ctx.db.prepare('UPDATE transactions SET next_step_at = NULL WHERE id = ?').run(row.id);
      return;
    }
    if (next.step === 'submitting') {
      // Blocks before this instant passed with an empty pool; the one at this instant includes it.
      this.ctx.chain.materializeIdleBlocks(row.network, at);
    }
    const after = TIMED_STEPS[index + 2];
    this.ctx.db.transaction(() => {
      this.transition(row, next.step, at, {
        next_step_at: after ? row.created_at + after.offsetMs : null,
        ...(next.step === 'submitting' ? { submitted_at: at } : {}),
      });
    })();
  }

  private complete(row: TransactionRow, block: Block): void {
    const job = findJob(this.ctx.db, row.job_id)!;
    const included = { height: row.included_height!, hash: row.block_hash!, at: row.included_at! };
    const { work, version, accessCode } = recordFinalizedVersion(
      this.ctx,
      row,
      job,
      included,
      block.at,
    );
    const result: TransactionResult = {
      success: true,
      tx_hash: row.tx_hash,
      block_number: row.included_height,
      block_hash: row.block_hash,
      ats_id: work.ats_id,
      work_id: work.id,
      version: version.version,
      explorer_url: explorerTxUrl(row.tx_hash!, row.network),
      access_code: accessCode,
      error: null,
    };
    this.transition(row, 'completed', block.at, {
      status: 'completed',
      result: JSON.stringify(result),
    });
    this.enqueueWebhook(row, () =>
      buildWebhookPayload({
        event: row.type === 'register' ? 'work_registered' : 'work_updated',
        transactionId: row.id,
        organizationId: row.organization_id,
        apiKeyId: row.api_key_id!,
        externalUserRef: work.external_user_ref,
        network: row.network,
        atsId: work.ats_id,
        txHash: row.tx_hash!,
        blockNumber: row.included_height!,
        blockHash: row.block_hash!,
        accessCode,
        finalizedAt: block.at,
        workId: work.id,
        version: version.version,
      }),
    );
  }

  private fail(row: TransactionRow, at: number, reason: string): void {
    const { db } = this.ctx;
    const job = findJob(db, row.job_id)!;
    if (row.debit_credits > 0)
      adjustCredits(db, row.organization_id, row.network, row.debit_credits);
    const work = row.type === 'add_version' ? findWork(db, row.work_id) : undefined;
    const result: TransactionResult = {
      success: false,
      tx_hash: row.tx_hash,
      block_number: row.included_height,
      block_hash: row.block_hash,
      ats_id: work?.ats_id ?? null,
      work_id: work?.id ?? null,
      version: null,
      explorer_url: row.tx_hash ? explorerTxUrl(row.tx_hash, row.network) : null,
      access_code: null,
      error: { code: 'transaction.failed', message: reason },
    };
    this.transition(row, 'failed', at, {
      status: 'failed',
      result: JSON.stringify(result),
      next_step_at: null,
      tx_hash: row.tx_hash,
      block_hash: row.block_hash,
      included_height: row.included_height,
      included_at: row.included_at,
    });
    this.enqueueWebhook(row, () =>
      buildWebhookPayload({
        event: 'work_failed',
        transactionId: row.id,
        organizationId: row.organization_id,
        apiKeyId: row.api_key_id!,
        externalUserRef: job.external_user_ref,
        network: row.network,
        transactionType: row.type,
        atsId: work?.ats_id ?? null,
        txHash: row.tx_hash,
        failedAt: at,
        reason,
      }),
    );
  }

  // Only API-key-confirmed transactions of a key with a webhook URL deliver (api.md §12).
  private enqueueWebhook(row: TransactionRow, payload: () => { event: string }): void {
    if (!row.api_key_id) return;
    const key = this.ctx.db
      .prepare('SELECT webhook_url, webhook_secret_base64 FROM api_keys WHERE id = ?')
      .get(row.api_key_id) as
      | { webhook_url: string | null; webhook_secret_base64: string | null }
      | undefined;
    if (!key?.webhook_url || !key.webhook_secret_base64) return;
    const body = payload();
    this.ctx.webhooks.enqueue({
      apiKeyId: row.api_key_id,
      url: key.webhook_url,
      secretBase64: key.webhook_secret_base64,
      event: body.event,
      transactionId: row.id,
      payload: body,
    });
  }

  private transition(
    row: TransactionRow,
    step: StepName,
    at: number,
    change: Partial<TransactionRow>,
  ): void {
    const entry = stepEntry(step, isoTimestamp(at));
    const steps = [...(JSON.parse(row.steps) as StepEntry[]), entry];
    const next: TransactionRow = {
      ...row,
      ...change,
      current_step: step,
      progress: entry.progress,
      description: entry.description,
      steps: JSON.stringify(steps),
      updated_at: at,
    };
    if (step === 'confirming' || step === 'completed' || step === 'failed')
      next.next_step_at = null;
    this.ctx.db
      .prepare(
        `UPDATE transactions SET current_step = @current_step, progress = @progress,
           description = @description, steps = @steps, status = @status, next_step_at = @next_step_at,
           submitted_at = @submitted_at, included_height = @included_height, included_at = @included_at,
           tx_hash = @tx_hash, block_hash = @block_hash, result = @result, updated_at = @updated_at
         WHERE id = @id`,
      )
      .run(next);
    this.pending.push({ id: row.id, frame: currentUpdateFrame(next) });
  }
}
