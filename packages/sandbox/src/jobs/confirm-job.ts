import { debitForNetwork } from '@ats-kit/core';
import { balanceOf, testnetQuotaUsage } from '../accounts/organizations';
import type { Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { isoTimestamp } from '../http/timestamps';
import { assertJobAccess } from './job-access';
import { findJob, hasLiveQuote, updateJob } from './jobs';
import type { JobExpectation } from './prepare-job';
import { storedQuote } from './prepare-job';

/**
 * Confirms a prepared job (api.md §5.4), atomically: the live quote and owner (`404
 * prepared_not_found`, `403 prepared_forbidden`), the testnet quota (`429 common.quota_exceeded`),
 * the confirm concurrency (`503`), the balance (`403 common.forbidden`, insufficient credits; the
 * job and quote stay usable), then the debit (`fees.md`: storage fee on testnet, the total on
 * mainnet), the job consumed and the transaction started. Returns the `202` body.
 *
 * @example
 * const answer = confirmJob(ctx, principal, body.job_id, { kind: 'register' });
 */
export function confirmJob(
  ctx: SandboxContext,
  principal: Principal,
  jobId: string,
  expect: JobExpectation,
): Record<string, unknown> {
  const { db } = ctx;
  const notFound = () =>
    new ApiFailure(
      404,
      'registration.prepared_not_found',
      `Job ${jobId} has no live quote: never prepared, quote lapsed, or already confirmed. Prepare again (or start from init).`,
    );
  const tx = db.transaction(() => {
    const now = ctx.clock.now();
    const job = findJob(db, jobId);
    if (!job || job.kind !== expect.kind) throw notFound();
    if (expect.workId !== undefined && job.work_id !== expect.workId) throw notFound();
    if (job.organization_id !== principal.organization.id) {
      throw new ApiFailure(
        403,
        'registration.prepared_forbidden',
        'This job belongs to another credential.',
      );
    }
    assertJobAccess(ctx, principal, job, 'confirm');
    if (!hasLiveQuote(job, now)) throw notFound();

    const org = principal.organization;
    if (job.network === 'testnet') {
      const quota = testnetQuotaUsage(db, org, now);
      if (quota && quota.used >= quota.limit) {
        throw new ApiFailure(
          429,
          'common.quota_exceeded',
          `The testnet quota of ${quota.limit} confirms per period is used up until ${isoTimestamp(quota.resetsAt)}.`,
          { limit: quota.limit, used: quota.used, resets_at: isoTimestamp(quota.resetsAt) },
          { 'Retry-After': String(Math.max(1, Math.ceil((quota.resetsAt - now) / 1000))) },
        );
      }
    }
    const concurrency = ctx.settings.current.confirm_concurrency;
    if (ctx.transactions.inFlightCount(org.id) >= concurrency) {
      throw new ApiFailure(
        503,
        'common.service_unavailable',
        `Over ${concurrency} confirms are in flight; retry when one finishes.`,
        undefined,
        { 'Retry-After': '1' },
      );
    }
    const quote = storedQuote(job);
    const required = debitForNetwork(
      {
        storage_fee_credits: quote.storage_fee_credits ?? 0,
        total_price_credits: quote.total_price_credits ?? 0,
      },
      job.network,
    );
    const current = db
      .prepare('SELECT * FROM organizations WHERE id = ?')
      .get(org.id) as typeof org;
    const available = balanceOf(current, job.network);
    if (available < required) {
      throw new ApiFailure(
        403,
        'common.forbidden',
        `The organization has ${available} ${job.network} credits; this confirm needs ${required}. Top up and confirm again.`,
        { reason: 'insufficient_credits', network: job.network, required, available },
      );
    }
    const column = job.network === 'mainnet' ? 'credits_mainnet' : 'credits_testnet';
    db.prepare(`UPDATE organizations SET ${column} = ${column} - ? WHERE id = ?`).run(
      required,
      org.id,
    );
    const started = ctx.transactions.start(job, required, now);
    updateJob(db, job.id, { state: 'confirmed', transaction_id: started.id });
    return started;
  })();
  ctx.transactions.flush();
  ctx.scheduler.poke();
  return {
    transaction_id: tx.id,
    ws_url: `/v1/ws/transactions/${tx.id}`,
    status_url: `/v1/transactions/${tx.id}`,
    ...(expect.kind === 'add_version' ? { transaction_type: 'add_version' } : {}),
  };
}
