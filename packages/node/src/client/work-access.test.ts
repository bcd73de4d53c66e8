import { inspect } from 'node:util';
import { AtsValidationError, NotFoundError } from '@ats-kit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtsClient } from './ats-client';
import {
  ACCESS_CODE,
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
} from './test-fixtures/fake-ats-api';

let api: FakeAtsApi;
beforeEach(async () => {
  api = await startFakeAtsApi();
});
afterEach(async () => {
  await api.close();
});

const ROOT = `/v1/access/${ACCESS_CODE}`;
const CREATORS = [{ full_name: 'Ada', email: 'ada@example.com', roles: ['arranger'] }];
const LINK = { url: 'http://127.0.0.1/_storage/file', expires_at: TIME };

describe('client.access(code)', () => {
  it('calls /v1/access/{code}/... (never the legacy family) with the API key', async () => {
    const answers: Record<string, unknown> = {
      [`GET ${ROOT}/work`]: {
        ats_id: 3,
        title: 'Song',
        network: 'mainnet',
        owner_address: '5Grw…',
        latest_version: 1,
        latest_commitment: HASH,
        created_at: TIME,
        asset_filename: 'song.wav',
        creators: [CREATOR],
        work_id: WORK_ID,
      },
      [`GET ${ROOT}/versions`]: {
        ats_id: 3,
        network: 'mainnet',
        work_id: WORK_ID,
        versions: [version(1)],
      },
      [`POST ${ROOT}/versions/init`]: { job_id: JOB_ID },
      [`POST ${ROOT}/versions/init-upload`]: {
        job_id: JOB_ID,
        upload_url: 'u',
        upload_expires_at: TIME,
      },
      [`POST ${ROOT}/versions/prepare`]: { ...QUOTE, version_deposit_credits: 20 },
      [`POST ${ROOT}/versions/confirm`]: CONFIRMED,
      [`GET ${ROOT}/download/asset`]: LINK,
      [`GET ${ROOT}/versions/2/download/audio`]: LINK,
      [`GET ${ROOT}/download/certificate`]: LINK,
      [`GET ${ROOT}/versions/2/download/certificate`]: LINK,
    };
    for (const [route, body] of Object.entries(answers)) {
      const [method = '', path = ''] = route.split(' ');
      api.route(method, path, () => ({ body }));
    }
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, organizationId: ORG_ID });
    // Any case is accepted; the wire form is lowercase.
    const access = client.access(` ${ACCESS_CODE.toUpperCase()} `);

    expect((await access.work()).network).toBe('mainnet');
    await access.versions();
    await access.initVersion({ creators: CREATORS });
    await access.initVersionUpload(
      { filename: 'v2.wav', creators: CREATORS },
      { idempotencyKey: 'k-1' },
    );
    expect((await access.prepareVersion(JOB_ID)).version_deposit_credits).toBe(20);
    await access.confirmVersion(JOB_ID);
    await access.downloadAsset();
    await access.downloadAsset({ version: 2 });
    await access.downloadCertificate({ format: 'pdf' });
    await access.downloadCertificate({ version: 2 });

    expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
      Object.keys(answers),
    );
    for (const request of api.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    }
    // The work's own network applies: no default network is added to the bodies.
    expect(api.requests[2]?.body).toEqual({
      creators: [
        {
          full_name: 'Ada',
          email: 'ada@example.com',
          roles: { author: false, composer: false, arranger: true, adapter: false },
        },
      ],
    });
    expect(api.requests[2]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.requests[3]?.headers['idempotency-key']).toBe('k-1');
    expect(api.requests[5]?.headers['idempotency-key']).toBeUndefined();
    expect(api.requests[8]?.query.get('format')).toBe('pdf');
  });

  it('refuses a malformed code without quoting it', () => {
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const bad = `atc_${'z'.repeat(64)}`;
    let error: unknown;
    try {
      client.access(bad);
    } catch (e) {
      error = e;
    }
    expect(AtsValidationError.is(error)).toBe(true);
    expect((error as AtsValidationError).issues[0]?.path).toBe('code');
    expect((error as Error).message).not.toContain('z'.repeat(64));
  });

  it('never prints the code', () => {
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const access = client.access(ACCESS_CODE);
    expect(inspect(access, { depth: 10, showHidden: true })).not.toContain(ACCESS_CODE.slice(4));
    expect(JSON.stringify(access)).toBe('{}');
  });

  it('keeps the code out of error messages', async () => {
    api.route('GET', `${ROOT}/work`, (request) => apiError(request, 404, 'access_code.not_found'));
    const client = new AtsClient({ apiKey: API_KEY, baseUrl: api.baseUrl, maxRetries: 0 });
    const error = await client
      .access(ACCESS_CODE)
      .work()
      .catch((e: unknown) => e);
    expect(NotFoundError.is(error)).toBe(true);
    expect((error as NotFoundError).requestId).toBe(api.requests[0]?.requestId);
    expect((error as Error).message).not.toContain(ACCESS_CODE.slice(4));
  });
});
