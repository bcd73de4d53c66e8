import type { FileSizeLimitSource } from '../errors';
import type { SleepFunction } from '../transport/backoff';

/** A Node `Readable` (any async iterable of byte chunks) or a web `ReadableStream`. */
export type ByteStream = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/**
 * A stream whose size is known up front (the PUT sends `Content-Length`). Pass a function
 * returning a fresh stream to let a failed attempt be retried; a stream object itself can be read
 * only once, so its upload is not retried after its first byte was read.
 */
export interface SizedStream {
  stream: ByteStream | (() => ByteStream);
  size: number;
}

/**
 * What `uploadToPresignedUrl` can send. Node: a file path (string or `file:` URL), a `SizedStream`,
 * bytes (`Buffer`, `Uint8Array`, `ArrayBuffer`) or a `Blob`. Browsers: a `Blob`/`File` or bytes.
 */
export type UploadSource = string | URL | SizedStream | Uint8Array | ArrayBuffer | Blob;

/** One progress report. */
export interface UploadProgress {
  /** Bytes the current attempt has handed to the network (back to 0 when an attempt restarts). */
  bytes: number;
  total: number;
  /** Smoothed throughput, bytes per second. */
  rate: number;
}

/** Options of `uploadToPresignedUrl`. */
export interface UploadOptions {
  /** `Content-Type` of the PUT. Default: the Blob's type, else `application/octet-stream`. */
  contentType?: string;
  signal?: AbortSignal;
  /** At most ~20 calls a second; the last one (`bytes === total`) is always made. */
  onProgress?: (progress: UploadProgress) => void;
  /** Retries after the first attempt, for network errors, 5xx, 408, 429 and stalls. Default 3. */
  maxRetries?: number;
  /** An attempt that gets no byte accepted, and no answer, for this long is aborted. Default 30 000. */
  stallTimeoutMs?: number;
  /** Also compute the media hash (in Node, in the same pass as the upload). */
  hash?: boolean;
  /** Refuse a larger source before sending any byte (`AtsFileTooLargeError`). */
  maxBytes?: number;
  /** Where `maxBytes` comes from, for the error message. Default `platform`. */
  maxBytesSource?: FileSizeLimitSource;
  /** Backoff waits; inject for tests. */
  sleep?: SleepFunction;
  /** Jitter source in [0, 1); inject for tests. */
  random?: () => number;
}

/** What the store accepted. */
export interface UploadResult {
  /** The store's `ETag`, quotes included, when it sent one. */
  etag?: string;
  sizeBytes: number;
  /** SHA-256 of the bytes sent, lowercase hex without `0x`, with `hash: true`. */
  mediaHash?: string;
}

// ---- The contract between the shared upload loop and the two engines (#upload-engine). ----

/** One PUT attempt, as the loop asks an engine to make it. */
export interface UploadAttempt {
  url: string;
  contentType: string;
  /** Fires on a caller abort or a stall: the engine tears the request down at once. */
  signal: AbortSignal;
  /** Total bytes of this attempt accepted by the network so far; resets the stall timer. */
  onBytesSent(bytes: number): void;
  hash: boolean;
}

/** The store's answer to one attempt. */
export interface StoreAnswer {
  status: number;
  /** Lowercased names. */
  headers: Record<string, string>;
  /** The body as text (the store's XML error), cut to a few KiB. */
  body: string;
  /**
   * Set for a 2xx answer when the attempt asked for the hash; a promise when the hash is computed
   * beside the upload (browsers) and may finish after the store answered.
   */
  mediaHash?: string | Promise<string>;
}

/** A source checked and sized by an engine, ready for one or more attempts. */
export interface PreparedUploadSource {
  sizeBytes: number;
  /** Default content type (a Blob's own type). */
  contentType: string | undefined;
  /** False for a one-shot stream once an attempt has started reading it. */
  canRetry(): boolean;
  /** Makes one PUT. Rejects on network failure or abort; resolves with any HTTP answer. */
  send(attempt: UploadAttempt): Promise<StoreAnswer>;
}

/** What `#upload-engine` exports. */
export type PrepareUploadSource = (source: UploadSource) => Promise<PreparedUploadSource>;
