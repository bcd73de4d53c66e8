import type { Network } from '@ats-kit/core';
import type { Database } from '../db/database';

/** Job states (api.md §14.1); `expired` and `quote_lapsed` are derived from times, not stored. */
export type JobState = 'awaiting_upload' | 'uploaded' | 'prepared' | 'confirmed';

/** What a job registers: a new work, or a version of an existing one. */
export type JobKind = 'register' | 'add_version';

/** A job as stored. */
export interface JobRow {
  id: string;
  organization_id: string;
  kind: JobKind;
  network: Network;
  work_id: string;
  api_key_id: string | null;
  site_id: string | null;
  session_action: string | null;
  title: string;
  filename: string;
  creators: string;
  external_user_ref: string | null;
  max_file_size_bytes: number;
  reuses_file: number;
  state: JobState;
  upload_closed: number;
  file_path: string | null;
  size_bytes: number | null;
  content_type: string | null;
  etag: string | null;
  media_hash: string | null;
  merkle_root: string | null;
  commitment: string | null;
  quote: string | null;
  quote_expires_at: number | null;
  transaction_id: string | null;
  created_at: number;
  expires_at: number;
}

/** Lifetime of a quote (api.md §5.3): 5 minutes. */
export const QUOTE_TTL_MS = 5 * 60 * 1000;

/** Insert a job row. */
export function insertJob(db: Database, job: JobRow): void {
  db.prepare(
    `INSERT INTO jobs (id, organization_id, kind, network, work_id, api_key_id, site_id, session_action,
       title, filename, creators, external_user_ref, max_file_size_bytes, reuses_file, state,
       upload_closed, file_path, size_bytes, content_type, etag, media_hash, merkle_root, commitment,
       quote, quote_expires_at, transaction_id, created_at, expires_at)
     VALUES (@id, @organization_id, @kind, @network, @work_id, @api_key_id, @site_id, @session_action,
       @title, @filename, @creators, @external_user_ref, @max_file_size_bytes, @reuses_file, @state,
       @upload_closed, @file_path, @size_bytes, @content_type, @etag, @media_hash, @merkle_root,
       @commitment, @quote, @quote_expires_at, @transaction_id, @created_at, @expires_at)`,
  ).run(job);
}

/** The job with this id, or undefined. */
export function findJob(db: Database, id: string): JobRow | undefined {
  return db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
}

/** True once the job's 60-minute (settable) lifetime is over and it was never confirmed. */
export function isJobExpired(job: JobRow, now: number): boolean {
  return job.state !== 'confirmed' && now >= job.expires_at;
}

/** True when the job holds a quote that can still be confirmed. */
export function hasLiveQuote(job: JobRow, now: number): boolean {
  return (
    job.state === 'prepared' &&
    job.quote_expires_at !== null &&
    now < job.quote_expires_at &&
    !isJobExpired(job, now)
  );
}

/** Updates some columns of a job. Column names come from code, never from requests. */
export function updateJob(db: Database, id: string, change: Partial<JobRow>): void {
  const keys = Object.keys(change);
  if (keys.length === 0) return;
  const assignments = keys.map((key) => `${key} = @${key}`).join(', ');
  db.prepare(`UPDATE jobs SET ${assignments} WHERE id = @id`).run({ ...change, id });
}
