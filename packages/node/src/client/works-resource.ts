import {
  type Certificate,
  type ConfirmVersionResponse,
  ConfirmVersionResponseSchema,
  type ConfirmWorkResponse,
  ConfirmWorkResponseSchema,
  type DownloadLink,
  type InitVersionInput,
  InitVersionInputSchema,
  type InitVersionResponse,
  InitVersionResponseSchema,
  type InitVersionUploadInput,
  InitVersionUploadInputSchema,
  type InitVersionUploadResponse,
  InitVersionUploadResponseSchema,
  type InitWorkInput,
  InitWorkInputSchema,
  type InitWorkResponse,
  InitWorkResponseSchema,
  type ListWorksQuery,
  ListWorksQuerySchema,
  type ListWorksResponse,
  ListWorksResponseSchema,
  type Network,
  NotFoundError,
  type PrepareVersionResponse,
  PrepareVersionResponseSchema,
  type PrepareWorkResponse,
  PrepareWorkResponseSchema,
  type WorkCreatorsResponse,
  WorkCreatorsResponseSchema,
  type WorkDetail,
  WorkDetailSchema,
  type WorkVersionsResponse,
  WorkVersionsResponseSchema,
} from '@ats-kit/core';
import type { ClientContext } from './client-context';
import {
  type AssetDownloadOptions,
  type CertificateDownloadOptions,
  type CertificateOptions,
  fetchCertificate,
  requestAssetLink,
  requestCertificateLink,
} from './downloads';
import {
  checkAtsId,
  checkJobId,
  checkUuid,
  checkVersion,
  networkQuery,
  segment,
} from './path-params';
import { parseRequestBody } from './request-body';
import {
  type IdempotentRequestOptions,
  idempotentCallOptions,
  type RequestOptions,
  transportCallOptions,
} from './request-options';
import { WorksList } from './works-list';

/** Body of `works.init`: the wire body; `network` defaults to the client's. */
export type WorkInitParams = Omit<InitWorkInput, 'network'> & { network?: Network | undefined };

/** Body of `works.initVersion` (keep the current file); `network` defaults to the client's. */
export type VersionInitParams = Omit<InitVersionInput, 'network'> & {
  network?: Network | undefined;
};

/** Body of `works.initVersionUpload` (a new file follows); `network` defaults to the client's. */
export type VersionUploadInitParams = Omit<InitVersionUploadInput, 'network'> & {
  network?: Network | undefined;
};

/** Filters of `works.list`. */
export interface ListWorksParams extends RequestOptions {
  /** One network; default the client's; `null` lists both. */
  network?: Network | null | undefined;
  /** Page size, 1–100 (server default 20). */
  first?: number | undefined;
  /** Only the works of this user reference (exact match). */
  externalUserRef?: string | undefined;
  /** Case-insensitive part of the title or file name (the sandbox has it; a server may not). */
  search?: string | undefined;
}

/** Options of the `{ats_id}` reads. */
export interface WorkLookupOptions extends RequestOptions {
  /**
   * The network the `ats_id` is counted on; default the client's. `null` sends none (the sandbox
   * then searches both networks).
   */
  network?: Network | null | undefined;
}

/** Options of `works.creators`. */
export interface WorkCreatorsOptions extends WorkLookupOptions {
  /** One version's creators; default the latest version's. */
  version?: number | undefined;
}

const LIST_OPTION_NAMES: Record<string, string> = { external_user_ref: 'externalUserRef' };

/**
 * `client.works`: the organization's works (api.md §5, §6, §8). Routes follow the client's family
 * (`/v1/works/...`, or `/v1/organizations/{org}/works/...` with `organizationId`). Data comes back
 * exactly as the API sends it (snake_case), validated by the core schemas.
 */
export class Works {
  readonly #context: ClientContext;

  /** @internal Created by `AtsClient`. */
  constructor(context: ClientContext) {
    this.#context = context;
  }

  // ---------------------------------------------------------------------------------------------
  // The registration flow (init → upload → prepare → confirm → track) as one call:
  // `register(...)` and `updateVersion(...)` go here, driving the core registration engine. The
  // low-level steps below are what they are built from.

  // ---------------------------------------------------------------------------------------------
  // Registering a work, step by step (§5)

  /**
   * `POST /v1/works/init`: starts a registration and returns the job and its presigned upload URL.
   * The body is checked locally first (creators' roles may be names); an `Idempotency-Key` is
   * minted once and reused on retries, or pass your own.
   *
   * @example
   * const { job_id, upload_url } = await client.works.init({
   *   title: 'Song', filename: 'song.wav',
   *   creators: [{ full_name: 'Ada', email: 'ada@example.com', roles: ['author'] }],
   * });
   */
  async init(body: WorkInitParams, options?: IdempotentRequestOptions): Promise<InitWorkResponse> {
    const wire = parseRequestBody(
      InitWorkInputSchema,
      { ...body, network: body?.network ?? this.#context.network },
      'works.init body',
    );
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath('/init'),
      body: wire,
      schema: InitWorkResponseSchema,
      ...idempotentCallOptions(options),
    });
  }

  /**
   * `POST /v1/works/prepare`: hashes the uploaded file, computes the commitment and prices it.
   * May be repeated for a fresh quote until confirm.
   *
   * @example
   * const quote = await client.works.prepare(job_id);
   * console.log(quote.commitment, quote.total_price_credits);
   */
  async prepare(jobId: string, options?: RequestOptions): Promise<PrepareWorkResponse> {
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath('/prepare'),
      body: { job_id: checkJobId(jobId) },
      schema: PrepareWorkResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `POST /v1/works/confirm`: pays the quote and submits the transaction (`202`). Never retried:
   * after a lost answer, find the outcome through the webhook or `works.list`.
   *
   * @example
   * const { transaction_id } = await client.works.confirm(job_id);
   * const status = await client.transactions.wait(transaction_id);
   */
  async confirm(jobId: string, options?: RequestOptions): Promise<ConfirmWorkResponse> {
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath('/confirm'),
      body: { job_id: checkJobId(jobId) },
      schema: ConfirmWorkResponseSchema,
      idempotent: false,
      ...transportCallOptions(options),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Adding a version, step by step (§6)

  /**
   * `POST /v1/works/{ats_id}/versions/init`: a new version with new creators that keeps the
   * current file (no upload). Returns `{ job_id }`; then `prepareVersion` and `confirmVersion`.
   *
   * @example
   * const { job_id } = await client.works.initVersion(7, { creators });
   */
  async initVersion(
    atsId: number,
    body: VersionInitParams,
    options?: IdempotentRequestOptions,
  ): Promise<InitVersionResponse> {
    const id = checkAtsId(atsId);
    const wire = parseRequestBody(
      InitVersionInputSchema,
      { ...body, network: body?.network ?? this.#context.network },
      'works.initVersion body',
    );
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath(`/${segment(id)}/versions/init`),
      body: wire,
      schema: InitVersionResponseSchema,
      ...idempotentCallOptions(options),
    });
  }

  /**
   * `POST /v1/works/{ats_id}/versions/init-upload`: a new version with a new file; PUT the file
   * to `upload_url`, then `prepareVersion` and `confirmVersion`.
   *
   * @example
   * const { job_id, upload_url } = await client.works.initVersionUpload(7, { filename: 'v2.wav', creators });
   */
  async initVersionUpload(
    atsId: number,
    body: VersionUploadInitParams,
    options?: IdempotentRequestOptions,
  ): Promise<InitVersionUploadResponse> {
    const id = checkAtsId(atsId);
    const wire = parseRequestBody(
      InitVersionUploadInputSchema,
      { ...body, network: body?.network ?? this.#context.network },
      'works.initVersionUpload body',
    );
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath(`/${segment(id)}/versions/init-upload`),
      body: wire,
      schema: InitVersionUploadResponseSchema,
      ...idempotentCallOptions(options),
    });
  }

  /**
   * `POST /v1/works/{ats_id}/versions/prepare`: the version's commitment and quote.
   *
   * @example
   * const quote = await client.works.prepareVersion(7, job_id);
   */
  async prepareVersion(
    atsId: number,
    jobId: string,
    options?: RequestOptions,
  ): Promise<PrepareVersionResponse> {
    const id = checkAtsId(atsId);
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath(`/${segment(id)}/versions/prepare`),
      body: { job_id: checkJobId(jobId) },
      schema: PrepareVersionResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `POST /v1/works/{ats_id}/versions/confirm`: pays and submits the version (`202`). Never
   * retried.
   *
   * @example
   * const { transaction_id } = await client.works.confirmVersion(7, job_id);
   */
  async confirmVersion(
    atsId: number,
    jobId: string,
    options?: RequestOptions,
  ): Promise<ConfirmVersionResponse> {
    const id = checkAtsId(atsId);
    return this.#context.api.request({
      method: 'POST',
      path: this.#context.worksPath(`/${segment(id)}/versions/confirm`),
      body: { job_id: checkJobId(jobId) },
      schema: ConfirmVersionResponseSchema,
      idempotent: false,
      ...transportCallOptions(options),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Reading works (§8)

  /**
   * `GET /v1/works`, newest first. Await it for the first page, or iterate it for every work
   * across pages (`.pages()` for pages). A server answering `404 common.not_found` to a
   * user-reference filter with no works gives an empty page.
   *
   * @example
   * for await (const work of client.works.list({ externalUserRef: user.id })) {
   *   console.log(work.ats_id, work.title);
   * }
   */
  list(params: ListWorksParams = {}): WorksList {
    // A bad filter rejects when the list is first awaited or iterated, like any other failure.
    let query: ListWorksQuery | undefined;
    let invalid: unknown;
    try {
      query = parseRequestBody(
        ListWorksQuerySchema,
        dropUndefined({
          network: networkQuery(params.network, this.#context.network),
          first: params.first,
          external_user_ref: params.externalUserRef,
          search: params.search,
        }),
        'works.list options',
        LIST_OPTION_NAMES,
      );
    } catch (error) {
      invalid = error;
    }
    const call = transportCallOptions(params);
    return new WorksList(async (after): Promise<ListWorksResponse> => {
      if (!query) throw invalid;
      try {
        return await this.#context.api.request({
          method: 'GET',
          path: this.#context.worksPath(),
          query: { ...query, after },
          schema: ListWorksResponseSchema,
          ...call,
        });
      } catch (error) {
        if (
          query.external_user_ref !== undefined &&
          NotFoundError.is(error) &&
          error.code === 'common.not_found'
        ) {
          return emptyPage();
        }
        throw error;
      }
    });
  }

  /**
   * `GET /v1/works/{ats_id}`: a work and its latest creators.
   *
   * @example
   * const work = await client.works.get(7, { network: 'mainnet' });
   */
  async get(atsId: number, options?: WorkLookupOptions): Promise<WorkDetail> {
    const id = checkAtsId(atsId);
    return this.#context.api.request({
      method: 'GET',
      path: this.#context.worksPath(`/${segment(id)}`),
      query: { network: networkQuery(options?.network, this.#context.network) },
      schema: WorkDetailSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `GET /v1/works/{ats_id}/versions`: every version of a work, oldest first.
   *
   * @example
   * const { versions } = await client.works.versions(7);
   */
  async versions(atsId: number, options?: WorkLookupOptions): Promise<WorkVersionsResponse> {
    const id = checkAtsId(atsId);
    return this.#context.api.request({
      method: 'GET',
      path: this.#context.worksPath(`/${segment(id)}/versions`),
      query: { network: networkQuery(options?.network, this.#context.network) },
      schema: WorkVersionsResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `GET /v1/works/{ats_id}/creators` (latest version) or `…/versions/{version}/creators`.
   *
   * @example
   * const { creators } = await client.works.creators(7, { version: 2 });
   */
  async creators(atsId: number, options?: WorkCreatorsOptions): Promise<WorkCreatorsResponse> {
    const id = checkAtsId(atsId);
    const version = options?.version;
    const suffix =
      version === undefined
        ? `/${segment(id)}/creators`
        : `/${segment(id)}/versions/${segment(checkVersion(version))}/creators`;
    return this.#context.api.request({
      method: 'GET',
      path: this.#context.worksPath(suffix),
      query: { network: networkQuery(options?.network, this.#context.network) },
      schema: WorkCreatorsResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * A presigned link (15 min) to a work's file: the latest, or a version's. Keyed by the work's
   * UUID (`id` in reads, `work_id` in results), not its `ats_id`.
   *
   * @example
   * const { url, expires_at } = await client.works.downloadAsset(work.id);
   */
  async downloadAsset(workId: string, options?: AssetDownloadOptions): Promise<DownloadLink> {
    return requestAssetLink(this.#context, this.#workRoot(workId), options);
  }

  /**
   * A presigned link to a work's certificate, PDF by default or JSON (`format: 'json'`).
   *
   * @example
   * const { url } = await client.works.downloadCertificate(work.id, { version: 1 });
   */
  async downloadCertificate(
    workId: string,
    options?: CertificateDownloadOptions,
  ): Promise<DownloadLink> {
    return requestCertificateLink(this.#context, this.#workRoot(workId), options);
  }

  /**
   * Fetches and parses a work's JSON certificate (the latest, or a version's): what is needed to
   * re-check its commitment offline.
   *
   * @example
   * const cert = await client.works.certificate(work.id);
   * console.log(cert.commitment, cert.tx_hash);
   */
  async certificate(workId: string, options?: CertificateOptions): Promise<Certificate> {
    return fetchCertificate(this.#context, this.#workRoot(workId), options);
  }

  #workRoot(workId: string): string {
    return this.#context.worksPath(`/${segment(checkUuid(workId, 'workId', "the work's id"))}`);
  }
}

function emptyPage(): ListWorksResponse {
  return {
    works: [],
    page_info: {
      has_next_page: false,
      has_previous_page: false,
      start_cursor: null,
      end_cursor: null,
    },
    total_count: 0,
  };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
