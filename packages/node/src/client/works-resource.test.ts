import {
  AtsAbortError,
  AtsValidationError,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
} from '@ats-kit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtsClient } from './ats-client';
import {
  API_KEY,
  apiError,
  CONFIRMED,
  CREATOR,
  type FakeAtsApi,
  HASH,
  JOB_ID,
  ORG_ID,
  QUOTE,
  startFakeAtsApi,
  TIME,
  version,
  WORK_ID,
  workSummary,
} from './test-fixtures/fake-ats-api';

let api: FakeAtsApi;
beforeEach(async () => {
  api = await startFakeAtsApi();
});
afterEach(async () => {
  await api.close();
});

const CREATORS_INPUT = [
  { full_name: '  Ada Lovelace ', email: 'ada@example.com', roles: ['Author', 'composer'] },
];
const CREATORS_WIRE = [
  {
    full_name: 'Ada Lovelace',
    email: 'ada@example.com',
    roles: { author: true, composer: true, arranger: false, adapter: false },
  },
];
const UPLOAD = {
  job_id: JOB_ID,
  upload_url: 'http://127.0.0.1/_storage/x',
  upload_expires_at: TIME,
};
const LINK = { url: 'http://127.0.0.1/_storage/file', expires_at: TIME };

/** Answers every route a client call may reach, under the given works prefix. */
function serveEveryRoute(prefix: string) {
  const work = `${prefix}/7`;
  const answers: Record<string, unknown> = {
    [`POST ${prefix}/init`]: UPLOAD,
    [`POST ${prefix}/prepare`]: { ...QUOTE, work_id: WORK_ID, total_deposit_credits: 0 },
    [`POST ${prefix}/confirm`]: CONFIRMED,
    [`POST ${work}/versions/init`]: { job_id: JOB_ID },
    [`POST ${work}/versions/init-upload`]: UPLOAD,
    [`POST ${work}/versions/prepare`]: { ...QUOTE, version_deposit_credits: 0 },
    [`POST ${work}/versions/confirm`]: { ...CONFIRMED, transaction_type: 'add_version' },
    [`GET ${work}`]: { ...workSummary(7), creators: [CREATOR] },
    [`GET ${work}/versions`]: {
      ats_id: 7,
      network: 'testnet',
      work_id: WORK_ID,
      versions: [version(1)],
    },
    [`GET ${work}/creators`]: { ats_id: 7, network: 'testnet', version: 1, creators: [CREATOR] },
    [`GET ${work}/versions/2/creators`]: {
      ats_id: 7,
      network: 'testnet',
      version: 2,
      creators: [CREATOR],
    },
    [`GET ${prefix}/${WORK_ID}/download/asset`]: LINK,
    [`GET ${prefix}/${WORK_ID}/versions/2/download/audio`]: LINK,
    [`GET ${prefix}/${WORK_ID}/download/certificate`]: LINK,
    [`GET ${prefix}/${WORK_ID}/versions/2/download/certificate`]: LINK,
  };
  for (const [route, body] of Object.entries(answers)) {
    const [method = '', path = ''] = route.split(' ');
    api.route(method, path, () => ({ status: path.endsWith('confirm') ? 202 : 200, body }));
  }
}

async function callEveryRoute(client: AtsClient) {
  await client.works.init({ title: 'Song', filename: 'song.wav', creators: CREATORS_INPUT });
  await client.works.prepare(JOB_ID);
  await client.works.confirm(JOB_ID);
  await client.works.initVersion(7, { creators: CREATORS_INPUT });
  await client.works.initVersionUpload(7, { filename: 'v2.wav', creators: CREATORS_INPUT });
  await client.works.prepareVersion(7, JOB_ID);
  await client.works.confirmVersion(7, JOB_ID);
  await client.works.get(7);
  await client.works.versions(7);
  await client.works.creators(7);
  await client.works.creators(7, { version: 2 });
  await client.works.downloadAsset(WORK_ID);
  await client.works.downloadAsset(WORK_ID, { version: 2 });
  await client.works.downloadCertificate(WORK_ID);
  await client.works.downloadCertificate(WORK_ID, { version: 2, format: 'json' });
  return api.requests.map((request) => `${request.method} ${request.path}`);
}

describe('route families', () => {
  it('uses /v1/works/... without an organizationId', async () => {
    serveEveryRoute('/v1/works');
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const calls = await callEveryRoute(client);
    expect(calls).toEqual([
      'POST /v1/works/init',
      'POST /v1/works/prepare',
      'POST /v1/works/confirm',
      'POST /v1/works/7/versions/init',
      'POST /v1/works/7/versions/init-upload',
      'POST /v1/works/7/versions/prepare',
      'POST /v1/works/7/versions/confirm',
      'GET /v1/works/7',
      'GET /v1/works/7/versions',
      'GET /v1/works/7/creators',
      'GET /v1/works/7/versions/2/creators',
      `GET /v1/works/${WORK_ID}/download/asset`,
      `GET /v1/works/${WORK_ID}/versions/2/download/audio`,
      `GET /v1/works/${WORK_ID}/download/certificate`,
      `GET /v1/works/${WORK_ID}/versions/2/download/certificate`,
    ]);
    for (const request of api.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    }
  });

  it('uses /v1/organizations/{org}/works/... with an organizationId, same suffixes', async () => {
    const prefix = `/v1/organizations/${ORG_ID}/works`;
    serveEveryRoute(prefix);
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, organizationId: ORG_ID });
    const calls = await callEveryRoute(client);
    expect(calls).toHaveLength(15);
    for (const call of calls) expect(call.split(' ')[1]?.startsWith(`${prefix}/`)).toBe(true);
    expect(calls[0]).toBe(`POST ${prefix}/init`);
    expect(calls[14]).toBe(`GET ${prefix}/${WORK_ID}/versions/2/download/certificate`);
  });

  it('keeps a path prefix of the base URL', async () => {
    api.route('GET', '/ats/v1/works/7', () => ({ body: { ...workSummary(7), creators: [] } }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: `${api.baseUrl}/ats/` });
    await client.works.get(7);
    expect(api.requests[0]?.path).toBe('/ats/v1/works/7');
  });
});

describe('writes', () => {
  it('sends the init body in wire form, with the client network and one Idempotency-Key', async () => {
    serveEveryRoute('/v1/works');
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, network: 'mainnet' });
    const answer = await client.works.init({
      title: '  Song ',
      filename: 'song.wav',
      creators: CREATORS_INPUT,
      external_user_ref: 'user-1',
    });
    expect(answer).toEqual(UPLOAD);
    const request = api.requests[0];
    expect(request?.body).toEqual({
      network: 'mainnet',
      title: 'Song',
      filename: 'song.wav',
      creators: CREATORS_WIRE,
      external_user_ref: 'user-1',
    });
    expect(request?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request?.headers['content-type']).toContain('application/json');
  });

  it('reuses the Idempotency-Key on a retry, and takes the caller’s own key', async () => {
    let calls = 0;
    api.route('POST', '/v1/works/init', (request) => {
      calls += 1;
      return calls === 1
        ? {
            ...apiError(request, 503, 'common.service_unavailable'),
            headers: { 'retry-after': '0' },
          }
        : { body: UPLOAD };
    });
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const body = { title: 'Song', filename: 'song.wav', creators: CREATORS_INPUT };
    await client.works.init(body);
    const [first, second] = api.requests;
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);

    await client.works.init(body, { idempotencyKey: 'order-42' });
    expect(api.requests[2]?.headers['idempotency-key']).toBe('order-42');
  });

  it('fills the network of version bodies but never of access-code bodies', async () => {
    serveEveryRoute('/v1/works');
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    await client.works.initVersion(7, { creators: CREATORS_INPUT, network: 'mainnet' });
    await client.works.initVersionUpload(7, { filename: 'v2.wav', creators: CREATORS_INPUT });
    expect(api.requests[0]?.body).toMatchObject({ network: 'mainnet', creators: CREATORS_WIRE });
    expect(api.requests[1]?.body).toMatchObject({ network: 'testnet', filename: 'v2.wav' });
  });

  it('never retries a confirm', async () => {
    api.route('POST', '/v1/works/confirm', (request) =>
      apiError(request, 503, 'common.service_unavailable'),
    );
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, maxRetries: 3 });
    await expect(client.works.confirm(JOB_ID)).rejects.toMatchObject({ status: 503 });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.body).toEqual({ job_id: JOB_ID });
    expect(api.requests[0]?.headers['idempotency-key']).toBeUndefined();
  });

  it('refuses a bad body locally, naming each field in the API’s path style', async () => {
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const error = await Promise.resolve()
      .then(() =>
        client.works.init({
          title: 'Song',
          filename: 'a/b.wav',
          creators: [{ full_name: 'Ada', email: 'nope', roles: [] }],
        }),
      )
      .catch((e: unknown) => e);
    expect(AtsValidationError.is(error)).toBe(true);
    const paths = (error as AtsValidationError).issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['filename', 'creators[0].email', 'creators[0].roles']),
    );
    expect(api.requests).toHaveLength(0);
  });

  it('refuses bad identifiers and options before any request', async () => {
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    await expect(client.works.get(0)).rejects.toThrow(/atsId/);
    await expect(client.works.prepare('')).rejects.toThrow(/jobId/);
    await expect(client.works.downloadAsset('7')).rejects.toThrow(/workId/);
    await expect(client.works.creators(7, { version: 1.5 })).rejects.toThrow(/version/);
    await expect(
      client.works.downloadCertificate(WORK_ID, { format: 'docx' as never }),
    ).rejects.toThrow(/format/);
    await expect(
      client.works.init(
        { title: 'x', filename: 'x', creators: CREATORS_INPUT },
        { idempotencyKey: '' },
      ),
    ).rejects.toThrow(/idempotencyKey/);
    await expect(client.works.list({ first: 500 })).rejects.toThrow(/first/);
    await expect(client.works.list({ externalUserRef: '' })).rejects.toThrow(/externalUserRef/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('reads', () => {
  it('sends the client network by default, the call’s own, or none for null', async () => {
    api.route('GET', '/v1/works/7', () => ({ body: { ...workSummary(7), creators: [] } }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    await client.works.get(7);
    await client.works.get(7, { network: 'mainnet' });
    await client.works.get(7, { network: null });
    expect(api.requests.map((request) => request.query.get('network'))).toEqual([
      'testnet',
      'mainnet',
      null,
    ]);
  });

  it('returns wire data as the API sends it, snake_case, roles as lowercase names', async () => {
    api.route('GET', '/v1/works/7', () => ({
      body: {
        ...workSummary(7),
        creators: [{ ...CREATOR, roles: ['Author', 'Composer'] }],
        unknown_field: 1,
      },
    }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const work = await client.works.get(7);
    expect(work.latest_commitment).toBe(HASH);
    expect(work.creators[0]?.roles).toEqual(['author', 'composer']);
    expect(work).not.toHaveProperty('unknown_field');
  });

  it('gives API errors as AtsApiError subclasses carrying the request_id', async () => {
    api.route('GET', '/v1/works/7', (request) =>
      apiError(request, 404, 'work.not_found', 'No work 7 on testnet'),
    );
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const error = await client.works.get(7).catch((e: unknown) => e);
    expect(NotFoundError.is(error)).toBe(true);
    expect(error).toMatchObject({
      status: 404,
      code: 'work.not_found',
      requestId: api.requests[0]?.requestId,
    });
    expect((error as Error).message).toContain(`[request_id ${api.requests[0]?.requestId}]`);
  });

  it('reports a 422 with its field details', async () => {
    api.route('GET', '/v1/works/7', (request) =>
      apiError(request, 422, 'common.validation_failed', 'network required', {
        fields: [{ path: 'network', code: 'required', message: 'network: required' }],
      }),
    );
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const error = await client.works.get(7, { network: null }).catch((e: unknown) => e);
    expect(UnprocessableEntityError.is(error)).toBe(true);
    expect((error as UnprocessableEntityError).details).toMatchObject({
      fields: [{ path: 'network' }],
    });
  });

  it('stops at once when the signal aborts, without retrying', async () => {
    const controller = new AbortController();
    api.route('GET', '/v1/works/7', () => {
      controller.abort();
      return new Promise(() => {}); // never answers
    });
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, maxRetries: 3 });
    const error = await client.works.get(7, { signal: controller.signal }).catch((e: unknown) => e);
    expect(AtsAbortError.is(error)).toBe(true);
    expect(api.requests).toHaveLength(1);
  });

  it('rejects at once with an already-aborted signal, sending nothing', async () => {
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    await expect(client.works.versions(7, { signal: AbortSignal.abort() })).rejects.toSatisfy(
      AtsAbortError.is.bind(AtsAbortError),
    );
    expect(api.requests).toHaveLength(0);
  });
});

describe('certificate()', () => {
  const certificate = {
    certificate_version: 1,
    protocol_version: 1,
    network: 'testnet',
    ats_id: 7,
    work_id: WORK_ID,
    version: 1,
    title: 'Song',
    asset_filename: 'song.wav',
    size_bytes: 1024,
    creators: [{ ...CREATOR, roles: ['author'] }],
    creator_leaves: ['cd'.repeat(32)],
    media_hash: HASH,
    merkle_root: HASH,
    commitment: HASH,
    tx_hash: HASH,
    block_number: 12,
    block_hash: HASH,
    registered_at: TIME,
    explorer_url: 'https://explorer.example/tx/1',
    owner: '5Grw…',
    issued_at: TIME,
  };

  it('asks for the JSON link, then fetches it from storage without the API key', async () => {
    api.route('GET', `/v1/works/${WORK_ID}/download/certificate`, () => ({
      body: {
        url: `${api.baseUrl}/_storage/certificates/1.json?X-Amz-Signature=abc`,
        expires_at: TIME,
      },
    }));
    api.route('GET', '/_storage/certificates/1.json', () => ({ body: certificate }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const parsed = await client.works.certificate(WORK_ID);
    expect(parsed.commitment).toBe(HASH);
    expect(parsed.creator_leaves).toEqual(['cd'.repeat(32)]);
    expect(api.requests[0]?.query.get('format')).toBe('json');
    expect(api.requests[1]?.headers.authorization).toBeUndefined();
    expect(api.requests[1]?.query.get('X-Amz-Signature')).toBe('abc');
  });

  it('turns the store’s XML refusal into a PermissionDeniedError with its RequestId', async () => {
    api.route('GET', `/v1/works/${WORK_ID}/versions/1/download/certificate`, () => ({
      body: { url: `${api.baseUrl}/_storage/c.json?X-Amz-Signature=secret`, expires_at: TIME },
    }));
    api.route('GET', '/_storage/c.json', () => ({
      status: 403,
      text: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>S3REQ1</RequestId></Error>',
    }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const error = await client.works.certificate(WORK_ID, { version: 1 }).catch((e: unknown) => e);
    expect(PermissionDeniedError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'storage.AccessDenied', requestId: 'S3REQ1' });
    expect((error as Error).message).not.toContain('secret');
  });
});
