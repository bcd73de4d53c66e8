import * as z from 'zod';
import {
  AtsIdSchema,
  BlockNumberSchema,
  ByteSizeSchema,
  CreditsSchema,
  ExternalUserRefSchema,
  HexHashSchema,
  LooseHexHashSchema,
  NetworkSchema,
  nullWhenAbsent,
  TimestampSchema,
  UuidSchema,
  VersionNumberSchema,
} from './common';
import { CreatorReadSchema } from './creators';
import { requiredOr } from './messages';

// Reading works (api.md §8): list, detail, versions, creators, downloads, certificates.

/** `GET /v1/works` query. Query values arrive as text, so `first` is coerced to a number. */
export const ListWorksQuerySchema = z.strictObject({
  network: NetworkSchema.optional(),
  first: z.coerce
    .number({ error: requiredOr('must be a whole number from 1 to 100') })
    .int({ error: 'must be a whole number from 1 to 100' })
    .min(1, { error: 'must be a whole number from 1 to 100' })
    .max(100, { error: 'must be a whole number from 1 to 100' })
    .optional(),
  after: z.string().min(1).optional(),
  external_user_ref: ExternalUserRefSchema.optional(),
  search: z.string().optional(),
});
export type ListWorksQuery = z.infer<typeof ListWorksQuerySchema>;
export type ListWorksQueryInput = z.input<typeof ListWorksQuerySchema>;

/** Query of the `{ats_id}` read routes: optional `network` (needed when both networks match). */
export const WorkLookupQuerySchema = z.strictObject({ network: NetworkSchema.optional() });
export type WorkLookupQuery = z.infer<typeof WorkLookupQuerySchema>;

/** Certificate download query: `format=pdf` (default) or `json`. */
export const CertificateQuerySchema = z.strictObject({
  format: z.enum(['pdf', 'json'], { error: requiredOr('must be "pdf" or "json"') }).optional(),
});
export type CertificateQuery = z.infer<typeof CertificateQuerySchema>;

/** Relay-style page information; cursors are null on an empty page. */
export const PageInfoSchema = z.object({
  has_next_page: z.boolean(),
  has_previous_page: z.boolean(),
  start_cursor: nullWhenAbsent(z.string()),
  end_cursor: nullWhenAbsent(z.string()),
});
export type PageInfo = z.infer<typeof PageInfoSchema>;

/** A work in the list (and the base of the detail answer). */
export const WorkSummarySchema = z.object({
  id: UuidSchema,
  ats_id: AtsIdSchema,
  owner: z.string(),
  title: z.string(),
  asset_filename: z.string(),
  latest_version: VersionNumberSchema,
  latest_commitment: HexHashSchema,
  created_at: TimestampSchema,
  latest_version_at: TimestampSchema,
  has_files: z.boolean(),
  // Sandbox extras.
  network: nullWhenAbsent(NetworkSchema),
  external_user_ref: nullWhenAbsent(z.string()),
});
export type WorkSummary = z.infer<typeof WorkSummarySchema>;
export type WorkSummaryWire = z.input<typeof WorkSummarySchema>;

/** `GET /v1/works` answer: newest first, with `page_info` and `total_count` (all matches). */
export const ListWorksResponseSchema = z.object({
  works: z.array(WorkSummarySchema),
  page_info: PageInfoSchema,
  total_count: z.number().int().nonnegative(),
});
export type ListWorksResponse = z.infer<typeof ListWorksResponseSchema>;
export type ListWorksResponseWire = z.input<typeof ListWorksResponseSchema>;

/** `GET /v1/works/{ats_id}` answer: the summary plus the latest version's creators. */
export const WorkDetailSchema = WorkSummarySchema.extend({
  creators: z.array(CreatorReadSchema),
});
export type WorkDetail = z.infer<typeof WorkDetailSchema>;
export type WorkDetailWire = z.input<typeof WorkDetailSchema>;

/** One version of a work. `fee_credits` is network + service fee debited. */
export const WorkVersionSchema = z.object({
  version: VersionNumberSchema,
  commitment: HexHashSchema,
  media_hash: HexHashSchema,
  merkle_root: HexHashSchema,
  asset_filename: z.string(),
  registered_at_block: BlockNumberSchema,
  registered_at: TimestampSchema,
  block_hash: HexHashSchema,
  tx_hash: HexHashSchema,
  transaction_id: UuidSchema,
  fee_credits: CreditsSchema,
  storage_fee_credits: CreditsSchema,
});
export type WorkVersion = z.infer<typeof WorkVersionSchema>;

/** `GET /v1/works/{ats_id}/versions` (and `GET /v1/access/{code}/versions`): oldest first. */
export const WorkVersionsResponseSchema = z.object({
  ats_id: AtsIdSchema,
  network: NetworkSchema,
  work_id: UuidSchema,
  versions: z.array(WorkVersionSchema),
});
export type WorkVersionsResponse = z.infer<typeof WorkVersionsResponseSchema>;
export type WorkVersionsResponseWire = z.input<typeof WorkVersionsResponseSchema>;

/** `GET /v1/works/{ats_id}/creators` and `…/versions/{version}/creators` answer. */
export const WorkCreatorsResponseSchema = z.object({
  ats_id: AtsIdSchema,
  network: NetworkSchema,
  version: VersionNumberSchema,
  creators: z.array(CreatorReadSchema),
});
export type WorkCreatorsResponse = z.infer<typeof WorkCreatorsResponseSchema>;
export type WorkCreatorsResponseWire = z.input<typeof WorkCreatorsResponseSchema>;

/** Every download route's answer: a presigned GET URL and its expiry. */
export const DownloadLinkSchema = z.object({ url: z.string(), expires_at: TimestampSchema });
export type DownloadLink = z.infer<typeof DownloadLinkSchema>;

/**
 * A certificate as JSON (`?format=json`, sandbox choice): enough to re-check the commitment
 * offline. Creators' roles are lowercase names as in the commitment vectors; `creator_leaves`
 * may come with or without `0x`.
 */
export const CertificateSchema = z.object({
  certificate_version: z.number().int(),
  protocol_version: z.number().int(),
  network: NetworkSchema,
  ats_id: AtsIdSchema,
  work_id: UuidSchema,
  version: VersionNumberSchema,
  title: z.string(),
  asset_filename: z.string(),
  size_bytes: ByteSizeSchema,
  creators: z.array(CreatorReadSchema),
  creator_leaves: z.array(LooseHexHashSchema),
  media_hash: HexHashSchema,
  merkle_root: HexHashSchema,
  commitment: HexHashSchema,
  tx_hash: HexHashSchema,
  block_number: BlockNumberSchema,
  block_hash: HexHashSchema,
  registered_at: TimestampSchema,
  explorer_url: z.string(),
  owner: z.string(),
  issued_at: TimestampSchema,
});
export type Certificate = z.infer<typeof CertificateSchema>;
export type CertificateWire = z.input<typeof CertificateSchema>;
