import * as z from 'zod';
import {
  AccessCodeSchema,
  ByteSizeSchema,
  boundedText,
  CreditsSchema,
  ExternalUserRefSchema,
  FIELD_LIMITS,
  HexHashSchema,
  JobIdSchema,
  NetworkSchema,
  nullWhenAbsent,
  TimestampSchema,
  UuidSchema,
} from './common';
import { CreatorsInputSchema, CreatorsRequestSchema } from './creators';
import { TransactionTypeSchema } from './transactions';

// Registering a work (api.md §5): init → upload → prepare → confirm.

/** A work title: trimmed, then 1–255 characters (code points) (§4). */
export const TitleSchema = boundedText({ max: FIELD_LIMITS.title_max_chars, trim: true });

/**
 * A file name as users will see it: 1–255 characters, no `/`, `\` or NUL, not `.` or `..` (§4).
 * Not trimmed: the name is kept exactly.
 */
export const FilenameSchema = boundedText({
  max: FIELD_LIMITS.filename_max_chars,
  trim: false,
}).superRefine((value, ctx) => {
  if (/[/\\\0]/.test(value)) {
    ctx.addIssue({
      code: 'invalid_format',
      format: 'filename',
      input: value,
      message: 'must not contain /, \\ or NUL; send the bare file name without folders',
    });
  } else if (value === '.' || value === '..') {
    ctx.addIssue({
      code: 'invalid_value',
      values: [],
      input: value,
      message: 'must be a real file name, not . or ..',
    });
  }
});

/** `POST /v1/works/init` body (what the SDK sends; strict). */
export const InitWorkRequestSchema = z.strictObject({
  network: NetworkSchema,
  title: TitleSchema,
  filename: FilenameSchema,
  creators: CreatorsRequestSchema,
  external_user_ref: ExternalUserRefSchema.nullish(),
});
export type InitWorkRequest = z.infer<typeof InitWorkRequestSchema>;

/**
 * The init body as a caller may give it: creators' roles as objects or name arrays. Parses to an
 * `InitWorkRequest`.
 */
export const InitWorkInputSchema = InitWorkRequestSchema.extend({ creators: CreatorsInputSchema });
export type InitWorkInput = z.input<typeof InitWorkInputSchema>;

/** `POST /v1/works/init` answer: the job and its presigned upload URL. */
export const InitWorkResponseSchema = z.object({
  job_id: z.string(),
  upload_url: z.string(),
  upload_expires_at: TimestampSchema,
});
export type InitWorkResponse = z.infer<typeof InitWorkResponseSchema>;
export type InitWorkResponseWire = z.input<typeof InitWorkResponseSchema>;

/** Body of every prepare route: `{ job_id, passphrase? }` (`passphrase` is accepted and ignored). */
export const PrepareRequestSchema = z.strictObject({
  job_id: JobIdSchema,
  passphrase: z.unknown().optional(),
});
export type PrepareRequest = z.infer<typeof PrepareRequestSchema>;

/** `POST /v1/works/prepare` body. */
export const PrepareWorkRequestSchema = PrepareRequestSchema;
export type PrepareWorkRequest = PrepareRequest;

/**
 * The quote fields shared by the register and version prepare answers (§5.3, §6), with the
 * sandbox extras for commitment checks (`size_bytes`, `media_hash`, `merkle_root`,
 * `protocol_version`, null when absent).
 */
export const QuoteSchema = z.object({
  job_id: z.string(),
  commitment: HexHashSchema,
  network_fee_credits: CreditsSchema,
  service_fee_credits: CreditsSchema,
  storage_fee_credits: CreditsSchema,
  total_price_credits: CreditsSchema,
  is_valid: z.boolean(),
  expires_at: TimestampSchema,
  size_bytes: nullWhenAbsent(ByteSizeSchema),
  media_hash: nullWhenAbsent(HexHashSchema),
  merkle_root: nullWhenAbsent(HexHashSchema),
  protocol_version: nullWhenAbsent(z.number().int()),
});
export type Quote = z.infer<typeof QuoteSchema>;

/** `POST /v1/works/prepare` answer: the quote (`fees.md`) and the commitment to be anchored. */
export const PrepareWorkResponseSchema = QuoteSchema.extend({
  work_id: UuidSchema,
  total_deposit_credits: CreditsSchema,
});
export type PrepareWorkResponse = z.infer<typeof PrepareWorkResponseSchema>;
export type PrepareWorkResponseWire = z.input<typeof PrepareWorkResponseSchema>;

/** Body of every confirm route: `{ job_id }`. */
export const ConfirmRequestSchema = z.strictObject({ job_id: JobIdSchema });
export type ConfirmRequest = z.infer<typeof ConfirmRequestSchema>;

/** `POST /v1/works/confirm` body. */
export const ConfirmWorkRequestSchema = ConfirmRequestSchema;
export type ConfirmWorkRequest = ConfirmRequest;

/**
 * `202` answer of every confirm route (§5.4). `ws_url` and `status_url` are relative to the API
 * base. An `access_code` is accepted if a server sends one here; `transaction_type` appears on
 * version confirms.
 */
export const ConfirmResponseSchema = z.object({
  transaction_id: UuidSchema,
  ws_url: z.string(),
  status_url: z.string(),
  access_code: nullWhenAbsent(AccessCodeSchema),
  transaction_type: nullWhenAbsent(TransactionTypeSchema),
});
export type ConfirmResponse = z.infer<typeof ConfirmResponseSchema>;
export type ConfirmResponseWire = z.input<typeof ConfirmResponseSchema>;

/** `POST /v1/works/confirm` answer. */
export const ConfirmWorkResponseSchema = ConfirmResponseSchema;
export type ConfirmWorkResponse = ConfirmResponse;
