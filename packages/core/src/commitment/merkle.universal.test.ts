import { describe, expect, it } from 'vitest';
import { sha256 } from '#sha256';
import { toHex } from '../hex';
import {
  hashPair,
  MERKLE_DEPTH,
  MERKLE_LEAF_SLOTS,
  merkleLevels,
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
  ZERO_LEAF,
} from './merkle';

const leaf = (n: number) => sha256(Uint8Array.of(n, 0xaa));
const leaves = (count: number) => Array.from({ length: count }, (_, i) => leaf(i));

describe('the creator tree', () => {
  it('has depth 5 and 32 slots', () => {
    expect(MERKLE_DEPTH).toBe(5);
    expect(MERKLE_LEAF_SLOTS).toBe(32);
  });

  it('fills unused slots with SHA256(0x00)', () => {
    expect(toHex(ZERO_LEAF)).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const bottom = merkleLevels(leaves(3))[0]!;
    expect(bottom).toHaveLength(32);
    expect(bottom.slice(3).every((l) => toHex(l) === toHex(ZERO_LEAF))).toBe(true);
  });

  it('hashes each parent as SHA256(left || right), up to a single root', () => {
    const levels = merkleLevels(leaves(2));
    expect(levels.map((level) => level.length)).toEqual([32, 16, 8, 4, 2, 1]);
    expect(levels[1]![0]).toEqual(sha256(new Uint8Array([...leaf(0), ...leaf(1)])));
    expect(merkleRoot(leaves(2))).toEqual(hashPair(levels[4]![0]!, levels[4]![1]!));
  });

  it('depends on leaf order', () => {
    expect(merkleRoot([leaf(1), leaf(0)])).not.toEqual(merkleRoot([leaf(0), leaf(1)]));
  });

  it('refuses more than 32 leaves', () => {
    expect(() => merkleRoot(leaves(33))).toThrow(RangeError);
  });
});

describe('inclusion proofs', () => {
  it('verify for every slot of a full tree, with 5 steps each', () => {
    const all = leaves(32);
    const root = merkleRoot(all);
    for (let i = 0; i < 32; i++) {
      const proof = merkleProof(all, i);
      expect(proof).toHaveLength(5);
      expect(verifyMerkleProof(all[i]!, proof, root), `slot ${i}`).toBe(true);
    }
  });

  it('mark a sibling on the left exactly when the node is a right child', () => {
    const proof = merkleProof(leaves(32), 0b10110);
    expect(proof.map((step) => step.sibling_is_left)).toEqual([false, true, true, false, true]);
  });

  it('fail for another leaf, another root, or a tampered step', () => {
    const all = leaves(5);
    const root = merkleRoot(all);
    const proof = merkleProof(all, 2);
    expect(verifyMerkleProof(leaf(99), proof, root)).toBe(false);
    expect(verifyMerkleProof(all[2]!, proof, sha256(Uint8Array.of(1)))).toBe(false);
    const flipped = proof.map((s, i) =>
      i === 3 ? { ...s, sibling_is_left: !s.sibling_is_left } : s,
    );
    expect(verifyMerkleProof(all[2]!, flipped, root)).toBe(false);
  });

  it('are invalid unless exactly 5 well-formed steps', () => {
    const all = leaves(5);
    const root = merkleRoot(all);
    const proof = merkleProof(all, 1);
    expect(verifyMerkleProof(all[1]!, proof.slice(0, 4), root)).toBe(false);
    expect(verifyMerkleProof(all[1]!, [...proof, proof[0]!], root)).toBe(false);
    expect(verifyMerkleProof(all[1]!, [], root)).toBe(false);
    const badHex = proof.map((s, i) => (i === 0 ? { ...s, sibling: 'zz' } : s));
    expect(verifyMerkleProof(all[1]!, badHex, root)).toBe(false);
    const badFlag = proof.map((s, i) =>
      i === 0 ? { ...s, sibling_is_left: 'no' as unknown as boolean } : s,
    );
    expect(verifyMerkleProof(all[1]!, badFlag, root)).toBe(false);
    expect(verifyMerkleProof(all[1]!, null as never, root)).toBe(false);
  });
});
