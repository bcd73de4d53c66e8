// Protocol v1 commitment (commitment.md): the one hash that goes on chain for a work version.
import { sha256 } from '#sha256';
import type { ValidationIssue } from '../errors';
import { type HashMediaOptions, hashMedia, type MediaInput } from '../hashing';
import { knownMediaSize } from '../hashing/media-chunks';
import { fromHex, isHash32, normalizeHash, toHex } from '../hex';
import { concatBytes, encodeCreator, encodeString } from './encoding';
import { MERKLE_LEAF_SLOTS, merkleProof, merkleRoot, verifyMerkleProof } from './merkle';
import {
  type CommitmentCreator,
  type CommitmentInput,
  type MerkleProofStep,
  PROTOCOL_VERSION,
} from './model';
import { creatorIssues, creatorsIssues, throwIfIssues, titleIssues } from './validation';

/**
 * A media hash computed earlier (for instance during the upload), hex with or without `0x`. With
 * `sizeBytes`, an empty file is refused as it would be from the bytes.
 */
export interface PrecomputedMediaHash {
  mediaHash: string;
  sizeBytes?: number;
}

/** The media of a commitment: anything `hashMedia` reads, or its hash computed earlier. */
export type CommitmentMedia = MediaInput | PrecomputedMediaHash;

/** Everything a commitment is made of, as lowercase hex without `0x`. */
export interface CommitmentResult {
  commitment: string;
  mediaHash: string;
  merkleRoot: string;
  /** One leaf per creator, in creator order. */
  creatorLeaves: string[];
  protocolVersion: typeof PROTOCOL_VERSION;
  /** Size of the media, when it was read here or given with the precomputed hash. */
  sizeBytes?: number;
}

/**
 * The protocol v1 commitment of a work version: `SHA256(0x01 || media_hash || encode_string(title)
 * || merkle_root)`, with every intermediate value. Creators use the API's wire shape; roles may be
 * the object of booleans or a list of names. The media is read in chunks (or a precomputed
 * `{ mediaHash }` is used). Only the protocol's rules are checked (non-empty title, 1 to 32
 * creators, …); failures throw `AtsValidationError` before any media byte is read.
 *
 * @example
 * const { commitment, merkleRoot } = await computeCommitment(
 *   { title: 'Song', creators: [{ full_name: 'Ana', email: 'a@x.io', roles: { author: true } }] },
 *   file, // Uint8Array | ArrayBuffer | Blob | ReadableStream | AsyncIterable | { mediaHash }
 *   { signal, onProgress: ({ bytes }) => console.log(bytes) },
 * );
 */
export async function computeCommitment(
  input: CommitmentInput,
  media: CommitmentMedia,
  options: HashMediaOptions = {},
): Promise<CommitmentResult> {
  const issues = inputIssues(input);
  if (isPrecomputedMediaHash(media)) {
    issues.push(...precomputedMediaIssues(media));
  } else if (knownMediaSize(media) === 0) {
    issues.push(emptyMediaIssue());
  }
  throwIfIssues(issues);

  let mediaHash: string;
  let sizeBytes: number | undefined;
  if (isPrecomputedMediaHash(media)) {
    mediaHash = normalizeHash(media.mediaHash);
    sizeBytes = media.sizeBytes;
  } else {
    ({ mediaHash, sizeBytes } = await hashMedia(media, options));
    // A stream's size is only known once read.
    if (sizeBytes === 0) throwIfIssues([emptyMediaIssue()]);
  }

  const leaves = input.creators.map((creator) => sha256(encodeCreator(creator)));
  const root = merkleRoot(leaves);
  const result: CommitmentResult = {
    commitment: toHex(commitmentBytes(fromHex(mediaHash), input.title, root)),
    mediaHash,
    merkleRoot: toHex(root),
    creatorLeaves: leaves.map(toHex),
    protocolVersion: PROTOCOL_VERSION,
  };
  if (sizeBytes !== undefined) result.sizeBytes = sizeBytes;
  return result;
}

/**
 * True when `input` and `media` give the `expected` commitment (hex, with or without `0x`, either
 * case). A malformed `expected` gives `false`; invalid input throws `AtsValidationError`, as in
 * `computeCommitment`.
 *
 * @example
 * const ok = await verifyCommitment(certificate, file, certificate.commitment);
 */
export async function verifyCommitment(
  input: CommitmentInput,
  media: CommitmentMedia,
  expected: string,
  options: HashMediaOptions = {},
): Promise<boolean> {
  if (!isHash32(expected)) return false;
  const { commitment } = await computeCommitment(input, media, options);
  return commitment === normalizeHash(expected);
}

/**
 * `SHA256(0x01 || media_hash || encode_string(title) || merkle_root)` from parts already computed
 * (hashes as hex, with or without `0x`), e.g. to re-check a certificate without the file.
 *
 * @example
 * const { media_hash: mediaHash, title, merkle_root: merkleRoot } = certificate;
 * commitmentFromParts({ mediaHash, title, merkleRoot }) === certificate.commitment; // true
 */
export function commitmentFromParts(parts: {
  mediaHash: string;
  title: string;
  merkleRoot: string;
}): string {
  const issues = [
    ...hashIssues(parts.mediaHash, 'mediaHash'),
    ...titleIssues(parts.title),
    ...hashIssues(parts.merkleRoot, 'merkleRoot'),
  ];
  throwIfIssues(issues, 'Invalid commitment parts');
  return toHex(commitmentBytes(fromHex(parts.mediaHash), parts.title, fromHex(parts.merkleRoot)));
}

/**
 * Root of the creators' Merkle tree (lowercase hex): 32 slots, creators in order, the rest
 * `SHA256(0x00)`.
 *
 * @example
 * computeMerkleRoot(certificate.creators) === certificate.merkle_root; // true
 */
export function computeMerkleRoot(creators: readonly CommitmentCreator[]): string {
  throwIfIssues(creatorsIssues(creators), 'Invalid creators');
  return toHex(merkleRoot(creators.map((creator) => sha256(encodeCreator(creator)))));
}

/**
 * A creator's leaf in the Merkle tree: `SHA256(encode_creator(creator))`, lowercase hex.
 *
 * @example
 * creatorLeaf({ full_name: 'Ana', email: 'a@x.io', roles: ['author'] });
 */
export function creatorLeaf(creator: CommitmentCreator): string {
  throwIfIssues(creatorIssues(creator, 'creator'), 'Invalid creator');
  return toHex(sha256(encodeCreator(creator)));
}

/**
 * The inclusion proof of creator `index` (0-based): the 5 sibling hashes from their leaf to the
 * root, lowest first, each with `sibling_is_left`. With it, the creator can prove they are part of
 * the work without revealing the other creators (see `verifyCreatorProof`).
 *
 * @example
 * const proof = creatorProof({ creators }, 1); // [{ sibling: '…', sibling_is_left: true }, …]
 */
export function creatorProof(
  input: Pick<CommitmentInput, 'creators'>,
  index: number,
): MerkleProofStep[] {
  const issues = creatorsIssues(input.creators);
  const count = Array.isArray(input.creators) ? input.creators.length : 0;
  if (!Number.isInteger(index) || index < 0 || index >= Math.min(count, MERKLE_LEAF_SLOTS)) {
    issues.push({
      path: 'index',
      code: 'invalid_value',
      message: `must be the position of a creator, an integer from 0 to ${count - 1}; got ${index}`,
    });
  }
  throwIfIssues(issues, 'Invalid creator proof request');
  const leaves = input.creators.map((creator) => sha256(encodeCreator(creator)));
  return merkleProof(leaves, index);
}

/**
 * True when `proof` shows that `creator` is in the tree whose root is `merkleRoot` (hex, with or
 * without `0x`). A proof that is not exactly 5 well-formed steps, or a malformed root, gives
 * `false`; an invalid creator throws `AtsValidationError`, as in `creatorLeaf`.
 *
 * @example
 * verifyCreatorProof(me, proof, certificate.merkle_root); // true
 */
export function verifyCreatorProof(
  creator: CommitmentCreator,
  proof: readonly MerkleProofStep[],
  merkleRoot: string,
): boolean {
  throwIfIssues(creatorIssues(creator, 'creator'), 'Invalid creator');
  if (!isHash32(merkleRoot)) return false;
  return verifyMerkleProof(sha256(encodeCreator(creator)), proof, fromHex(merkleRoot));
}

function commitmentBytes(mediaHash: Uint8Array, title: string, root: Uint8Array): Uint8Array {
  return sha256(concatBytes(Uint8Array.of(PROTOCOL_VERSION), mediaHash, encodeString(title), root));
}

function inputIssues(input: unknown): ValidationIssue[] {
  if (typeof input !== 'object' || input === null) {
    return [{ path: '', code: 'invalid_type', message: 'must be an object { title, creators }' }];
  }
  const { title, creators } = input as Record<string, unknown>;
  return [...titleIssues(title), ...creatorsIssues(creators)];
}

function isPrecomputedMediaHash(media: CommitmentMedia): media is PrecomputedMediaHash {
  return (
    typeof media === 'object' &&
    media !== null &&
    'mediaHash' in media &&
    !ArrayBuffer.isView(media) &&
    typeof (media as Partial<Blob>).stream !== 'function'
  );
}

function precomputedMediaIssues(media: PrecomputedMediaHash): ValidationIssue[] {
  const issues = hashIssues(media.mediaHash, 'media.mediaHash');
  if (media.sizeBytes === 0) issues.push(emptyMediaIssue());
  return issues;
}

function hashIssues(value: unknown, path: string): ValidationIssue[] {
  if (isHash32(value)) return [];
  return [
    {
      path,
      code: 'invalid_format',
      message: 'must be a 32-byte hash: 64 hex digits, optionally after 0x',
    },
  ];
}

function emptyMediaIssue(): ValidationIssue {
  return { path: 'media', code: 'required', message: 'must not be empty (0 bytes)' };
}
