// The B2B client: `new AtsClient({ apiKey })` and the types of its resources.
export { AtsClient, type StatsOptions } from './ats-client';
export type { AtsClientOptions, AtsLogger } from './client-options';
export type {
  AssetDownloadOptions,
  CertificateDownloadOptions,
  CertificateOptions,
} from './downloads';
export type { IdempotentRequestOptions, RequestOptions } from './request-options';
export {
  type TransactionRef,
  Transactions,
  type WaitForTransactionOptions,
} from './transactions-resource';
export { WorkAccess } from './work-access';
export { WorksList, WorksPage } from './works-list';
export {
  type ListWorksParams,
  type VersionInitParams,
  type VersionUploadInitParams,
  type WorkCreatorsOptions,
  type WorkInitParams,
  type WorkLookupOptions,
  Works,
} from './works-resource';
