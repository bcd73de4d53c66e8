import {
  type AccessInitVersionInput,
  AccessInitVersionInputSchema,
  type AccessInitVersionUploadInput,
  AccessInitVersionUploadInputSchema,
  type AccessWork,
  AccessWorkSchema,
  type Certificate,
  type ConfirmVersionResponse,
  ConfirmVersionResponseSchema,
  type CreatorInput,
  type DownloadLink,
  type InitVersionResponse,
  InitVersionResponseSchema,
  type InitVersionUploadResponse,
  InitVersionUploadResponseSchema,
  type Network,
  normalizeAccessCode,
  type PrepareVersionResponse,
  PrepareVersionResponseSchema,
  type RegistrationEngine,
  type RegistrationResult,
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
import { checkJobId } from './path-params';
import { filenameOf, type RegistrationFile } from './registration-file';
import { parseRequestBody } from './request-body';
import {
  type IdempotentRequestOptions,
  idempotentCallOptions,
  type RequestOptions,
  transportCallOptions,
} from './request-options';
import { type RegistrationOptions, runRegistration } from './run-registration';

/** What `access(code).updateVersion` adds: new creators, and a new file or the current one. */
export interface AccessUpdateVersionInput {
  creators: readonly CreatorInput[];
  /** A new file; without it the current file is kept. */
  file?: RegistrationFile | undefined;
  /** The new file's name; default the base name of its path. */
  filename?: string | undefined;
  /** The work's network. Default: read from the work (one `GET /v1/access/{code}/work`). */
  network?: Network | undefined;
  /** The work's title, for the full commitment check. Default: read with the network. */
  title?: string | undefined;
  /** Leave out: works opened by an access code have no reference (a value is refused). */
  externalUserRef?: string | null | undefined;
  contentType?: string | undefined;
}

/**
 * What an access code grants (api.md §9): reading its work and adding versions to it, through
 * `/v1/access/{code}/...`. Get one with `client.access(code)`. The work's own network applies, so
 * the bodies take no default network (a differing one is refused by the server). The code is a
 * credential: it is never printed by `inspect` or `JSON.stringify`, nor in errors.
 *
 * @example
 * const access = client.access(accessCode);
 * const work = await access.work();
 * const { job_id } = await access.initVersion({ creators });
 */
export class WorkAccess {
  readonly #context: ClientContext;
  readonly #code: string;
  readonly #root: string;

  /** @internal Created by `client.access(code)`. */
  constructor(context: ClientContext, code: string) {
    this.#context = context;
    this.#code = normalizeAccessCode(code, 'code');
    this.#root = `/v1/access/${this.#code}`;
  }

  /**
   * Adds a version to the work in one call, as `client.works.updateVersion` does, through the
   * access-code routes. Without `network`, the work is read first for its network and title.
   *
   * @example
   * const { version } = await client.access(code).updateVersion({ creators, file: './v2.wav' });
   */
  async updateVersion(
    input: AccessUpdateVersionInput,
    options?: RegistrationOptions,
  ): Promise<RegistrationResult> {
    let network = input?.network;
    let title = input?.title;
    if (network === undefined && input !== null && typeof input === 'object') {
      const work = await this.work(options?.signal ? { signal: options.signal } : undefined);
      network = work.network;
      title ??= work.title;
    }
    const file = input?.file;
    return runRegistration(
      this.#context,
      {
        operation: 'updateVersion',
        accessCode: this.#code,
        network,
        creators: input?.creators,
        externalUserRef: input?.externalUserRef,
        media: file,
        filename: file === undefined ? input?.filename : filenameOf(file, input.filename),
        title,
        contentType: input?.contentType,
      } as Parameters<RegistrationEngine['run']>[0],
      options,
    );
  }

  /**
   * `GET /v1/access/{code}/work`: the work the code opens.
   *
   * @example
   * const { ats_id, title, network } = await client.access(code).work();
   */
  async work(options?: RequestOptions): Promise<AccessWork> {
    return this.#context.api.request({
      method: 'GET',
      path: `${this.#root}/work`,
      schema: AccessWorkSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `GET /v1/access/{code}/versions`: the work's versions, oldest first.
   *
   * @example
   * const { versions } = await client.access(code).versions();
   */
  async versions(options?: RequestOptions): Promise<WorkVersionsResponse> {
    return this.#context.api.request({
      method: 'GET',
      path: `${this.#root}/versions`,
      schema: WorkVersionsResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `POST /v1/access/{code}/versions/init`: a new version keeping the current file.
   *
   * @example
   * const { job_id } = await client.access(code).initVersion({ creators });
   */
  async initVersion(
    body: AccessInitVersionInput,
    options?: IdempotentRequestOptions,
  ): Promise<InitVersionResponse> {
    return this.#context.api.request({
      method: 'POST',
      path: `${this.#root}/versions/init`,
      body: parseRequestBody(AccessInitVersionInputSchema, body, 'access.initVersion body'),
      schema: InitVersionResponseSchema,
      ...idempotentCallOptions(options),
    });
  }

  /**
   * `POST /v1/access/{code}/versions/init-upload`: a new version with a new file, to PUT to the
   * returned `upload_url`.
   *
   * @example
   * const { job_id, upload_url } = await client.access(code).initVersionUpload({ filename: 'v2.wav', creators });
   */
  async initVersionUpload(
    body: AccessInitVersionUploadInput,
    options?: IdempotentRequestOptions,
  ): Promise<InitVersionUploadResponse> {
    return this.#context.api.request({
      method: 'POST',
      path: `${this.#root}/versions/init-upload`,
      body: parseRequestBody(
        AccessInitVersionUploadInputSchema,
        body,
        'access.initVersionUpload body',
      ),
      schema: InitVersionUploadResponseSchema,
      ...idempotentCallOptions(options),
    });
  }

  /**
   * `POST /v1/access/{code}/versions/prepare`: the version's commitment and quote.
   *
   * @example
   * const quote = await client.access(code).prepareVersion(job_id);
   */
  async prepareVersion(jobId: string, options?: RequestOptions): Promise<PrepareVersionResponse> {
    return this.#context.api.request({
      method: 'POST',
      path: `${this.#root}/versions/prepare`,
      body: { job_id: checkJobId(jobId) },
      schema: PrepareVersionResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /**
   * `POST /v1/access/{code}/versions/confirm`: pays and submits the version (`202`). Never
   * retried.
   *
   * @example
   * const { transaction_id } = await client.access(code).confirmVersion(job_id);
   */
  async confirmVersion(jobId: string, options?: RequestOptions): Promise<ConfirmVersionResponse> {
    return this.#context.api.request({
      method: 'POST',
      path: `${this.#root}/versions/confirm`,
      body: { job_id: checkJobId(jobId) },
      schema: ConfirmVersionResponseSchema,
      idempotent: false,
      ...transportCallOptions(options),
    });
  }

  /**
   * A presigned link to the work's file: the latest, or a version's.
   *
   * @example
   * const { url } = await client.access(code).downloadAsset({ version: 2 });
   */
  async downloadAsset(options?: AssetDownloadOptions): Promise<DownloadLink> {
    return requestAssetLink(this.#context, this.#root, options);
  }

  /**
   * A presigned link to the work's certificate, PDF by default or JSON.
   *
   * @example
   * const { url } = await client.access(code).downloadCertificate({ format: 'pdf' });
   */
  async downloadCertificate(options?: CertificateDownloadOptions): Promise<DownloadLink> {
    return requestCertificateLink(this.#context, this.#root, options);
  }

  /**
   * Fetches and parses the work's JSON certificate (the latest, or a version's).
   *
   * @example
   * const cert = await client.access(code).certificate();
   */
  async certificate(options?: CertificateOptions): Promise<Certificate> {
    return fetchCertificate(this.#context, this.#root, options);
  }

  /** No fields: the code is a credential. */
  toJSON(): Record<string, never> {
    return {};
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'WorkAccess { code: atc_… }';
  }
}
