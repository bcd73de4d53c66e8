// The B2B client: `new AtsClient({ apiKey })` and the types of its resources.

// registerMany lives in ../batch; re-exported here too, next to `works.registerMany`.
export {
  type BatchItem,
  type BatchItemEvent,
  type BatchItemResult,
  type BatchReport,
  type RegisterManyOptions,
  registerMany,
} from '../batch/register-many';
export { AtsClient, type StatsOptions } from './ats-client';
export type { AtsClientOptions, AtsLogger } from './client-options';
export type {
  AssetDownloadOptions,
  CertificateDownloadOptions,
  CertificateOptions,
} from './downloads';
export type {
  RegistrationFile,
  SizedFileStream,
} from './registration-file';
export type { IdempotentRequestOptions, RequestOptions } from './request-options';
export type { CreateRegistrationOptions, RegistrationOptions } from './run-registration';
export {
  type TransactionRef,
  Transactions,
  type WaitForTransactionOptions,
} from './transactions-resource';
export { type AccessUpdateVersionInput, WorkAccess } from './work-access';
export { WorksList, WorksPage } from './works-list';
export {
  type ListWorksParams,
  type RegisterWorkInput,
  type UpdateVersionInput,
  type VersionInitParams,
  type VersionUploadInitParams,
  type WorkCreatorsOptions,
  type WorkInitParams,
  type WorkLookupOptions,
  Works,
} from './works-resource';
