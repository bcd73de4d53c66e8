import { AtsError, NotFoundError } from '@ats-kit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtsClient } from './ats-client';
import {
  API_KEY,
  apiError,
  type FakeAtsApi,
  ORG_ID,
  startFakeAtsApi,
  workSummary,
} from './test-fixtures/fake-ats-api';
import { WorksPage } from './works-list';

let api: FakeAtsApi;
let client: AtsClient;
beforeEach(async () => {
  api = await startFakeAtsApi();
  client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
});
afterEach(async () => {
  await api.close();
});

/** Three pages of two works (ats_id 1–6), cursors `c1`, `c2`; the last page has no next. */
function serveThreePages(path = '/v1/works') {
  api.route('GET', path, (request) => {
    const after = request.query.get('after');
    const index = after === null ? 0 : Number(after.slice(1));
    const works = [workSummary(index * 2 + 1), workSummary(index * 2 + 2)];
    return {
      body: {
        works,
        page_info: {
          has_next_page: index < 2,
          has_previous_page: index > 0,
          start_cursor: `s${index}`,
          end_cursor: index < 2 ? `c${index + 1}` : 'c-last',
        },
        total_count: 6,
      },
    };
  });
}

describe('works.list()', () => {
  it('awaited, gives the first page with one request', async () => {
    serveThreePages();
    const page = await client.works.list({ first: 2 });
    expect(page).toBeInstanceOf(WorksPage);
    expect(page.works.map((work) => work.ats_id)).toEqual([1, 2]);
    expect(page.total_count).toBe(6);
    expect(page.hasNextPage()).toBe(true);
    expect(api.requests).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(page))).toEqual({
      works: expect.any(Array),
      page_info: expect.objectContaining({ end_cursor: 'c1' }),
      total_count: 6,
    });
  });

  it('iterated with for await, yields every work across three pages, following end_cursor', async () => {
    serveThreePages();
    const ids: number[] = [];
    for await (const work of client.works.list({ first: 2 })) ids.push(work.ats_id);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(api.requests.map((request) => request.query.get('after'))).toEqual([null, 'c1', 'c2']);
    for (const request of api.requests) expect(request.query.get('first')).toBe('2');
  });

  it('.pages() yields the pages one by one', async () => {
    serveThreePages();
    const sizes: number[] = [];
    for await (const page of client.works.list().pages()) sizes.push(page.works.length);
    expect(sizes).toEqual([2, 2, 2]);
  });

  it('getNextPage() walks the pages by hand and gives null after the last', async () => {
    serveThreePages();
    const first = await client.works.list();
    const second = await first.getNextPage();
    const third = await second?.getNextPage();
    expect(third?.works.map((work) => work.ats_id)).toEqual([5, 6]);
    await expect(third?.getNextPage()).resolves.toBeNull();
  });

  it('fetches the first page once, however it is used', async () => {
    serveThreePages();
    const list = client.works.list();
    await list;
    await list;
    const ids: number[] = [];
    for await (const work of list) ids.push(work.ats_id);
    expect(ids).toHaveLength(6);
    expect(api.requests).toHaveLength(3);
  });

  it('starts no request until awaited or iterated', () => {
    serveThreePages();
    client.works.list();
    expect(api.requests).toHaveLength(0);
  });

  it('follows the legacy family with an organizationId', async () => {
    serveThreePages(`/v1/organizations/${ORG_ID}/works`);
    const legacy = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, organizationId: ORG_ID });
    let count = 0;
    for await (const _work of legacy.works.list()) count += 1;
    expect(count).toBe(6);
  });

  it('encodes the filters as the API names them', async () => {
    serveThreePages();
    const ref = 'user 42/é&x=1';
    await client.works.list({ network: 'mainnet', first: 5, externalUserRef: ref, search: 'a b' });
    const query = api.requests[0]?.query;
    expect(query?.get('external_user_ref')).toBe(ref);
    expect(query?.get('search')).toBe('a b');
    expect(query?.get('network')).toBe('mainnet');
    expect(query?.get('first')).toBe('5');
    expect([...(query?.keys() ?? [])].sort()).toEqual([
      'external_user_ref',
      'first',
      'network',
      'search',
    ]);
  });

  it('lists both networks with network: null', async () => {
    serveThreePages();
    await client.works.list({ network: null });
    expect(api.requests[0]?.query.has('network')).toBe(false);
  });

  it('reads a 404 to a user-reference filter as an empty list', async () => {
    api.route('GET', '/v1/works', (request) => apiError(request, 404, 'common.not_found'));
    const page = await client.works.list({ externalUserRef: 'nobody' });
    expect(page.works).toEqual([]);
    expect(page.total_count).toBe(0);
    const all: unknown[] = [];
    for await (const work of client.works.list({ externalUserRef: 'nobody' })) all.push(work);
    expect(all).toEqual([]);
  });

  it('passes any other error on, with its request_id, to await and to iteration', async () => {
    api.route('GET', '/v1/works', (request) => apiError(request, 404, 'common.not_found'));
    const error = await client.works.list().catch((e: unknown) => e);
    expect(NotFoundError.is(error)).toBe(true);
    expect((error as NotFoundError).requestId).toBe(api.requests[0]?.requestId);
    await expect(
      (async () => {
        for await (const _work of client.works.list()) {
          // never reached
        }
      })(),
    ).rejects.toSatisfy((e) => NotFoundError.is(e));
  });

  it('stops with invalid_response when the server repeats a cursor', async () => {
    api.route('GET', '/v1/works', () => ({
      body: {
        works: [workSummary(1)],
        page_info: {
          has_next_page: true,
          has_previous_page: false,
          start_cursor: 'same',
          end_cursor: 'same',
        },
        total_count: 99,
      },
    }));
    const run = async () => {
      for await (const _work of client.works.list()) {
        // drain
      }
    };
    const error = await run().catch((e: unknown) => e);
    expect(AtsError.is(error) && error.code).toBe('invalid_response');
    expect(api.requests).toHaveLength(2);
  });

  it('applies the signal to every page', async () => {
    serveThreePages();
    const controller = new AbortController();
    const ids: number[] = [];
    const run = async () => {
      for await (const work of client.works.list({ signal: controller.signal })) {
        ids.push(work.ats_id);
        if (work.ats_id === 2) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'aborted' });
    expect(ids).toEqual([1, 2]);
    expect(api.requests).toHaveLength(1);
  });
});
