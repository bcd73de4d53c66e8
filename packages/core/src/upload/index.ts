export { PROGRESS_INTERVAL_MS, UploadProgressReporter } from './progress-reporter';
export { parseS3Error, type S3ErrorDocument, storeAnswerError } from './store-error';
export type {
  ByteStream,
  SizedStream,
  UploadOptions,
  UploadProgress,
  UploadResult,
  UploadSource,
} from './types';
export { uploadToPresignedUrl } from './upload-to-presigned-url';
