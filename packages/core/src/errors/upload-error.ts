import { AtsError } from './ats-error';

/**
 * Why an upload to the object store failed: `upload_failed` (network or store error),
 * `upload_expired` (the presigned URL is past its expiry), `upload_stalled` (no progress for too
 * long), `upload_rejected` (the store refused the request, e.g. a signature or size mismatch).
 */
export type UploadErrorCode =
  | 'upload_failed'
  | 'upload_expired'
  | 'upload_stalled'
  | 'upload_rejected';

/** Options of `AtsUploadError`. */
export interface AtsUploadErrorOptions {
  code: UploadErrorCode;
  /** HTTP status of the store's answer, when there was one. */
  status?: number | undefined;
  /** S3-style `<Code>` from the store's XML answer. */
  s3Code?: string | undefined;
  requestId?: string | undefined;
  /** Overrides the default derived from `code` and `status`. */
  retryable?: boolean | undefined;
  cause?: unknown;
}

/**
 * The file upload (`PUT <upload_url>`) failed. `retryable` says whether sending the same bytes to
 * the same URL again can succeed; an expired or rejected upload needs a new init.
 *
 * @example
 * throw new AtsUploadError('The store answered 500', { code: 'upload_failed', status: 500 });
 */
export class AtsUploadError extends AtsError {
  static override readonly kind: string = 'AtsUploadError';

  declare readonly code: UploadErrorCode;
  readonly status: number | undefined;
  readonly s3Code: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: AtsUploadErrorOptions) {
    super(message, { code: options.code, requestId: options.requestId, cause: options.cause });
    this.status = options.status;
    this.s3Code = options.s3Code;
    this.retryable = options.retryable ?? defaultRetryable(options.code, options.status);
  }
}

function defaultRetryable(code: UploadErrorCode, status: number | undefined): boolean {
  switch (code) {
    case 'upload_stalled':
      return true;
    case 'upload_failed':
      // No answer (network), a timeout, throttling or a server fault can pass on a second try.
      return status === undefined || status === 408 || status === 429 || status >= 500;
    default:
      return false;
  }
}
