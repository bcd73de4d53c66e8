import { AtsError, type ListWorksResponse, type PageInfo, type WorkSummary } from '@ats-kit/core';

/** Loads the page after `after` (the first page when undefined). */
export type WorksPageLoader = (after: string | undefined) => Promise<ListWorksResponse>;

/**
 * One page of `GET /v1/works`, with the API's fields as sent (`works`, `page_info`,
 * `total_count`) and the way to the next page.
 *
 * @example
 * let page = await client.works.list({ first: 50 });
 * while (page) { show(page.works); page = await page.getNextPage(); }
 */
export class WorksPage implements ListWorksResponse {
  readonly works: WorkSummary[];
  readonly page_info: PageInfo;
  /** Every work matching the filters, across pages. */
  readonly total_count: number;
  readonly #load: WorksPageLoader;

  constructor(body: ListWorksResponse, load: WorksPageLoader) {
    this.works = body.works;
    this.page_info = body.page_info;
    this.total_count = body.total_count;
    this.#load = load;
  }

  /** True when the server has a page after this one (and gave its cursor). */
  hasNextPage(): boolean {
    return this.page_info.has_next_page && Boolean(this.page_info.end_cursor);
  }

  /**
   * Fetches the next page (`after` = this page's `page_info.end_cursor`), or returns null after
   * the last one.
   *
   * @example
   * const next = await page.getNextPage();
   */
  async getNextPage(): Promise<WorksPage | null> {
    if (!this.hasNextPage()) return null;
    const cursor = this.page_info.end_cursor ?? undefined;
    return new WorksPage(await this.#load(cursor), this.#load);
  }

  /** The wire fields only. */
  toJSON(): ListWorksResponse {
    return { works: this.works, page_info: this.page_info, total_count: this.total_count };
  }
}

/**
 * What `client.works.list()` returns: awaiting it gives the first page (`WorksPage`), iterating it
 * with `for await` gives every work across pages, and `.pages()` gives the pages one by one. The
 * first request starts when it is first awaited or iterated; the first page is fetched once.
 *
 * @example
 * const first = await client.works.list({ first: 20 });         // one page
 * for await (const work of client.works.list()) console.log(work.ats_id); // all works
 * for await (const page of client.works.list().pages()) console.log(page.works.length);
 */
export class WorksList implements PromiseLike<WorksPage>, AsyncIterable<WorkSummary> {
  readonly #load: WorksPageLoader;
  #firstPage: Promise<WorksPage> | undefined;

  constructor(load: WorksPageLoader) {
    this.#load = load;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose, like openai-node's PagePromise.
  then<TResult1 = WorksPage, TResult2 = never>(
    onfulfilled?: ((page: WorksPage) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.#first().then(onfulfilled, onrejected);
  }

  catch<TResult = never>(
    onrejected?: ((reason: unknown) => TResult | PromiseLike<TResult>) | null,
  ): Promise<WorksPage | TResult> {
    return this.#first().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<WorksPage> {
    return this.#first().finally(onfinally);
  }

  /**
   * Every page, the first included, following `page_info.end_cursor` until `has_next_page` is
   * false. A server that hands back a cursor already followed stops the loop with an
   * `invalid_response` error rather than looping forever.
   */
  async *pages(): AsyncGenerator<WorksPage, void, undefined> {
    let page: WorksPage | null = await this.#first();
    const seen = new Set<string>();
    while (page) {
      yield page;
      const cursor = page.page_info.end_cursor;
      if (!page.hasNextPage() || cursor === null) return;
      if (seen.has(cursor)) {
        throw new AtsError(
          'The ATS API returned a page cursor it had already returned; stopping the listing',
          { code: 'invalid_response' },
        );
      }
      seen.add(cursor);
      page = await page.getNextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WorkSummary, void, undefined> {
    for await (const page of this.pages()) yield* page.works;
  }

  get [Symbol.toStringTag](): string {
    return 'WorksList';
  }

  #first(): Promise<WorksPage> {
    this.#firstPage ??= this.#load(undefined).then((body) => new WorksPage(body, this.#load));
    return this.#firstPage;
  }
}
