// The protocol v1 data model. Field names are the API's wire names (snake_case), so a request body
// or a certificate's `creators` can be passed as is.

/** Protocol version byte that prefixes every v1 commitment. */
export const PROTOCOL_VERSION = 1;

/** Roles a creator can hold in protocol v1. */
export type RoleName = 'author' | 'composer' | 'arranger' | 'adapter';

/** Each role's tag byte in `encode_roles`. */
export const ROLE_TAGS: Readonly<Record<RoleName, number>> = Object.freeze({
  author: 0,
  composer: 1,
  arranger: 2,
  adapter: 3,
});

/** Role names in tag order. */
export const ROLE_NAMES: readonly RoleName[] = Object.freeze([
  'author',
  'composer',
  'arranger',
  'adapter',
]);

/**
 * A creator's roles: the API's object of booleans (`{ author: true }`, a missing key is `false`)
 * or a list of role names as in certificates and the vectors (`['author']`).
 */
export type CreatorRoles = readonly RoleName[] | Partial<Record<RoleName, boolean>>;

/** A creator as the API sends it. `ipi` and `isni` are absent when `null` or missing. */
export interface CommitmentCreator {
  full_name: string;
  email: string;
  roles: CreatorRoles;
  ipi?: string | null;
  isni?: string | null;
}

/** What a commitment covers besides the media: the title and 1 to 32 creators. */
export interface CommitmentInput {
  title: string;
  creators: readonly CommitmentCreator[];
}

/**
 * One step of a creator's inclusion proof: the sibling hash (lowercase hex, no `0x`) and whether it
 * sits on the left. snake_case like the vectors and certificate JSON, so proofs round-trip as is.
 */
export interface MerkleProofStep {
  sibling: string;
  sibling_is_left: boolean;
}
