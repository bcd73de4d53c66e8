import {
  type Certificate,
  type ConfirmVersionResponse,
  ConfirmVersionResponseSchema,
  type ConfirmWorkResponse,
  ConfirmWorkResponseSchema,
  type CreatorInput,
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
  type RegistrationEngine,
  type RegistrationResult,
  type WorkCreatorsResponse,
  WorkCreatorsResponseSchema,
  type WorkDetail,
  WorkDetailSchema,
  type WorkVersionsResponse,
  WorkVersionsResponseSchema,
} from '@ats-kit/core';
import {
  type BatchItem,
  type BatchReport,
  type RegisterManyOptions,
  runRegisterMany,
} from '../batch/register-many';
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
import { filenameOf, type RegistrationFile } from './registration-file';
import { parseRequestBody } from './request-body';
import {
  type IdempotentRequestOptions,
  idempotentCallOptions,
  type RequestOptions,
  transportCallOptions,
} from './request-options';
import {
  type CreateRegistrationOptions,
  createClientEngine,
  type RegistrationOptions,
  runRegistration,
} from './run-registration';
import { WorksList } from './works-list';

/** What `works.register` registers. */
export interface RegisterWorkInput {
  /** Trimmed before it is sent and hashed; 1–255 characters. */
  title: string;
  /** 1–32 creators: the wire object, `roles` as `{ author: true }` or `['author', 'composer']`. */
  creators: readonly CreatorInput[];
  /** A path or `file:` URL (read once: uploaded and hashed in the same pass), bytes, a Blob or `{ stream, size }`. */
  file: RegistrationFile;
  /** The name users will see. Default: the base name of the path (required for bytes and streams). */
  filename?: string | undefined;
  /** Default: the client's network. */
  network?: Network | undefined;
  /** Your user's reference: the work then gets no access code. */
  externalUserRef?: string | null | undefined;
  /** `Content-Type` of the upload. Default `application/octet-stream` (a Blob's own type). */
  contentType?: string | undefined;
}

/** What `works.updateVersion` adds: new creators, and a new file or the current one. */
export interface UpdateVersionInput {
  creators: readonly CreatorInput[];
  /** A new file; without it the current file is kept (`versions/init`). */
  file?: RegistrationFile | undefined;
  /** The new file's name; default the base name of its path. */
  filename?: string | undefined;
  /** The network the `ats_id` is counted on. Default: the client's. */
  network?: Network | undefined;
  /** Must be the work's own reference when it has one. */
  externalUserRef?: string | null | undefined;
  /** The work's title, to check the whole commitment locally (else media hash and creators only). */
  title?: string | undefined;
  contentType?: string | undefined;
}

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
  // The registration flow (init → upload → prepare → confirm → track) as one call, driving the
  // core registration engine. The low-level steps further down are what it is built from.

  /**
   * Registers a work in one call: init, upload (a path is read once: uploaded and hashed in the
   * same pass), prepare, approval of the quote, confirm, then following the chain transaction to
   * finality. Resolves with the result (`ats_id`, `tx_hash`, `access_code`, `work_id`…). A confirm
   * whose answer is lost is resolved safely (prepare tells whether it happened; the listing gives
   * its outcome), never sent blindly twice. Rejects with `AtsValidationError` (bad input, before any
   * request), `AtsQuoteDeclinedError`, `AtsCommitmentMismatchError`, `AtsTransactionFailedError`
   * (refunded), `AtsConfirmOutcomeUnknownError` (with the job id), `AtsRegistrationAbortedError`
   * (the `signal`; it says whether the registration goes on) or an `AtsApiError`.
   *
   * @example
   * const result = await client.works.register(
   *   { title: 'Song', file: './song.wav', creators: [{ full_name: 'Ada', email: 'ada@example.com', roles: ['author'] }] },
   *   { maxPriceCredits: 100, onProgress: ({ bytes, total }) => console.log(bytes, '/', total) },
   * );
   * console.log(result.ats_id, result.access_code);
   */
  async register(
    input: RegisterWorkInput,
    options?: RegistrationOptions,
  ): Promise<RegistrationResult> {
    const file = input?.file;
    return runRegistration(
      this.#context,
      {
        operation: 'register',
        network: input?.network ?? this.#context.network,
        title: input?.title,
        filename: file === undefined ? input?.filename : filenameOf(file, input.filename),
        creators: input?.creators,
        externalUserRef: input?.externalUserRef,
        media: file,
        contentType: input?.contentType,
      } as Parameters<RegistrationEngine['run']>[0],
      options,
    );
  }

  /**
   * Adds a version to a work in one call: new creators, with a new file (`versions/init-upload`,
   * then the upload) or keeping the current one (`versions/init`), then prepare, approval, confirm
   * and tracking, as `register`. The title never changes; the result's `version` is the new number.
   *
   * @example
   * const { version } = await client.works.updateVersion(7, { creators, file: './v2.wav' });
   */
  async updateVersion(
    atsId: number,
    input: UpdateVersionInput,
    options?: RegistrationOptions,
  ): Promise<RegistrationResult> {
    const file = input?.file;
    return runRegistration(
      this.#context,
      {
        operation: 'updateVersion',
        atsId,
        network: input?.network ?? this.#context.network,
        creators: input?.creators,
        externalUserRef: input?.externalUserRef,
        media: file,
        filename: file === undefined ? input?.filename : filenameOf(file, input.filename),
        title: input?.title,
        contentType: input?.contentType,
      } as Parameters<RegistrationEngine['run']>[0],
      options,
    );
  }

  /**
   * A core registration engine bound to this client (its key, routes, retries), for callers who
   * want its snapshot store and typed events: `register`, `updateVersion`, `resume` (a job from
   * another process), `track`, `abort`. One run at a time per engine.
   *
   * @example
   * const engine = client.works.createRegistration({ maxPriceCredits: 80 });
   * engine.on('quote', ({ explanation }) => console.log('debit', explanation.debitCredits));
   * const result = await engine.register({ network: 'mainnet', title, filename, creators, media: './song.wav' });
   */
  createRegistration(options?: CreateRegistrationOptions): RegistrationEngine {
    return createClientEngine(this.#context, options);
  }

  /**
   * Registers many works, `concurrency` at a time, each as `register` does; with a `journal` file
   * a killed run started again resumes where it stopped, never registering or debiting an item
   * twice. Resolves with a report (every item `registered`, `failed` or `skipped`) and never
   * rejects for an item's failure. See `registerMany`.
   *
   * @example
   * const report = await client.works.registerMany(items, { concurrency: 8, journal: './batch.jsonl' });
   * console.log(report.summary);
   */
  registerMany(items: readonly BatchItem[], options?: RegisterManyOptions): Promise<BatchReport> {
    return runRegisterMany(
      { createEngine: (engineOptions) => this.createRegistration(engineOptions) },
      this.#context.network,
      items,
      options,
    );
  }

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
