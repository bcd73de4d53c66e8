export {
  AtsApiError,
  type AtsApiErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type HeadersLike,
  type HttpErrorResponse,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from './api-error';
export { ATS_ERROR_BRAND, AtsError, type AtsErrorOptions, isAtsError } from './ats-error';
export {
  AtsAbortError,
  AtsConnectionError,
  type AtsConnectionErrorOptions,
  AtsTimeoutError,
  isAbortError,
} from './connection-errors';
export { redactSecrets } from './redact-secrets';
export {
  AtsSignatureVerificationError,
  type AtsSignatureVerificationErrorOptions,
  type SignatureFailureReason,
} from './signature-verification-error';
export { AtsUploadError, type AtsUploadErrorOptions, type UploadErrorCode } from './upload-error';
export {
  AtsFileTooLargeError,
  type AtsFileTooLargeErrorOptions,
  AtsValidationError,
  type AtsValidationErrorOptions,
  type FileSizeLimitSource,
  type ValidationIssue,
} from './validation-errors';
