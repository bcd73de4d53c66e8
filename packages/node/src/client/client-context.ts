import {
  createTransport,
  type Network,
  parseS3Error,
  type SleepFunction,
  type Transport,
} from '@ats-kit/core';
import type { AtsLogger, ResolvedClientOptions } from './client-options';
import { segment } from './path-params';

/**
 * What the resources of one client share: its settings and its transports. Internal: users reach
 * it only through `AtsClient`, so the API key stays out of anything they can print.
 */
export interface ClientContext {
  readonly baseUrl: string;
  readonly network: Network;
  readonly organizationId: string | undefined;
  /** Calls with the API key. */
  readonly api: Transport;
  /** Calls that need no credential (transactions): the key is not sent where it is not needed. */
  readonly anonymous: Transport;
  /** GETs of presigned storage URLs (certificates): no credential, S3 XML errors understood. */
  readonly storage: Transport;
  readonly logger: AtsLogger | undefined;
  /** The `sleep` option (waits between retries and polls), when given. */
  readonly sleep: SleepFunction | undefined;
  /**
   * The route of the organization's works in the client's family: `/v1/works{suffix}`, or
   * `/v1/organizations/{org}/works{suffix}` with an `organizationId` (api.md §1).
   */
  worksPath(suffix?: string): string;
}

const USER_AGENT = `ats-kit-node (Node.js ${typeof process === 'undefined' ? 'unknown' : process.version})`;
// An access code in a path is a credential for its work: masked in logs.
const ACCESS_CODE = /atc_[0-9a-f]+/gi;

/** Builds the context of a client from its resolved options. */
export function createClientContext(options: ResolvedClientOptions): ClientContext {
  const { logger } = options;
  const shared = {
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    userAgent: USER_AGENT,
    onRetry: (event: {
      retry: number;
      maxRetries: number;
      delayMs: number;
      error: { code: string; requestId: string | undefined };
      method: string;
      path: string;
    }) => {
      logger?.warn?.('ATS request failed; retrying', {
        method: event.method,
        path: maskAccessCodes(event.path.split('?')[0] ?? ''),
        code: event.error.code,
        requestId: event.error.requestId,
        retry: event.retry,
        maxRetries: event.maxRetries,
        delayMs: event.delayMs,
      });
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  const apiKey = options.apiKey;
  const organizationPrefix = options.organizationId
    ? `/v1/organizations/${segment(options.organizationId)}/works`
    : '/v1/works';
  return {
    baseUrl: options.baseUrl,
    network: options.network,
    organizationId: options.organizationId,
    api: createTransport({ ...shared, auth: () => ({ type: 'apiKey', apiKey }) }),
    anonymous: createTransport({ ...shared, auth: { type: 'none' } }),
    storage: createTransport({
      ...shared,
      auth: { type: 'none' },
      fetch: storageFetch(options.fetch ?? globalThis.fetch),
    }),
    logger,
    sleep: options.sleep,
    worksPath: (suffix = '') => `${organizationPrefix}${suffix}`,
  };
}

/** Replaces access codes in a path or message by `atc_…`. */
export function maskAccessCodes(text: string): string {
  return text.replace(ACCESS_CODE, 'atc_…');
}

/**
 * A fetch for the object store: its errors are S3 XML (`<Error><Code>AccessDenied</Code>…`), which
 * this rewrites into the API's JSON envelope with code `storage.<S3 code>`, so the transport maps
 * them to the usual `AtsApiError` subclasses (403 → `PermissionDeniedError`) with the store's
 * RequestId.
 */
function storageFetch(baseFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    if (response.ok) return response;
    const text = await response.text();
    if (!text.includes('<Error')) {
      return new Response(text, { status: response.status, headers: response.headers });
    }
    const s3 = parseS3Error(text);
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    headers.set('content-type', 'application/json');
    const envelope = {
      error: {
        code: s3.code ? `storage.${s3.code}` : `storage.http_${response.status}`,
        message: s3.message ?? `the object store answered HTTP ${response.status}`,
        request_id: s3.requestId,
      },
    };
    return new Response(JSON.stringify(envelope), { status: response.status, headers });
  };
}
