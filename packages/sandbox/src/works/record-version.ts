import { explorerTxUrl } from '@ats-kit/core';
import { buildCertificate } from '../certificates';
import type { SandboxContext } from '../context';
import { newAccessCode } from '../identifiers/identifiers';
import type { JobRow } from '../jobs/jobs';
import type { TransactionRow } from '../transactions/transactions';
import { findVersion, findWork, type StoredCreator, type VersionRow, type WorkRow } from './works';

/** What finality produced, for the transaction result and the webhook. */
export interface FinalizedVersion {
  work: WorkRow;
  version: VersionRow;
  accessCode: string | null;
}

/**
 * Writes the work (registration) or its next version (update) when a transaction reaches finality:
 * `ats_id` and the access code are issued here, the version numbered latest + 1, the certificate
 * built, and the file dropped when testnet assets are not retained. Runs inside the block's DB
 * transaction.
 *
 * @example
 * const { work, version } = recordFinalizedVersion(ctx, tx, job, inclusionBlock, block.at);
 */
export function recordFinalizedVersion(
  ctx: SandboxContext,
  tx: TransactionRow,
  job: JobRow,
  included: { height: number; hash: string; at: number },
  finalizedAt: number,
): FinalizedVersion {
  const { db } = ctx;
  const quote = JSON.parse(job.quote ?? '{}') as Record<string, number>;
  // Testnet waives the chain fees: only the storage fee was debited.
  const feeCredits =
    job.network === 'mainnet'
      ? (quote.network_fee_credits ?? 0) + (quote.service_fee_credits ?? 0)
      : 0;

  let work: WorkRow;
  let versionNumber: number;
  let accessCode: string | null = null;
  let assetFilename = job.filename;
  let filePath = job.file_path;
  let sizeBytes = job.size_bytes ?? 0;
  let contentType = job.content_type;

  if (job.kind === 'register') {
    const org = db
      .prepare('SELECT owner_address FROM organizations WHERE id = ?')
      .get(job.organization_id) as {
      owner_address: string;
    };
    accessCode = job.external_user_ref === null ? newAccessCode() : null;
    work = {
      id: job.work_id,
      organization_id: job.organization_id,
      network: job.network,
      ats_id: ctx.chain.takeAtsId(job.network),
      title: job.title,
      owner: org.owner_address,
      external_user_ref: job.external_user_ref,
      access_code: accessCode,
      latest_version: 1,
      created_at: finalizedAt,
      latest_version_at: finalizedAt,
    };
    db.prepare(
      `INSERT INTO works (id, organization_id, network, ats_id, title, owner, external_user_ref,
         access_code, latest_version, created_at, latest_version_at)
       VALUES (@id, @organization_id, @network, @ats_id, @title, @owner, @external_user_ref,
         @access_code, @latest_version, @created_at, @latest_version_at)`,
    ).run(work);
    versionNumber = 1;
  } else {
    const existing = findWork(db, job.work_id)!;
    versionNumber = existing.latest_version + 1;
    if (job.reuses_file === 1) {
      const previous = findVersion(db, existing.id, existing.latest_version)!;
      assetFilename = previous.asset_filename;
      filePath = previous.file_path;
      sizeBytes = previous.size_bytes;
      contentType = previous.content_type;
    }
    db.prepare('UPDATE works SET latest_version = ?, latest_version_at = ? WHERE id = ?').run(
      versionNumber,
      finalizedAt,
      existing.id,
    );
    work = { ...existing, latest_version: versionNumber, latest_version_at: finalizedAt };
  }

  if (job.network === 'testnet' && !ctx.settings.current.retain_testnet_assets && filePath) {
    if (job.reuses_file !== 1) ctx.storage.remove(filePath);
    filePath = null;
  }

  const creators = JSON.parse(job.creators) as StoredCreator[];
  const txHash = tx.tx_hash!;
  const certificate = buildCertificate({
    network: job.network,
    atsId: work.ats_id,
    workId: work.id,
    version: versionNumber,
    title: work.title,
    assetFilename,
    sizeBytes,
    creators,
    mediaHash: job.media_hash!,
    merkleRoot: job.merkle_root!,
    commitment: job.commitment!,
    txHash,
    blockNumber: included.height,
    blockHash: included.hash,
    registeredAt: included.at,
    owner: work.owner,
    issuedAt: finalizedAt,
    explorerUrl: explorerTxUrl(txHash, job.network),
  });

  const version: VersionRow = {
    work_id: work.id,
    version: versionNumber,
    commitment: job.commitment!,
    media_hash: job.media_hash!,
    merkle_root: job.merkle_root!,
    asset_filename: assetFilename,
    size_bytes: sizeBytes,
    content_type: contentType,
    file_path: filePath,
    creators: job.creators,
    registered_at_block: included.height,
    registered_at: included.at,
    block_hash: included.hash,
    tx_hash: txHash,
    transaction_id: tx.id,
    fee_credits: feeCredits,
    storage_fee_credits: quote.storage_fee_credits ?? 0,
    certificate: JSON.stringify(certificate),
  };
  db.prepare(
    `INSERT INTO work_versions (work_id, version, commitment, media_hash, merkle_root, asset_filename,
       size_bytes, content_type, file_path, creators, registered_at_block, registered_at, block_hash,
       tx_hash, transaction_id, fee_credits, storage_fee_credits, certificate)
     VALUES (@work_id, @version, @commitment, @media_hash, @merkle_root, @asset_filename,
       @size_bytes, @content_type, @file_path, @creators, @registered_at_block, @registered_at,
       @block_hash, @tx_hash, @transaction_id, @fee_credits, @storage_fee_credits, @certificate)`,
  ).run(version);
  return { work, version, accessCode };
}
