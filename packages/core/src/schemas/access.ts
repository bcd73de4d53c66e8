import * as z from 'zod';
import {
  AtsIdSchema,
  HexHashSchema,
  NetworkSchema,
  nullWhenAbsent,
  TimestampSchema,
  UuidSchema,
  VersionNumberSchema,
} from './common';
import { CreatorReadSchema, CreatorsInputSchema, CreatorsRequestSchema } from './creators';
import { FilenameSchema } from './works';

// Access-code routes (api.md §9): `/v1/access/{code}/...`. The code itself is `AccessCodeSchema`.
// Prepare, confirm, versions and downloads reuse the §6 and §8 shapes.

/** `GET /v1/access/{code}/work` answer. */
export const AccessWorkSchema = z.object({
  ats_id: AtsIdSchema,
  title: z.string(),
  network: NetworkSchema,
  owner_address: z.string(),
  latest_version: VersionNumberSchema,
  latest_commitment: HexHashSchema,
  created_at: TimestampSchema,
  asset_filename: z.string(),
  creators: z.array(CreatorReadSchema),
  work_id: nullWhenAbsent(UuidSchema),
});
export type AccessWork = z.infer<typeof AccessWorkSchema>;
export type AccessWorkWire = z.input<typeof AccessWorkSchema>;

/**
 * `POST /v1/access/{code}/versions/init` body. `network` is optional: the work's own network
 * applies, and a different one is refused.
 */
export const AccessInitVersionRequestSchema = z.strictObject({
  creators: CreatorsRequestSchema,
  network: NetworkSchema.nullish(),
});
export type AccessInitVersionRequest = z.infer<typeof AccessInitVersionRequestSchema>;

/** The access-code version init body with creators' roles in either form. */
export const AccessInitVersionInputSchema = AccessInitVersionRequestSchema.extend({
  creators: CreatorsInputSchema,
});
export type AccessInitVersionInput = z.input<typeof AccessInitVersionInputSchema>;

/** `POST /v1/access/{code}/versions/init-upload` body. */
export const AccessInitVersionUploadRequestSchema = z.strictObject({
  creators: CreatorsRequestSchema,
  filename: FilenameSchema,
  network: NetworkSchema.nullish(),
});
export type AccessInitVersionUploadRequest = z.infer<typeof AccessInitVersionUploadRequestSchema>;

/** The access-code init-upload body with creators' roles in either form. */
export const AccessInitVersionUploadInputSchema = AccessInitVersionUploadRequestSchema.extend({
  creators: CreatorsInputSchema,
});
export type AccessInitVersionUploadInput = z.input<typeof AccessInitVersionUploadInputSchema>;
