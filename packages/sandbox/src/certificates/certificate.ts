// Certificate JSON (api.md §8.3, sandbox choice): everything needed to re-check a version's
// commitment offline without the file: the title, the creators as hashed, each creator's leaf, the
// media hash, the Merkle root and the chain record.
import {
  type Certificate,
  type CommitmentCreator,
  commitmentFromParts,
  computeMerkleRoot,
  creatorLeaf,
  explorerTxUrl,
  type Network,
  PROTOCOL_VERSION,
  type RoleName,
  roleFlagsFromNames,
  roleNamesFromFlags,
  toWireHash,
} from '@ats-kit/core';

/** Version of the certificate document format. */
export const CERTIFICATE_VERSION = 1;

/** A time as the spine holds it: virtual epoch ms, a `Date`, or an ISO string. */
export type CertificateTime = number | Date | string;

/** What the spine knows about a finalized version, camelCase. */
export interface CertificateData {
  network: Network;
  atsId: number;
  workId: string;
  version: number;
  title: string;
  assetFilename: string;
  sizeBytes: number;
  /** The creators exactly as hashed; roles as the boolean object or a list of names. */
  creators: readonly CommitmentCreator[];
  mediaHash: string;
  /** Checked against the creators when given. */
  merkleRoot?: string;
  /** Checked against the parts when given. */
  commitment?: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  registeredAt: CertificateTime;
  owner: string;
  issuedAt: CertificateTime;
  /** Default: the explorer page of `txHash` on `network`. */
  explorerUrl?: string;
}

/** The certificate JSON: the wire form of core's `CertificateSchema`. */
export type CertificateJson = Certificate;

/**
 * Builds the certificate JSON of §8.3 with every field in a stable order: `certificate_version`
 * and `protocol_version` 1, creators with `roles` as lowercase names in tag order and absent
 * identifiers `null`, one `creator_leaves` entry per creator, hashes as `0x` + lowercase hex and
 * times as ISO strings with milliseconds. The Merkle root and commitment are recomputed from the
 * creators, title and media hash; a given `merkleRoot` or `commitment` that disagrees throws, so a
 * certificate that would not verify is never issued.
 *
 * @example
 * const cert = buildCertificate({ network: 'testnet', atsId: 7, workId, version: 1, title,
 *   assetFilename: 'song.wav', sizeBytes: 1234, creators, mediaHash, commitment, txHash,
 *   blockNumber: 12, blockHash, registeredAt: finalizedAt, owner, issuedAt: clock.now() });
 */
export function buildCertificate(data: CertificateData): CertificateJson {
  const mediaHash = toWireHash(data.mediaHash, 'mediaHash');
  const merkleRoot = toWireHash(computeMerkleRoot(data.creators), 'merkleRoot');
  if (data.merkleRoot !== undefined && toWireHash(data.merkleRoot, 'merkleRoot') !== merkleRoot) {
    throw new Error(
      `merkleRoot ${data.merkleRoot} does not match the creators (computed ${merkleRoot})`,
    );
  }
  const commitment = toWireHash(
    commitmentFromParts({ mediaHash, title: data.title, merkleRoot }),
    'commitment',
  );
  if (data.commitment !== undefined && toWireHash(data.commitment, 'commitment') !== commitment) {
    throw new Error(
      `commitment ${data.commitment} does not match the title, creators and media hash (computed ${commitment})`,
    );
  }
  const txHash = toWireHash(data.txHash, 'txHash');
  return {
    certificate_version: CERTIFICATE_VERSION,
    protocol_version: PROTOCOL_VERSION,
    network: data.network,
    ats_id: data.atsId,
    work_id: data.workId,
    version: data.version,
    title: data.title,
    asset_filename: data.assetFilename,
    size_bytes: data.sizeBytes,
    creators: data.creators.map((creator) => ({
      full_name: creator.full_name,
      email: creator.email,
      roles: roleNames(creator.roles),
      ipi: creator.ipi ?? null,
      isni: creator.isni ?? null,
    })),
    creator_leaves: data.creators.map((creator) => toWireHash(creatorLeaf(creator))),
    media_hash: mediaHash,
    merkle_root: merkleRoot,
    commitment,
    tx_hash: txHash,
    block_number: data.blockNumber,
    block_hash: toWireHash(data.blockHash, 'blockHash'),
    registered_at: isoTime(data.registeredAt, 'registeredAt'),
    explorer_url: data.explorerUrl ?? explorerTxUrl(txHash, data.network),
    owner: data.owner,
    issued_at: isoTime(data.issuedAt, 'issuedAt'),
  };
}

function roleNames(roles: CommitmentCreator['roles']): RoleName[] {
  return Array.isArray(roles)
    ? roleNamesFromFlags(roleFlagsFromNames(roles as readonly string[]))
    : roleNamesFromFlags(roles as Partial<Record<RoleName, boolean>>);
}

function isoTime(time: CertificateTime, field: string): string {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`${field} must be epoch milliseconds, a Date or an ISO timestamp`);
  }
  return date.toISOString();
}
