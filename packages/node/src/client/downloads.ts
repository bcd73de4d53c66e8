import {
  AtsValidationError,
  type Certificate,
  CertificateSchema,
  type DownloadLink,
  DownloadLinkSchema,
} from '@ats-kit/core';
import type { ClientContext } from './client-context';
import { checkVersion, segment } from './path-params';
import { type RequestOptions, transportCallOptions } from './request-options';

// Download links (api.md §8.3, §9) are the same under `/v1/works/{work_id}` and
// `/v1/access/{code}`: this module builds them once for both.

/** Options of an asset download link. */
export interface AssetDownloadOptions extends RequestOptions {
  /** A version's file; default: the latest file. */
  version?: number | undefined;
}

/** Options of a certificate download link. */
export interface CertificateDownloadOptions extends RequestOptions {
  /** A version's certificate; default: the latest. */
  version?: number | undefined;
  /** `pdf` (the server's default) or `json`. */
  format?: 'pdf' | 'json' | undefined;
}

/** Options of `certificate()`, which fetches and parses the JSON certificate. */
export interface CertificateOptions extends RequestOptions {
  /** A version's certificate; default: the latest. */
  version?: number | undefined;
}

/** `GET {root}/download/asset` or `{root}/versions/{v}/download/audio`. */
export async function requestAssetLink(
  context: ClientContext,
  root: string,
  options: AssetDownloadOptions | undefined,
): Promise<DownloadLink> {
  const version = options?.version;
  const path =
    version === undefined
      ? `${root}/download/asset`
      : `${root}/versions/${segment(checkVersion(version))}/download/audio`;
  return context.api.request({
    method: 'GET',
    path,
    schema: DownloadLinkSchema,
    ...transportCallOptions(options),
  });
}

/** `GET {root}/download/certificate` or `{root}/versions/{v}/download/certificate`, `?format=`. */
export async function requestCertificateLink(
  context: ClientContext,
  root: string,
  options: CertificateDownloadOptions | undefined,
): Promise<DownloadLink> {
  const version = options?.version;
  const format = options?.format;
  if (format !== undefined && format !== 'pdf' && format !== 'json') {
    throw new AtsValidationError('Invalid format', {
      issues: [{ path: 'format', code: 'invalid_value', message: 'must be "pdf" or "json"' }],
    });
  }
  const path =
    version === undefined
      ? `${root}/download/certificate`
      : `${root}/versions/${segment(checkVersion(version))}/download/certificate`;
  return context.api.request({
    method: 'GET',
    path,
    query: { format },
    schema: DownloadLinkSchema,
    ...transportCallOptions(options),
  });
}

/**
 * Gets the JSON certificate's link, then the certificate itself from the presigned URL (without
 * the API key: the URL is its own credential), parsed with the core schema.
 */
export async function fetchCertificate(
  context: ClientContext,
  root: string,
  options: CertificateOptions | undefined,
): Promise<Certificate> {
  const link = await requestCertificateLink(context, root, { ...options, format: 'json' });
  return context.storage.request({
    method: 'GET',
    path: link.url,
    schema: CertificateSchema,
    ...transportCallOptions(options),
  });
}
