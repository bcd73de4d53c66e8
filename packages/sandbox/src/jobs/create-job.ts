import { MAX_ASSET_SIZE_BYTES, type Network } from '@ats-kit/core';
import type { Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { isoTimestamp } from '../http/timestamps';
import { newUuid } from '../identifiers/identifiers';
import { presign, UPLOAD_URL_TTL_SECONDS } from '../storage/presigned-url';
import type { StoredCreator } from '../works/works';
import { bindTokenAtInit } from './job-access';
import { insertJob, type JobKind, type JobRow } from './jobs';

/** What an init route asks for. */
export interface NewJob {
  kind: JobKind;
  network: Network;
  /** The work a version job targets; a registration's work id is its job id. */
  workId?: string;
  title: string;
  filename: string;
  creators: StoredCreator[];
  externalUserRef: string | null;
  /** `versions/init`: the version keeps the current file, nothing is uploaded. */
  reusesFile: boolean;
}

/** The created job and, unless it reuses the file, its presigned upload URL. */
export interface CreatedJob {
  job: JobRow;
  uploadUrl: string | null;
  uploadExpiresAt: string | null;
}

/**
 * Creates a job for an init route: the file size limit is the smallest of 500,000,000 bytes, the
 * schedule's maximum and the key's or session's `max_file_size_bytes`; the job lives
 * `job_ttl_seconds` (60 min by default); a session's write token binds to it. The upload URL is
 * `<origin>/_storage/uploads/<job_id>?X-Amz-…`, valid 10 minutes. Runs in one DB transaction.
 *
 * @example
 * const { job, uploadUrl } = createJob(ctx, principal, origin, { kind: 'register', ... });
 */
export function createJob(
  ctx: SandboxContext,
  principal: Principal,
  origin: string,
  spec: NewJob,
): CreatedJob {
  const now = ctx.clock.now();
  const id = newUuid();
  const limits = [MAX_ASSET_SIZE_BYTES, ctx.settings.current.fees.max_asset_bytes];
  if (principal.maxFileSizeBytes !== null) limits.push(principal.maxFileSizeBytes);
  const job: JobRow = {
    id,
    organization_id: principal.organization.id,
    kind: spec.kind,
    network: spec.network,
    work_id: spec.workId ?? id,
    api_key_id: principal.kind === 'api_key' ? principal.apiKey.id : null,
    site_id: principal.kind === 'session' ? principal.site.id : null,
    session_action: principal.kind === 'session' ? principal.claims.action_type : null,
    title: spec.title,
    filename: spec.filename,
    creators: JSON.stringify(spec.creators),
    external_user_ref: spec.externalUserRef,
    max_file_size_bytes: Math.min(...limits),
    reuses_file: spec.reusesFile ? 1 : 0,
    state: spec.reusesFile ? 'uploaded' : 'awaiting_upload',
    upload_closed: spec.reusesFile ? 1 : 0,
    file_path: null,
    size_bytes: null,
    content_type: null,
    etag: null,
    media_hash: null,
    merkle_root: null,
    commitment: null,
    quote: null,
    quote_expires_at: null,
    transaction_id: null,
    created_at: now,
    expires_at: now + ctx.settings.current.job_ttl_seconds * 1000,
  };
  ctx.db.transaction(() => {
    bindTokenAtInit(ctx, principal, id);
    insertJob(ctx.db, job);
  })();
  if (spec.reusesFile) return { job, uploadUrl: null, uploadExpiresAt: null };
  const signed = presign(
    ctx.secrets.storageKey,
    'PUT',
    uploadObjectKey(id),
    now,
    UPLOAD_URL_TTL_SECONDS,
  );
  return {
    job,
    uploadUrl: `${origin}/_storage/uploads/${id}?${signed.query}`,
    uploadExpiresAt: isoTimestamp(signed.expiresAt),
  };
}

/** The object key an upload URL signs. */
export function uploadObjectKey(jobId: string): string {
  return `uploads/${jobId}`;
}
