import { inspect } from 'node:util';
import {
  AtsConnectionError,
  type AtsError,
  AtsValidationError,
  AuthenticationError,
  DEFAULT_API_BASE_URL,
} from '@ats-kit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AtsClient } from './ats-client';
import {
  API_KEY,
  apiError,
  type FakeAtsApi,
  ORG_ID,
  startFakeAtsApi,
  TX_ID,
  transactionStatus,
} from './test-fixtures/fake-ats-api';

function validationError(run: () => unknown): AtsValidationError {
  try {
    run();
  } catch (error) {
    if (AtsValidationError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an AtsValidationError');
}

describe('new AtsClient(options)', () => {
  beforeEach(() => {
    vi.stubEnv('ATS_API_KEY', '');
    vi.stubEnv('ATS_BASE_URL', '');
    vi.stubEnv('ATS_NETWORK', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('defaults to the ATS API base, testnet and the /v1/works family', () => {
    const client = new AtsClient({ apiKey: API_KEY });
    expect(client.baseUrl).toBe(DEFAULT_API_BASE_URL);
    expect(client.network).toBe('testnet');
    expect(client.organizationId).toBeUndefined();
  });

  it('reads ATS_API_KEY, ATS_BASE_URL and ATS_NETWORK when the options leave them out', () => {
    vi.stubEnv('ATS_API_KEY', API_KEY);
    vi.stubEnv('ATS_BASE_URL', 'http://127.0.0.1:8787');
    vi.stubEnv('ATS_NETWORK', 'mainnet');
    const client = new AtsClient();
    expect(client.baseUrl).toBe('http://127.0.0.1:8787');
    expect(client.network).toBe('mainnet');
  });

  it('prefers explicit options over the environment', () => {
    vi.stubEnv('ATS_NETWORK', 'mainnet');
    const client = new AtsClient({ apiKey: API_KEY, network: 'testnet' });
    expect(client.network).toBe('testnet');
  });

  it('refuses a missing key, naming apiKey and ATS_API_KEY', () => {
    const error = validationError(() => new AtsClient());
    expect(error.issues).toEqual([expect.objectContaining({ path: 'apiKey', code: 'required' })]);
    expect(error.message).toContain('ATS_API_KEY');
  });

  it('refuses a malformed key without ever quoting it', () => {
    const almost = `${API_KEY.slice(0, -1)}Z`;
    const error = validationError(() => new AtsClient({ apiKey: almost }));
    expect(error.issues[0]).toMatchObject({ path: 'apiKey', code: 'invalid_format' });
    expect(error.message).toContain('60 characters');
    expect(error.message).not.toContain(almost);
    expect(error.message).not.toContain(almost.slice(12, 30));
  });

  it('tells a widget secret key from an API key', () => {
    const secret = `csk_${'a'.repeat(32)}`;
    const error = validationError(() => new AtsClient({ apiKey: secret }));
    expect(error.message).toContain('widget secret key');
    expect(error.message).not.toContain(secret);
  });

  it('says when a key from the environment is the bad one', () => {
    vi.stubEnv('ATS_API_KEY', 'afo_sk_live_short');
    const error = validationError(() => new AtsClient());
    expect(error.message).toContain('read from ATS_API_KEY');
    expect(error.message).not.toContain('afo_sk_live_short');
  });

  it('reports every bad option at once, each with its fix', () => {
    const error = validationError(
      () =>
        new AtsClient({
          apiKey: API_KEY,
          baseUrl: 'ftp://example.com',
          network: 'devnet' as never,
          organizationId: 'acme',
          timeout: 0,
          maxRetries: -1,
        }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'baseUrl',
      'network',
      'organizationId',
      'timeout',
      'maxRetries',
    ]);
  });

  it('refuses a sleep option that is not a function', () => {
    const error = validationError(() => new AtsClient({ apiKey: API_KEY, sleep: 5 as never }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['sleep']);
  });

  it('lowercases the organization id', () => {
    const client = new AtsClient({ apiKey: API_KEY, organizationId: ORG_ID.toUpperCase() });
    expect(client.organizationId).toBe(ORG_ID);
  });
});

describe('the API key stays secret', () => {
  let api: FakeAtsApi;
  beforeEach(async () => {
    api = await startFakeAtsApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('never shows in inspect, JSON.stringify or String, of the client or its resources', () => {
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const printed = [
      inspect(client, { depth: 10, showHidden: true }),
      inspect(client.works, { depth: 10, showHidden: true }),
      inspect(client.transactions, { depth: 10, showHidden: true }),
      JSON.stringify(client),
      JSON.stringify(client.works),
      String(client),
    ];
    for (const text of printed) expect(text).not.toContain(API_KEY.slice(12));
    expect(inspect(client)).toContain('afo_sk_live_[redacted]');
    expect(JSON.parse(JSON.stringify(client))).toEqual({
      baseUrl: api.baseUrl,
      network: 'testnet',
    });
  });

  it('is sent as a bearer token to the organization routes', async () => {
    api.route('GET', '/v1/stats', () => ({ body: { total_works: 3, max_audio_size_bytes: 500 } }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    await expect(client.stats()).resolves.toEqual({ total_works: 3, max_audio_size_bytes: 500 });
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(api.requests[0]?.query.get('network')).toBe('testnet');
  });

  it('waits between retries with the sleep option (here the server’s Retry-After)', async () => {
    let calls = 0;
    api.route('GET', '/v1/stats', (request) =>
      calls++ === 0
        ? {
            ...apiError(request, 503, 'common.service_unavailable'),
            headers: { 'retry-after': '3' },
          }
        : { body: { total_works: 1, max_audio_size_bytes: 500 } },
    );
    const waits: number[] = [];
    const client = new AtsClient({
      apiKey: API_KEY,
      baseUrl: api.baseUrl,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(client.stats()).resolves.toMatchObject({ total_works: 1 });
    expect(waits).toEqual([3_000]);
  });

  it('is not sent to the transaction routes, which need no credential', async () => {
    api.route('GET', `/v1/transactions/${TX_ID}`, () => ({ body: transactionStatus(2) }));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    await client.transactions.get(TX_ID);
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('is masked in an API error even when the server echoes it', async () => {
    api.route('GET', '/v1/stats', (request) =>
      apiError(request, 401, 'api_key.revoked', `Key ${API_KEY} was revoked`),
    );
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const error = await client.stats().catch((e: unknown) => e);
    expect(AuthenticationError.is(error)).toBe(true);
    const text = `${(error as Error).message} ${inspect(error, { depth: 10 })}`;
    expect(text).not.toContain(API_KEY.slice(12));
    expect((error as AtsError).requestId).toMatch(/^req_/);
  });

  it('is absent from connection errors', async () => {
    const url = api.baseUrl;
    await api.close();
    api = await startFakeAtsApi();
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: url, maxRetries: 0 });
    const error = await client.stats().catch((e: unknown) => e);
    expect(AtsConnectionError.is(error)).toBe(true);
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY.slice(12));
  });
});
