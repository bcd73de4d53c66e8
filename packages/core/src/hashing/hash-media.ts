import { AtsAbortError } from '../errors';
import { abortErrorFrom, throwIfAborted } from './abort-signal';
import { knownMediaSize, type MediaInput, readMediaChunks } from './media-chunks';
import { createMediaHasher, type MediaHash } from './media-hasher';

/** Progress of `hashMedia`: bytes hashed so far and, for bytes and Blobs, the total. */
export interface HashMediaProgress {
  bytes: number;
  total?: number;
}

/** Options of `hashMedia`. */
export interface HashMediaOptions {
  /** Cancels the hash; the promise then rejects with `AtsAbortError`. */
  signal?: AbortSignal;
  /** Called after each chunk. */
  onProgress?: (progress: HashMediaProgress) => void;
}

/**
 * SHA-256 of a media file (the commitment's `media_hash`) and its size, read in chunks so a large
 * file is never held in memory whole. Accepts bytes, a `Blob`/`File`, a web `ReadableStream` or
 * any async iterable of `Uint8Array` (a Node `fs.createReadStream(path)`). An abort through
 * `signal` rejects with `AtsAbortError` (tell it apart with `AtsAbortError.is(e)`); a failing
 * source rejects with the source's own error.
 *
 * @example
 * const { mediaHash, sizeBytes } = await hashMedia(fileInput.files[0], {
 *   signal: controller.signal,
 *   onProgress: ({ bytes, total }) => render(bytes / (total ?? bytes)),
 * });
 */
export async function hashMedia(
  media: MediaInput,
  options: HashMediaOptions = {},
): Promise<MediaHash> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const total = knownMediaSize(media);
  const hasher = await createMediaHasher();
  try {
    for await (const chunk of readMediaChunks(media, signal)) {
      hasher.update(chunk);
      onProgress?.(
        total === undefined ? { bytes: hasher.sizeBytes } : { bytes: hasher.sizeBytes, total },
      );
      throwIfAborted(signal);
    }
  } catch (error) {
    // A source fed by the same signal (a fetch body, a piped stream) fails with its own AbortError.
    if (signal?.aborted) {
      throw AtsAbortError.is(error) ? error : abortErrorFrom(signal);
    }
    throw error;
  }
  return hasher.digest();
}
