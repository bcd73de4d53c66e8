import * as z from 'zod';
import type { AccessCode } from '../access-code';
import { NETWORKS, type Network } from '../networks';
import { requiredOr } from './messages';

// The network list and the access-code type are defined once in their own modules; re-exported here
// so the schemas module is complete on its own.
export { type AccessCode, NETWORKS, type Network };

// Shared building blocks for the ATS wire schemas (api.md §2). Response schemas are lenient
// (unknown keys stripped, `null` and missing alike); request schemas are strict.

/** A network name: `testnet` or `mainnet`. */
export const NetworkSchema = z.enum(NETWORKS, {
  error: requiredOr('must be "testnet" or "mainnet"'),
});

/**
 * Wraps a schema for an optional response field: `null` and a missing key parse alike, to `null`.
 *
 * The wire may omit the key or send `null`; the parsed value is always `T | null`, so callers only
 * test one absent form.
 *
 * @example
 * const S = z.object({ ipi: nullWhenAbsent(z.string()) });
 * S.parse({}).ipi; // null
 */
export function nullWhenAbsent<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value): z.output<T> | null => value ?? null);
}

/**
 * A string schema that knows some values but accepts any string (api.md: clients accept step
 * names, error codes and event names they do not know).
 *
 * The output type keeps the known names for autocompletion: `Known | (string & {})`.
 *
 * @example
 * const Step = knownOrString(['validating', 'completed']);
 * Step.parse('transferring_tokens'); // 'transferring_tokens'
 */
export function knownOrString<const T extends readonly [string, ...string[]]>(values: T) {
  return z.union([z.enum(values), z.string().transform((value) => value as string & {})]);
}

/**
 * Counts the Unicode code points of a string, the unit of the API's character limits (§4).
 *
 * An astral character such as an emoji is one code point but two UTF-16 units.
 *
 * @example
 * codePointLength('🎵a'); // 2
 */
export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/**
 * Counts the bytes of a string encoded as UTF-8, the unit of `external_user_ref`'s limit (§4).
 *
 * Lone surrogates count as 3 bytes, as `TextEncoder` replaces them with U+FFFD.
 *
 * @example
 * utf8ByteLength('é'); // 2
 */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (const char of value) {
    const cp = char.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Adds a `too_long` issue when `value` has more than `max` code points. */
function checkMaxCodePoints(value: string, max: number, ctx: z.RefinementCtx): void {
  const length = codePointLength(value);
  if (length > max) {
    ctx.addIssue({
      code: 'too_big',
      origin: 'string',
      maximum: max,
      inclusive: true,
      input: value,
      message: `must be at most ${max} characters (got ${length})`,
    });
  }
}

/**
 * A required text field limited in Unicode code points, optionally trimmed first (§4).
 *
 * @example
 * const Title = boundedText({ max: 255, trim: true });
 * Title.parse('  Song  '); // 'Song'
 */
export function boundedText(options: { max: number; trim: boolean }) {
  const base = options.trim ? z.string().trim() : z.string();
  const emptyMessage = options.trim ? 'must not be empty or only spaces' : 'must not be empty';
  return base
    .min(1, { error: emptyMessage, abort: true })
    .superRefine((value, ctx) => checkMaxCodePoints(value, options.max, ctx));
}

// ---------------------------------------------------------------------------------------------
// Identifiers (§2.1)

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID in any case, normalised to lowercase (organization, api key, transaction, work ids). */
export const UuidSchema = z
  .string()
  .toLowerCase()
  .regex(UUID_PATTERN, { error: 'must be a UUID (8-4-4-4-12 hex digits)' });
export type Uuid = z.infer<typeof UuidSchema>;

/** A job id: opaque and non-empty (a UUID v4 in the sandbox). */
export const JobIdSchema = z
  .string()
  .min(1, { error: 'must not be empty; pass the job_id init returned' });
export type JobId = z.infer<typeof JobIdSchema>;

/** An `ats_id`: positive integer, counted per network. */
export const AtsIdSchema = z.number().int().positive();
export type AtsId = z.infer<typeof AtsIdSchema>;

/** A work version number, from 1. */
export const VersionNumberSchema = z.number().int().positive();
export type VersionNumber = z.infer<typeof VersionNumberSchema>;

/** An amount of credits: an integer (balances may be topped up with negative amounts). */
export const CreditsSchema = z.number().int();
export type Credits = z.infer<typeof CreditsSchema>;

/** A size in bytes: a non-negative integer. */
export const ByteSizeSchema = z.number().int().nonnegative();

/** A block height: a non-negative integer. */
export const BlockNumberSchema = z.number().int().nonnegative();

/**
 * A 32-byte hash as the API prints it: `0x` + 64 hex digits (`commitment`, `media_hash`,
 * `merkle_root`, `tx_hash`, `block_hash`). Any case is accepted and lowercased.
 */
export const HexHashSchema = z
  .string()
  .toLowerCase()
  .regex(/^0x[0-9a-f]{64}$/, { error: 'must be 0x followed by 64 hex digits' });
export type HexHash = z.infer<typeof HexHashSchema>;

/**
 * A 32-byte hash with or without `0x` (commitment.md: accept both), lowercased; used where
 * certificates may copy the vectors' bare form (`creator_leaves`).
 */
export const LooseHexHashSchema = z
  .string()
  .toLowerCase()
  .regex(/^(0x)?[0-9a-f]{64}$/, { error: 'must be 64 hex digits, optionally prefixed by 0x' });

/** An ISO 8601 timestamp (the API writes UTC with `Z`; any precision and offsets are accepted). */
export const TimestampSchema = z.iso.datetime({
  offset: true,
  error: requiredOr('must be an ISO 8601 timestamp such as 2026-04-30T11:00:00.000Z'),
});
export type Timestamp = z.infer<typeof TimestampSchema>;

/** An access code: `atc_` + 64 hex digits; any case is accepted and lowercased (§9). */
export const AccessCodeSchema = z
  .string()
  .toLowerCase()
  .regex(/^atc_[0-9a-f]{64}$/, { error: 'must be atc_ followed by 64 hex digits' })
  .transform((code) => code as AccessCode);

/** A request id: `req_` + opaque text. Error envelopes parse it as plain text (tolerance). */
export const RequestIdSchema = z.string().regex(/^req_.+$/, { error: 'must start with req_' });
export type RequestId = z.infer<typeof RequestIdSchema>;

/** An API key token: `afo_sk_live_` + 48 lowercase hex (60 characters). */
export const ApiKeyTokenSchema = z.string().regex(/^afo_sk_live_[0-9a-f]{48}$/, {
  error: 'must be afo_sk_live_ followed by 48 lowercase hex digits',
});

/** A widget site key (public): `cpk_…`. */
export const SiteKeySchema = z
  .string()
  .regex(/^cpk_[^\s]+$/, { error: 'must be a site key starting with cpk_' });

/** A widget secret key (server only): `csk_…`. */
export const SecretKeySchema = z
  .string()
  .regex(/^csk_[^\s]+$/, { error: 'must be a secret key starting with csk_' });

/**
 * An `external_user_ref`: 1–255 bytes of UTF-8, opaque (never trimmed) (§4).
 */
export const ExternalUserRefSchema = z.string().superRefine((value, ctx) => {
  const bytes = utf8ByteLength(value);
  if (bytes === 0) {
    ctx.addIssue({
      code: 'too_small',
      origin: 'string',
      minimum: 1,
      inclusive: true,
      input: value,
      message: 'must not be empty; omit it or pass null when there is no user reference',
    });
  } else if (bytes > 255) {
    ctx.addIssue({
      code: 'too_big',
      origin: 'string',
      maximum: 255,
      inclusive: true,
      input: value,
      message: `must be at most 255 bytes of UTF-8 (got ${bytes})`,
    });
  }
});
export type ExternalUserRef = z.infer<typeof ExternalUserRefSchema>;

/**
 * The `Idempotency-Key` header value: 1–255 printable ASCII characters (§13); a UUID v4 is usual.
 */
export const IdempotencyKeySchema = z
  .string()
  .min(1, { error: 'must not be empty; a UUID v4 is the usual value' })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(/^[\x20-\x7e]*$/, { error: 'must contain only printable ASCII characters' });
export type IdempotencyKey = z.infer<typeof IdempotencyKeySchema>;

/** A positive integer byte limit (`max_file_size_bytes`). */
export const MaxFileSizeBytesSchema = z
  .number({ error: requiredOr('must be a whole number of bytes') })
  .int({ error: 'must be a whole number of bytes' })
  .positive({ error: 'must be greater than 0' });

/** The request field limits of api.md §4 (characters are Unicode code points). */
export const FIELD_LIMITS = {
  title_max_chars: 255,
  filename_max_chars: 255,
  creators_min: 1,
  creators_max: 32,
  full_name_max_chars: 255,
  email_max_chars: 255,
  ipi_max_digits: 11,
  isni_length: 16,
  external_user_ref_max_bytes: 255,
  idempotency_key_max_chars: 255,
} as const;
