// Fixed-depth binary Merkle tree over the creator leaves (commitment.md, step 3 and "Selective
// disclosure"): 5 levels, 32 slots, unused slots hold SHA256(0x00), parent = SHA256(left || right).
import { sha256 } from '#sha256';
import { fromHex, isHash32, toHex } from '../hex';
import type { MerkleProofStep } from './model';

/** Depth of the creator tree; every proof has this many steps. */
export const MERKLE_DEPTH = 5;

/** Leaf slots of the creator tree (2^5): the most creators a work can have. */
export const MERKLE_LEAF_SLOTS = 2 ** MERKLE_DEPTH;

/** Hash of an unused slot: SHA256 of the single byte 0x00. */
export const ZERO_LEAF: Uint8Array = sha256(Uint8Array.of(0));

/** `SHA256(left || right)`. */
export function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  const both = new Uint8Array(64);
  both.set(left, 0);
  both.set(right, 32);
  return sha256(both);
}

/**
 * Every level of the tree, leaves first (32 hashes) and the root last (1 hash). Throws a
 * RangeError above 32 leaves; callers validate the creator count first.
 */
export function merkleLevels(leaves: readonly Uint8Array[]): Uint8Array[][] {
  if (leaves.length > MERKLE_LEAF_SLOTS) {
    throw new RangeError(`A tree holds at most ${MERKLE_LEAF_SLOTS} leaves, got ${leaves.length}`);
  }
  const bottom = [...leaves];
  while (bottom.length < MERKLE_LEAF_SLOTS) bottom.push(ZERO_LEAF);
  const levels = [bottom];
  for (let depth = 0; depth < MERKLE_DEPTH; depth++) {
    const below = levels[depth]!;
    const level: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) level.push(hashPair(below[i]!, below[i + 1]!));
    levels.push(level);
  }
  return levels;
}

/** Root of the tree over `leaves` (at most 32; the rest are zero leaves). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return merkleLevels(leaves)[MERKLE_DEPTH]![0]!;
}

/** The 5 siblings on the path from leaf `index` to the root, lowest first. */
export function merkleProof(leaves: readonly Uint8Array[], index: number): MerkleProofStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= MERKLE_LEAF_SLOTS) {
    throw new RangeError(`Leaf index must be an integer from 0 to ${MERKLE_LEAF_SLOTS - 1}`);
  }
  const levels = merkleLevels(leaves);
  const proof: MerkleProofStep[] = [];
  let position = index;
  for (let depth = 0; depth < MERKLE_DEPTH; depth++) {
    // An odd position is a right child, so its sibling (position - 1) is on the left.
    proof.push({
      sibling: toHex(levels[depth]![position ^ 1]!),
      sibling_is_left: (position & 1) === 1,
    });
    position >>= 1;
  }
  return proof;
}

/**
 * True when folding `proof` into `leaf` gives `root`. A proof that is not exactly 5 well-formed
 * steps (32-byte hex siblings, boolean flags) is invalid and gives `false`, never an error.
 */
export function verifyMerkleProof(
  leaf: Uint8Array,
  proof: readonly MerkleProofStep[],
  root: Uint8Array,
): boolean {
  if (!Array.isArray(proof) || proof.length !== MERKLE_DEPTH) return false;
  let current = leaf;
  for (const step of proof) {
    if (typeof step !== 'object' || step === null) return false;
    const { sibling, sibling_is_left: siblingIsLeft } = step;
    if (!isHash32(sibling) || typeof siblingIsLeft !== 'boolean') return false;
    const siblingBytes = fromHex(sibling);
    current = siblingIsLeft ? hashPair(siblingBytes, current) : hashPair(current, siblingBytes);
  }
  return equalBytes(current, root);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
