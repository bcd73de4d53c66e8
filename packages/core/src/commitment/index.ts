export {
  type CommitmentMedia,
  type CommitmentResult,
  commitmentFromParts,
  computeCommitment,
  computeMerkleRoot,
  creatorLeaf,
  creatorProof,
  type PrecomputedMediaHash,
  verifyCommitment,
  verifyCreatorProof,
} from './commitment';
export { encodeCreator, encodeOptional, encodeRoles, encodeString } from './encoding';
export { MERKLE_DEPTH, MERKLE_LEAF_SLOTS } from './merkle';
export {
  type CommitmentCreator,
  type CommitmentInput,
  type CreatorRoles,
  type MerkleProofStep,
  PROTOCOL_VERSION,
  ROLE_NAMES,
  ROLE_TAGS,
  type RoleName,
} from './model';
