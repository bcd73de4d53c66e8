// Compares what the server is about to anchor with what we sent: the whole commitment when the
// title and a media hash are known, else the parts the server exposes (media hash, Merkle root).
import { commitmentFromParts, computeMerkleRoot } from '../commitment';
import { toWireHash } from '../hex';
import type { Creator } from '../schemas';
import type { CommitmentPart } from './errors';
import type { CommitmentCheck, PreparedQuote, VerifyCommitmentMode } from './types';

/** What is known locally when a quote arrives. */
export interface LocalCommitmentParts {
  /** Trimmed title as sent (or as given for a version). */
  title: string | null;
  creators: readonly Creator[] | null;
  /** SHA-256 of the media, hex (with or without `0x`), when this run has the media. */
  mediaHash: string | null;
  /** The run has no media of its own: the server's `media_hash` is the kept file's. */
  fileKept: boolean;
}

/**
 * Compares a prepare answer with the local parts. Never throws for a mismatch: the caller decides
 * what the mode means.
 *
 * @example
 * const check = compareCommitment(quote, { title, creators, mediaHash, fileKept: false }, 'enforce');
 * if (check.status === 'mismatch') throw new AtsCommitmentMismatchError({ ... });
 */
export function compareCommitment(
  quote: PreparedQuote,
  local: LocalCommitmentParts,
  mode: VerifyCommitmentMode,
): CommitmentCheck {
  const server = quote.commitment;
  if (mode === 'off') {
    return {
      mode,
      status: 'off',
      server,
      local: null,
      localMediaHash: null,
      localMerkleRoot: null,
      mismatched: [],
    };
  }
  const localMediaHash = local.mediaHash === null ? null : toWireHash(local.mediaHash);
  const localMerkleRoot = local.creators ? toWireHash(computeMerkleRoot(local.creators)) : null;
  // A version that keeps its file is hashed with the server's media hash: the check then covers
  // the title and the creators, which is what this request changes.
  const mediaForCommitment = localMediaHash ?? (local.fileKept ? quote.media_hash : null);
  const localCommitment =
    local.title !== null && mediaForCommitment !== null && localMerkleRoot !== null
      ? toWireHash(
          commitmentFromParts({
            mediaHash: mediaForCommitment,
            title: local.title,
            merkleRoot: localMerkleRoot,
          }),
        )
      : null;

  const mismatched: CommitmentPart[] = [];
  let compared = 0;
  if (localCommitment !== null) {
    compared += 1;
    if (localCommitment !== server) mismatched.push('commitment');
  }
  if (localMediaHash !== null && quote.media_hash !== null) {
    compared += 1;
    if (localMediaHash !== quote.media_hash) mismatched.push('media_hash');
  }
  if (localMerkleRoot !== null && quote.merkle_root !== null) {
    compared += 1;
    if (localMerkleRoot !== quote.merkle_root) mismatched.push('merkle_root');
  }
  const status =
    mismatched.length > 0
      ? 'mismatch'
      : localCommitment !== null
        ? 'match'
        : compared > 0
          ? 'partial'
          : 'unverified';
  return {
    mode,
    status,
    server,
    local: localCommitment,
    localMediaHash,
    localMerkleRoot,
    mismatched,
  };
}
