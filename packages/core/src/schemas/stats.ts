import * as z from 'zod';
import { NetworkSchema } from './common';

// `GET /v1/stats` (api.md §10).

/** `GET /v1/stats` query: `network` (the sandbox defaults to testnet). */
export const StatsQuerySchema = z.strictObject({ network: NetworkSchema.optional() });
export type StatsQuery = z.infer<typeof StatsQuerySchema>;

/** `GET /v1/stats` answer: work count and the caller's effective file-size limit. */
export const StatsResponseSchema = z.object({
  total_works: z.number().int().nonnegative(),
  max_audio_size_bytes: z.number().int().positive(),
});
export type StatsResponse = z.infer<typeof StatsResponseSchema>;
