import * as z from 'zod';
import {
  CreditsSchema,
  ExternalUserRefSchema,
  NetworkSchema,
  nullWhenAbsent,
  UuidSchema,
} from './common';
import { CreatorsInputSchema, CreatorsRequestSchema } from './creators';
import {
  ConfirmRequestSchema,
  ConfirmResponseSchema,
  FilenameSchema,
  InitWorkResponseSchema,
  PrepareRequestSchema,
  QuoteSchema,
} from './works';

// Adding a version (api.md §6): `/v1/works/{ats_id}/versions/...`. The title never changes.

/** `POST /v1/works/{ats_id}/versions/init` body: keep the current file. */
export const InitVersionRequestSchema = z.strictObject({
  network: NetworkSchema,
  creators: CreatorsRequestSchema,
  external_user_ref: ExternalUserRefSchema.nullish(),
});
export type InitVersionRequest = z.infer<typeof InitVersionRequestSchema>;

/** The version init body with creators' roles in either form; parses to `InitVersionRequest`. */
export const InitVersionInputSchema = InitVersionRequestSchema.extend({
  creators: CreatorsInputSchema,
});
export type InitVersionInput = z.input<typeof InitVersionInputSchema>;

/** `POST /v1/works/{ats_id}/versions/init` answer: `{ job_id }`. */
export const InitVersionResponseSchema = z.object({ job_id: z.string() });
export type InitVersionResponse = z.infer<typeof InitVersionResponseSchema>;

/** `POST /v1/works/{ats_id}/versions/init-upload` body: a new file follows (PUT as §5.2). */
export const InitVersionUploadRequestSchema = z.strictObject({
  network: NetworkSchema,
  filename: FilenameSchema,
  creators: CreatorsRequestSchema,
  external_user_ref: ExternalUserRefSchema.nullish(),
});
export type InitVersionUploadRequest = z.infer<typeof InitVersionUploadRequestSchema>;

/** The init-upload body with creators' roles in either form. */
export const InitVersionUploadInputSchema = InitVersionUploadRequestSchema.extend({
  creators: CreatorsInputSchema,
});
export type InitVersionUploadInput = z.input<typeof InitVersionUploadInputSchema>;

/** `POST /v1/works/{ats_id}/versions/init-upload` answer: as `POST /v1/works/init`. */
export const InitVersionUploadResponseSchema = InitWorkResponseSchema;
export type InitVersionUploadResponse = z.infer<typeof InitVersionUploadResponseSchema>;

/** `POST /v1/works/{ats_id}/versions/prepare` body. */
export const PrepareVersionRequestSchema = PrepareRequestSchema;
export type PrepareVersionRequest = z.infer<typeof PrepareVersionRequestSchema>;

/** `POST /v1/works/{ats_id}/versions/confirm` body. */
export const ConfirmVersionRequestSchema = ConfirmRequestSchema;
export type ConfirmVersionRequest = z.infer<typeof ConfirmVersionRequestSchema>;

/** `POST /v1/works/{ats_id}/versions/confirm` answer (`transaction_type: "add_version"`). */
export const ConfirmVersionResponseSchema = ConfirmResponseSchema;
export type ConfirmVersionResponse = z.infer<typeof ConfirmVersionResponseSchema>;

/**
 * `POST /v1/works/{ats_id}/versions/prepare` answer (also the access-code form): the quote with
 * `version_deposit_credits` and no total deposit; `work_id` is a sandbox extra.
 */
export const PrepareVersionResponseSchema = QuoteSchema.extend({
  version_deposit_credits: CreditsSchema,
  work_id: nullWhenAbsent(UuidSchema),
});
export type PrepareVersionResponse = z.infer<typeof PrepareVersionResponseSchema>;
export type PrepareVersionResponseWire = z.input<typeof PrepareVersionResponseSchema>;
