import { type Network, type StatsResponse, StatsResponseSchema } from '@ats-kit/core';
import { type ClientContext, createClientContext } from './client-context';
import { type AtsClientOptions, resolveClientOptions } from './client-options';
import { networkQuery } from './path-params';
import { type RequestOptions, transportCallOptions } from './request-options';
import { Transactions } from './transactions-resource';
import { WorkAccess } from './work-access';
import { Works } from './works-resource';

/** Options of `client.stats`. */
export interface StatsOptions extends RequestOptions {
  /** Default: the client's network. */
  network?: Network | undefined;
}

/**
 * The server-to-server client of the ATS API, authenticated with an organization's API key.
 * Resources hang off it: `works` (register step by step, read, download), `transactions` (status
 * and waiting), `access(code)` (a work opened by its access code) and `stats()`. Every method
 * takes a `signal`; every failure is an `AtsError` (`AtsApiError` subclasses carry the
 * `request_id`). The key never appears in `inspect`, `JSON.stringify` or errors.
 *
 * @example
 * import { AtsClient } from '@ats-kit/node';
 * const client = new AtsClient({ apiKey: process.env.ATS_API_KEY, network: 'testnet' });
 * for await (const work of client.works.list()) console.log(work.ats_id, work.title);
 */
export class AtsClient {
  /** The organization's works. */
  readonly works: Works;
  /** Transaction status and waiting. */
  readonly transactions: Transactions;
  /** The API base the client calls. */
  readonly baseUrl: string;
  /** The network used when a call names none. */
  readonly network: Network;
  /** Set when the client uses the legacy `/v1/organizations/{org}/works` routes. */
  readonly organizationId: string | undefined;
  readonly #context: ClientContext;

  /**
   * Checks the options (the key from `ATS_API_KEY` when `apiKey` is left out) and throws
   * `AtsValidationError` naming each bad one. No request is made.
   */
  constructor(options: AtsClientOptions = {}) {
    const resolved = resolveClientOptions(options);
    this.#context = createClientContext(resolved);
    this.baseUrl = resolved.baseUrl;
    this.network = resolved.network;
    this.organizationId = resolved.organizationId;
    this.works = new Works(this.#context);
    this.transactions = new Transactions(this.#context);
  }

  /**
   * The routes an access code opens (`/v1/access/{code}/...`). The code is checked (`atc_` + 64
   * hex, any case) and never printed.
   *
   * @example
   * const work = await client.access('atc_7e…').work();
   */
  access(code: string): WorkAccess {
    return new WorkAccess(this.#context, code);
  }

  /**
   * `GET /v1/stats`: the organization's work count on a network and its effective file-size limit.
   *
   * @example
   * const { total_works, max_audio_size_bytes } = await client.stats({ network: 'mainnet' });
   */
  async stats(options?: StatsOptions): Promise<StatsResponse> {
    return this.#context.api.request({
      method: 'GET',
      path: '/v1/stats',
      query: { network: networkQuery(options?.network, this.network) },
      schema: StatsResponseSchema,
      ...transportCallOptions(options),
    });
  }

  /** The settings, without the API key. */
  toJSON(): { baseUrl: string; network: Network; organizationId: string | undefined } {
    return { baseUrl: this.baseUrl, network: this.network, organizationId: this.organizationId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options?: unknown) => string,
  ): string {
    return `AtsClient ${inspect({ ...this.toJSON(), apiKey: 'afo_sk_live_[redacted]' }, options)}`;
  }
}
