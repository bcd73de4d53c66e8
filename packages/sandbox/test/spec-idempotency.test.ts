// api.md §13: Idempotency-Key on init routes — replay byte for byte, conflicts, key shape,
// partitions, concurrent duplicates, what is stored, lifetime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  addKey,
  expectError,
  initBody,
  putFile,
  rawRequest,
  registerFinal,
  seedOrg,
  seedSite,
  sessionHeaders,
  sessionToken,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;
let keyCounter = 0;
const freshKey = () => `idem-${++keyCounter}-0b8f6c1e-1111-4222-8333-944455556666`;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t);
});
afterAll(async () => {
  await t.sandbox.close();
});

const init = (
  key: string,
  body: unknown = initBody(),
  token = org.token,
  extra: Record<string, string> = {},
) =>
  t.call('POST', '/v1/works/init', { token, body, headers: { 'Idempotency-Key': key, ...extra } });

describe('replay (§13)', () => {
  it('replays the same route and body byte for byte, with Idempotent-Replayed: true', async () => {
    const key = freshKey();
    const first = await init(key);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).not.toBe('true');
    const second = await init(key);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    // A new request id all the same.
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  it('runs nothing on replay: one job, and the replayed upload URL is the first one', async () => {
    const key = freshKey();
    const first = await init(key);
    await t.admin.advanceClock(60_000);
    const second = await init(key);
    expect(second.body.upload_url).toBe(first.body.upload_url);
    expect(second.body.upload_expires_at).toBe(first.body.upload_expires_at);
    expect((await putFile(first.body.upload_url, new Uint8Array([1, 2, 3]))).status).toBe(200);
    expect(
      (
        await t.call('POST', '/v1/works/prepare', {
          token: org.token,
          body: { job_id: first.body.job_id },
        })
      ).status,
    ).toBe(200);
  });

  it('compares bodies as parsed JSON: key order and whitespace do not matter', async () => {
    const key = freshKey();
    const body = initBody();
    const first = await init(key, body);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 4);
    const second = await t.call('POST', '/v1/works/init', {
      token: org.token,
      rawBody: reordered,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    });
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('stores 4xx answers (here a 422) and replays them', async () => {
    const key = freshKey();
    const bad = initBody({ network: 'devnet' });
    const first = await init(key, bad);
    expectError(first, 422, 'common.validation_failed');
    const second = await init(key, bad);
    expect(second.status).toBe(422);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('accepts keys of 1 and 255 printable ASCII characters, a UUID being the usual one', async () => {
    for (const key of [
      'k',
      '~'.repeat(255),
      '0b8f6c1e-2222-4222-8333-944455556666',
      'a!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~z',
    ]) {
      const answer = await init(key);
      expect(answer.status, `${key}: ${answer.text}`).toBe(200);
    }
  });

  it('works on versions/init, versions/init-upload and the access-code forms', async () => {
    const { result } = await registerFinal(t, org.token);
    const code = result.access_code as string;
    const routes: [string, unknown][] = [
      [`/v1/works/${result.ats_id}/versions/init`, { network: 'testnet', creators: [CREATOR] }],
      [
        `/v1/works/${result.ats_id}/versions/init-upload`,
        { network: 'testnet', creators: [CREATOR], filename: 'v.wav' },
      ],
      [`/v1/access/${code}/versions/init`, { creators: [CREATOR] }],
      [`/v1/access/${code}/versions/init-upload`, { creators: [CREATOR], filename: 'v.wav' }],
      [`/v1/organizations/${org.orgId}/works/init`, initBody()],
    ];
    for (const [path, body] of routes) {
      const key = freshKey();
      const first = await t.call('POST', path, {
        token: org.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status, `${path}: ${first.text}`).toBe(200);
      const second = await t.call('POST', path, {
        token: org.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      expect(second.text, path).toBe(first.text);
      expect(second.headers.get('idempotent-replayed'), path).toBe('true');
    }
  });

  it('is ignored on other routes (prepare, confirm, sessions): a bad key there is no error', async () => {
    const answer = await t.call('POST', '/v1/works/prepare', {
      token: org.token,
      body: { job_id: '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048' },
      headers: { 'Idempotency-Key': 'x'.repeat(400) },
    });
    expectError(answer, 404, 'registration.upload_session_not_found');
  });
});

describe('conflicts (§13)', () => {
  it('answers 409 common.idempotency_conflict for the same key with another body', async () => {
    const key = freshKey();
    expect((await init(key)).status).toBe(200);
    expectError(
      await init(key, initBody({ title: 'Another' })),
      409,
      'common.idempotency_conflict',
    );
  });

  it('answers 409 common.idempotency_conflict for the same key on another route', async () => {
    const { result } = await registerFinal(t, org.token);
    const key = freshKey();
    expect((await init(key)).status).toBe(200);
    const other = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: org.token,
      body: initBody(),
      headers: { 'Idempotency-Key': key },
    });
    expectError(other, 409, 'common.idempotency_conflict');
  });

  it('does not store the conflict: the original still replays', async () => {
    const key = freshKey();
    const first = await init(key);
    await init(key, initBody({ title: 'Different' }));
    const again = await init(key);
    expect(again.text).toBe(first.text);
  });
});

describe('key shape (§13)', () => {
  it.each([
    ['256 characters', 'k'.repeat(256)],
    ['a non-ASCII character', 'clé'],
    ['a tab inside', 'a\tb'],
  ])(
    'answers 400 common.bad_request (details.header Idempotency-Key) for %s',
    async (_label, key) => {
      const answer = await rawRequest(`${t.sandbox.url}/v1/works/init`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${org.token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': Buffer.from(key, 'utf8').toString('latin1'),
        },
        chunks: [new TextEncoder().encode(JSON.stringify(initBody()))],
      });
      expect(answer.status, answer.text).toBe(400);
      const body = JSON.parse(answer.text);
      expect(body.error.code).toBe('common.bad_request');
      expect(body.error.details).toMatchObject({ header: 'Idempotency-Key' });
    },
  );

  it('answers 400 for an empty key', async () => {
    const answer = await rawRequest(`${t.sandbox.url}/v1/works/init`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${org.token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': '',
      },
      chunks: [new TextEncoder().encode(JSON.stringify(initBody()))],
    });
    expect(answer.status, answer.text).toBe(400);
    expect(JSON.parse(answer.text).error.details).toMatchObject({ header: 'Idempotency-Key' });
  });
});

describe('partitions (§13)', () => {
  it('keeps API keys apart, even of one organization', async () => {
    const other = await addKey(t, org.orgId);
    const key = freshKey();
    const a = await init(key, initBody(), org.token);
    const b = await init(key, initBody(), other.token);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).not.toBe('true');
    expect(b.body.job_id).not.toBe(a.body.job_id);
    // And a different body under the other key is no conflict either.
    const c = await init(freshKey(), initBody({ title: 'C' }), other.token);
    expect(c.status).toBe(200);
  });

  it('partitions session calls per site; a replay does not re-check the token binding', async () => {
    const siteA = await seedSite(t, org.orgId);
    const siteB = await seedSite(t, org.orgId);
    const key = freshKey();
    const jwtA = await sessionToken(t, siteA.secret_key, 'register');
    const first = await init(key, initBody(), jwtA, sessionHeaders(siteA.site_key));
    expect(first.status, first.text).toBe(200);
    // Same token again (already bound): replayed, not 401 token_consumed.
    const replay = await init(key, initBody(), jwtA, sessionHeaders(siteA.site_key));
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // Another token of the same site: same partition, replayed.
    const jwtA2 = await sessionToken(t, siteA.secret_key, 'register');
    const sameSite = await init(key, initBody(), jwtA2, sessionHeaders(siteA.site_key));
    expect(sameSite.text).toBe(first.text);
    // Another site: its own partition.
    const jwtB = await sessionToken(t, siteB.secret_key, 'register');
    const otherSite = await init(key, initBody(), jwtB, sessionHeaders(siteB.site_key));
    expect(otherSite.status).toBe(200);
    expect(otherSite.body.job_id).not.toBe(first.body.job_id);
  });
});

describe('concurrent duplicates (§13)', () => {
  it('gives two identical requests fired at the same moment one job and the same bytes', async () => {
    const key = freshKey();
    const [a, b] = await Promise.all([init(key), init(key)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.text).toBe(b.text);
    const replayed = [a, b].filter((x) => x.headers.get('idempotent-replayed') === 'true');
    expect(replayed).toHaveLength(1);
  });

  it('does the same for a burst of five', async () => {
    const key = freshKey();
    const answers = await Promise.all(Array.from({ length: 5 }, () => init(key)));
    expect(new Set(answers.map((x) => x.text)).size).toBe(1);
    expect(answers.filter((x) => x.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
  });
});

describe('what is not stored (§13)', () => {
  it('does not store a 503: the retry runs', async () => {
    const key = freshKey();
    await t.admin.setFaults({ api_5xx_rate: 1, api_5xx_phase: 'before' });
    try {
      const failed = await init(key);
      expectError(failed, 503, 'common.service_unavailable');
    } finally {
      await t.admin.setFaults({});
    }
    const retry = await init(key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).not.toBe('true');
  });

  it('does not store a 429', async () => {
    const key = freshKey();
    await t.admin.setFaults({ api_429_rate: 1 });
    try {
      expectError(await init(key), 429, 'common.rate_limited');
    } finally {
      await t.admin.setFaults({});
    }
    const retry = await init(key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).not.toBe('true');
  });

  it('does not store a 401 (a consumed session token), so a fresh token with the same key runs', async () => {
    const site = await seedSite(t, org.orgId);
    const jwt = await sessionToken(t, site.secret_key, 'register');
    const h = sessionHeaders(site.site_key);
    expect((await init(freshKey(), initBody({ title: 'binds' }), jwt, h)).status).toBe(200);
    const key = freshKey();
    expectError(await init(key, initBody(), jwt, h), 401, 'session.invalid_token');
    const fresh = await sessionToken(t, site.secret_key, 'register');
    const retry = await init(key, initBody(), fresh, h);
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).not.toBe('true');
  });

  it('does not store a 500-class fault rule answer', async () => {
    const key = freshKey();
    await t.admin.setFaults({
      rules: [
        {
          method: 'POST',
          path: '/v1/works/init',
          status: 500,
          code: 'common.internal_error',
          times: 1,
        },
      ],
    } as never);
    try {
      expectError(await init(key), 500, 'common.internal_error');
    } finally {
      await t.admin.setFaults({});
    }
    const retry = await init(key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).not.toBe('true');
  });
});

describe('lifetime (§13)', () => {
  it('forgets a key after 24 hours', async () => {
    const key = freshKey();
    const first = await init(key);
    await t.admin.advanceClock(24 * 3600_000 - 60_000);
    expect((await init(key)).headers.get('idempotent-replayed')).toBe('true');
    await t.admin.advanceClock(120_000);
    const later = await init(key, initBody({ title: 'A day later' }));
    expect(later.status, later.text).toBe(200);
    expect(later.body.job_id).not.toBe(first.body.job_id);
  });
});
