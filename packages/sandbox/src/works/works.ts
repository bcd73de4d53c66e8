import type { Network } from '@ats-kit/core';
import type { Database } from '../db/database';
import { isoTimestamp } from '../http/timestamps';

/** A registered work (exists once its registration reached finality). */
export interface WorkRow {
  id: string;
  organization_id: string;
  network: Network;
  ats_id: number;
  title: string;
  owner: string;
  external_user_ref: string | null;
  access_code: string | null;
  latest_version: number;
  created_at: number;
  latest_version_at: number;
}

/** One finalized version of a work. */
export interface VersionRow {
  work_id: string;
  version: number;
  commitment: string;
  media_hash: string;
  merkle_root: string;
  asset_filename: string;
  size_bytes: number;
  content_type: string | null;
  file_path: string | null;
  creators: string;
  registered_at_block: number;
  registered_at: number;
  block_hash: string;
  tx_hash: string;
  transaction_id: string;
  fee_credits: number;
  storage_fee_credits: number;
  certificate: string | null;
}

/** A creator as stored: the request's wire form after trimming. */
export interface StoredCreator {
  full_name: string;
  email: string;
  roles: Record<'author' | 'composer' | 'arranger' | 'adapter', boolean>;
  ipi: string | null;
  isni: string | null;
}

/**
 * A validated request creator in the stored form: every role flag explicit, absent identifiers
 * `null`. The commitment is the same (only `true` roles are encoded).
 *
 * @example
 * toStoredCreator({ full_name: 'Ana', email: 'a@x.io', roles: { author: true } });
 */
export function toStoredCreator(creator: {
  full_name: string;
  email: string;
  roles: Partial<
    Record<'author' | 'composer' | 'arranger' | 'adapter', boolean | null | undefined>
  >;
  ipi?: string | null | undefined;
  isni?: string | null | undefined;
}): StoredCreator {
  return {
    full_name: creator.full_name,
    email: creator.email,
    roles: {
      author: creator.roles.author === true,
      composer: creator.roles.composer === true,
      arranger: creator.roles.arranger === true,
      adapter: creator.roles.adapter === true,
    },
    ipi: creator.ipi ?? null,
    isni: creator.isni ?? null,
  };
}

export function findWork(db: Database, id: string): WorkRow | undefined {
  return db.prepare('SELECT * FROM works WHERE id = ?').get(id) as WorkRow | undefined;
}

export function findWorkByAtsId(
  db: Database,
  network: Network,
  atsId: number,
): WorkRow | undefined {
  return db.prepare('SELECT * FROM works WHERE network = ? AND ats_id = ?').get(network, atsId) as
    | WorkRow
    | undefined;
}

export function findWorkByAccessCode(db: Database, code: string): WorkRow | undefined {
  return db.prepare('SELECT * FROM works WHERE access_code = ?').get(code) as WorkRow | undefined;
}

export function findVersion(db: Database, workId: string, version: number): VersionRow | undefined {
  return db
    .prepare('SELECT * FROM work_versions WHERE work_id = ? AND version = ?')
    .get(workId, version) as VersionRow | undefined;
}

export function versionsOf(db: Database, workId: string): VersionRow[] {
  return db
    .prepare('SELECT * FROM work_versions WHERE work_id = ? ORDER BY version')
    .all(workId) as VersionRow[];
}

export function latestVersionOf(db: Database, work: WorkRow): VersionRow {
  return findVersion(db, work.id, work.latest_version)!;
}

const ROLE_ORDER = ['author', 'composer', 'arranger', 'adapter'] as const;

/**
 * A creator as the read routes show it (api.md §8.2): roles as capitalized names in tag order,
 * absent identifiers `null`.
 *
 * @example
 * creatorReadView({ full_name: 'Ana', email: 'a@x.io', roles: { composer: true, author: true } });
 * // { full_name: 'Ana', email: 'a@x.io', roles: ['Author', 'Composer'], ipi: null, isni: null }
 */
export function creatorReadView(creator: StoredCreator) {
  return {
    full_name: creator.full_name,
    email: creator.email,
    roles: ROLE_ORDER.filter((role) => creator.roles[role] === true).map(
      (role) => role[0]!.toUpperCase() + role.slice(1),
    ),
    ipi: creator.ipi ?? null,
    isni: creator.isni ?? null,
  };
}

export function creatorsOf(version: VersionRow): StoredCreator[] {
  return JSON.parse(version.creators) as StoredCreator[];
}

/** The summary of §8.1 (plus the sandbox extras `network`, `external_user_ref`). */
export function workSummaryView(work: WorkRow, latest: VersionRow) {
  return {
    id: work.id,
    ats_id: work.ats_id,
    owner: work.owner,
    title: work.title,
    asset_filename: latest.asset_filename,
    latest_version: work.latest_version,
    latest_commitment: latest.commitment,
    created_at: isoTimestamp(work.created_at),
    latest_version_at: isoTimestamp(work.latest_version_at),
    has_files: latest.file_path !== null,
    network: work.network,
    external_user_ref: work.external_user_ref,
  };
}

/** A version as `/versions` lists it (§8.2). */
export function versionView(version: VersionRow) {
  return {
    version: version.version,
    commitment: version.commitment,
    media_hash: version.media_hash,
    merkle_root: version.merkle_root,
    asset_filename: version.asset_filename,
    registered_at_block: version.registered_at_block,
    registered_at: isoTimestamp(version.registered_at),
    block_hash: version.block_hash,
    tx_hash: version.tx_hash,
    transaction_id: version.transaction_id,
    fee_credits: version.fee_credits,
    storage_fee_credits: version.storage_fee_credits,
  };
}
