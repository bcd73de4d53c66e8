import { createReadStream } from 'node:fs';
import {
  AtsFileTooLargeError,
  computeCommitment,
  hashMedia,
  PROTOCOL_VERSION,
  quoteFees,
  type TestnetQuoteMode,
  toWireHash,
} from '@ats-kit/core';
import type { Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { isoTimestamp } from '../http/timestamps';
import { findWork, latestVersionOf, type StoredCreator } from '../works/works';
import { assertJobAccess } from './job-access';
import { findJob, isJobExpired, type JobKind, type JobRow, QUOTE_TTL_MS, updateJob } from './jobs';

/** Most versions a work can have; the dry run refuses the next one (sandbox choice). */
export const MAX_VERSIONS_PER_WORK = 100;

/** Which jobs a prepare route accepts. */
export interface JobExpectation {
  kind: JobKind;
  /** Version routes: the job must target this work. */
  workId?: string;
}

/**
 * Prepares a job (api.md §5.3, §6): checks it (`404 upload_session_not_found` if unknown,
 * expired, confirmed or of another route; `403 upload_session_forbidden` for another credential;
 * `422 audio_empty`; `413 audio_too_large`; `422 dry_run_failed`), closes its upload URL, streams
 * the stored file from disk into core's hasher, computes the protocol v1 commitment and prices it
 * with the settings' schedule. The quote lives 5 minutes; preparing again gives a fresh one.
 *
 * @example
 * const answer = await prepareJob(ctx, principal, body.job_id, { kind: 'register' });
 */
export async function prepareJob(
  ctx: SandboxContext,
  principal: Principal,
  jobId: string,
  expect: JobExpectation,
): Promise<Record<string, unknown>> {
  const { db } = ctx;
  const notFound = () =>
    new ApiFailure(
      404,
      'registration.upload_session_not_found',
      `No open job ${jobId}: it is unknown, expired or already confirmed. Start again from init.`,
    );

  const job = db.transaction(() => {
    const found = findJob(db, jobId);
    if (!found || found.kind !== expect.kind) throw notFound();
    if (expect.workId !== undefined && found.work_id !== expect.workId) throw notFound();
    if (found.organization_id !== principal.organization.id) {
      throw new ApiFailure(
        403,
        'registration.upload_session_forbidden',
        'This job belongs to another credential.',
      );
    }
    assertJobAccess(ctx, principal, found, 'prepare');
    if (found.state === 'confirmed' || isJobExpired(found, ctx.clock.now())) throw notFound();
    if (found.reuses_file !== 1 && (found.state === 'awaiting_upload' || !found.size_bytes)) {
      throw new ApiFailure(
        422,
        'registration.audio_empty',
        'Nothing was uploaded for this job yet (or the file is empty); PUT the file to upload_url first.',
      );
    }
    // The schedule's maximum may have been lowered since init.
    const limit = Math.min(found.max_file_size_bytes, ctx.settings.current.fees.max_asset_bytes);
    if (found.reuses_file !== 1 && found.size_bytes! > limit) {
      throw new ApiFailure(
        413,
        'registration.audio_too_large',
        `The file is ${found.size_bytes} bytes; the limit is ${limit}.`,
        { size_bytes: found.size_bytes, max_bytes: limit },
      );
    }
    dryRun(ctx, found);
    // The first prepare closes the upload URL (api.md §14.1).
    updateJob(db, found.id, { upload_closed: 1 });
    return found;
  })();

  const work = job.kind === 'add_version' ? findWork(db, job.work_id) : undefined;
  const title = work?.title ?? job.title;
  const creators = JSON.parse(job.creators) as StoredCreator[];

  let mediaHash = job.media_hash;
  let sizeBytes = job.size_bytes;
  if (job.reuses_file === 1) {
    const current = latestVersionOf(db, work!);
    mediaHash = current.media_hash;
    sizeBytes = current.size_bytes;
  } else if (!mediaHash) {
    const hashed = await hashMedia(createReadStream(job.file_path!));
    mediaHash = toWireHash(hashed.mediaHash, 'mediaHash');
    sizeBytes = hashed.sizeBytes;
  }
  const result = await computeCommitment(
    { title, creators },
    { mediaHash: mediaHash!, sizeBytes: sizeBytes! },
  );
  const fees = quoteJob(ctx, job, sizeBytes!);

  const now = ctx.clock.now();
  const expiresAt = now + QUOTE_TTL_MS;
  const commitment = toWireHash(result.commitment, 'commitment');
  const merkleRoot = toWireHash(result.merkleRoot, 'merkleRoot');
  db.transaction(() => {
    const current = findJob(db, job.id)!;
    if (current.state === 'confirmed' || isJobExpired(current, now)) {
      throw new ApiFailure(
        404,
        'registration.upload_session_not_found',
        `No open job ${jobId}: it was confirmed or expired meanwhile.`,
      );
    }
    updateJob(db, job.id, {
      state: 'prepared',
      media_hash: toWireHash(mediaHash!, 'mediaHash'),
      size_bytes: sizeBytes,
      merkle_root: merkleRoot,
      commitment,
      quote: JSON.stringify(fees),
      quote_expires_at: expiresAt,
    });
  })();

  const { total_price_credits: total, ...components } = fees as typeof fees & {
    total_price_credits: number;
  };
  return {
    job_id: job.id,
    ...(job.kind === 'register' ? { work_id: job.work_id } : {}),
    commitment,
    ...components,
    total_price_credits: total,
    is_valid: true,
    expires_at: isoTimestamp(expiresAt),
    ...(job.kind === 'add_version' ? { work_id: job.work_id } : {}),
    size_bytes: sizeBytes,
    media_hash: toWireHash(mediaHash!, 'mediaHash'),
    merkle_root: merkleRoot,
    protocol_version: PROTOCOL_VERSION,
  };
}

// The size was checked against the limit before hashing, but the schedule's maximum may have been
// lowered meanwhile (PUT /_sandbox/settings): that is the same 413, never a 500.
function quoteJob(ctx: SandboxContext, job: JobRow, sizeBytes: number) {
  const settings = ctx.settings.current;
  try {
    return job.kind === 'register'
      ? quoteFees({
          operation: 'register',
          network: job.network,
          sizeBytes,
          schedule: settings.fees,
          testnetQuote: settings.testnet_quote as TestnetQuoteMode,
        })
      : job.reuses_file === 1
        ? quoteFees({
            operation: 'update',
            network: job.network,
            keepFile: true,
            schedule: settings.fees,
            testnetQuote: settings.testnet_quote as TestnetQuoteMode,
          })
        : quoteFees({
            operation: 'update',
            network: job.network,
            sizeBytes,
            schedule: settings.fees,
            testnetQuote: settings.testnet_quote as TestnetQuoteMode,
          });
  } catch (error) {
    if (!(error instanceof AtsFileTooLargeError)) throw error;
    throw new ApiFailure(
      413,
      'registration.audio_too_large',
      `The file is ${error.sizeBytes} bytes; the limit is ${error.maxBytes}.`,
      { size_bytes: error.sizeBytes, max_bytes: error.maxBytes },
    );
  }
}

function dryRun(ctx: SandboxContext, job: JobRow): void {
  if (ctx.faults.draw('dry_run_failure_rate')) {
    throw new ApiFailure(
      422,
      'registration.dry_run_failed',
      'The chain dry run refused the transaction (injected fault).',
      { reason: 'fault_injected' },
    );
  }
  if (job.kind === 'add_version') {
    const work = findWork(ctx.db, job.work_id);
    if (work && work.latest_version >= MAX_VERSIONS_PER_WORK) {
      throw new ApiFailure(
        422,
        'registration.dry_run_failed',
        `The work already has ${MAX_VERSIONS_PER_WORK} versions, the most the chain accepts.`,
        { reason: 'max_versions_reached' },
      );
    }
  }
}

/** The quote stored at prepare. */
export function storedQuote(job: JobRow): Record<string, number> {
  return JSON.parse(job.quote ?? '{}') as Record<string, number>;
}
