export { parseApiBaseUrl, resolveApiUrl, toWebSocketUrl } from './api-url';
export type { ApiKeyAuth, AuthCredentials, AuthOption, NoAuth, SessionAuth } from './auth';
export {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  computeBackoffDelayMs,
  MAX_RETRY_AFTER_MS,
  type SleepFunction,
} from './backoff';
export { isRetryableError } from './retry-policy';
export {
  type ApiResponse,
  createTransport,
  type HttpMethod,
  type QueryParams,
  type RequestOptions,
  type ResponseMetadata,
  type RetryEvent,
  type Transport,
  type TransportOptions,
} from './transport';
