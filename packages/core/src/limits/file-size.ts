import { AtsFileTooLargeError, type FileSizeLimitSource } from '../errors';
import { assertByteCount } from './byte-count';

/** Bytes in a mebibyte (1 MiB = 1,048,576 bytes). */
export const BYTES_PER_MIB = 1_048_576;

/** Largest asset ATS accepts, on both networks: 500 MB = 500,000,000 bytes. */
export const MAX_ASSET_SIZE_BYTES = 500_000_000;

/** Storage is free up to 10 MiB (the sandbox's reading of Allfeat's "10 MB"). */
export const FREE_STORAGE_BYTES = 10 * BYTES_PER_MIB;

/** A file-size limit and where it comes from (for error messages). */
export interface FileSizeLimit {
  maxBytes: number;
  source: FileSizeLimitSource;
}

/**
 * The file-size limit that applies: the smallest of the platform maximum and the limits given (a
 * key's, site's or session's `max_file_size_bytes`). Absent limits (`undefined` / `null`) are
 * skipped, since keys and sessions only *lower* the maximum.
 *
 * @example
 * effectiveMaxFileSize(apiKey.max_file_size_bytes, session?.max_file_size_bytes); // e.g. 50_000_000
 */
export function effectiveMaxFileSize(...limits: (number | null | undefined)[]): number {
  let smallest = MAX_ASSET_SIZE_BYTES;
  limits.forEach((limit, index) => {
    if (limit === undefined || limit === null) return;
    assertByteCount(limit, `limits[${index}]`);
    if (limit < smallest) smallest = limit;
  });
  return smallest;
}

/**
 * Like `effectiveMaxFileSize`, but keeps the origin of the winning limit so an error can say
 * which setting to raise. Ties go to the platform, then to the first one given.
 *
 * @example
 * const limit = effectiveFileSizeLimit({ maxBytes: key.max_file_size_bytes, source: 'api_key' });
 * assertFileSize(file.size, limit);
 */
export function effectiveFileSizeLimit(
  ...limits: ({ maxBytes: number | null | undefined; source: FileSizeLimitSource } | undefined)[]
): FileSizeLimit {
  let smallest: FileSizeLimit = { maxBytes: MAX_ASSET_SIZE_BYTES, source: 'platform' };
  limits.forEach((limit, index) => {
    if (limit === undefined || limit.maxBytes === undefined || limit.maxBytes === null) return;
    assertByteCount(limit.maxBytes, `limits[${index}].maxBytes`);
    if (limit.maxBytes < smallest.maxBytes) {
      smallest = { maxBytes: limit.maxBytes, source: limit.source };
    }
  });
  return smallest;
}

/**
 * Refuses a file over the limit before any byte is uploaded: throws `AtsFileTooLargeError`
 * naming both sizes and where the limit comes from. Without options, the platform maximum applies.
 *
 * @example
 * assertFileSize(file.size, { maxBytes: 50_000_000, source: 'session' });
 */
export function assertFileSize(
  sizeBytes: number,
  limit: { maxBytes?: number | undefined; source?: FileSizeLimitSource | undefined } = {},
): void {
  assertByteCount(sizeBytes, 'sizeBytes');
  const maxBytes = limit.maxBytes ?? MAX_ASSET_SIZE_BYTES;
  assertByteCount(maxBytes, 'maxBytes');
  if (sizeBytes > maxBytes) {
    const source =
      limit.source ??
      (maxBytes === MAX_ASSET_SIZE_BYTES ? 'platform' : 'a configured max_file_size_bytes');
    throw new AtsFileTooLargeError({ sizeBytes, maxBytes, source });
  }
}
