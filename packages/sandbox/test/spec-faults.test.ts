// api.md §17 faults: GET/PUT /_sandbox/faults and each injection (5xx before/after, 429, uploads,
// dry run, latency, forced rules), seeded so that runs repeat; and the error codes only reachable
// with them (§16).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, startTestSandbox, type TestSandbox } from './helpers';
import {
  expectError,
  expectS3Error,
  FINALITY_MS,
  initBody,
  openSession,
  putFile,
  registerFlow,
  seedOrg,
  seedSite,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t, { credits: { testnet: 0, mainnet: 1000 } });
});
afterEach(async () => {
  await t.admin.setFaults({});
});
afterAll(async () => {
  await t.sandbox.close();
});

const setFaults = (body: unknown) => t.call('PUT', '/_sandbox/faults', { body });

describe('GET / PUT /_sandbox/faults', () => {
  it('starts with every rate at 0, phase before, Retry-After 1 and no rules', async () => {
    const faults = await t.call('GET', '/_sandbox/faults');
    expect(faults.status).toBe(200);
    expect(faults.body).toMatchObject({
      api_5xx_rate: 0,
      api_5xx_phase: 'before',
      api_429_rate: 0,
      retry_after_seconds: 1,
      upload_failure_rate: 0,
      upload_stall_rate: 0,
      ws_drop_rate: 0,
      chain_failure_rate: 0,
      dry_run_failure_rate: 0,
      rules: [],
    });
  });

  it('replaces the whole set: omitted fields go back to their defaults', async () => {
    await setFaults({ api_429_rate: 0.5, chain_failure_rate: 0.25 });
    const next = await setFaults({ chain_failure_rate: 0.5 });
    expect(next.body).toMatchObject({ api_429_rate: 0, chain_failure_rate: 0.5 });
  });

  it.each([
    ['a rate above 1', { api_5xx_rate: 1.5 }],
    ['a negative rate', { ws_drop_rate: -0.1 }],
    ['an unknown phase', { api_5xx_phase: 'during' }],
    ['a rule without status', { rules: [{ method: 'GET', path: '/v1/works', code: 'x.y' }] }],
  ])('answers 422 for %s', async (_label, body) => {
    expectError(await setFaults(body), 422, 'common.validation_failed');
  });
});

describe('API faults', () => {
  it('api_5xx_rate (phase before): 503 common.service_unavailable with Retry-After, nothing done', async () => {
    await setFaults({ api_5xx_rate: 1, retry_after_seconds: 4 });
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    expectError(init, 503, 'common.service_unavailable');
    expect(init.headers.get('retry-after')).toBe('4');
    const list = await t.call('GET', '/v1/works', { token: org.token });
    expectError(list, 503, 'common.service_unavailable');
    // Admin routes are not affected.
    expect((await t.call('GET', '/_sandbox/health')).status).toBe(200);
  });

  it('answers 503 transaction.store_unavailable on transaction routes', async () => {
    const flow = await registerFlow(t, org.token);
    await setFaults({ api_5xx_rate: 1 });
    const answer = await t.call('GET', `/v1/transactions/${flow.txId}`);
    expectError(answer, 503, 'transaction.store_unavailable');
    expect(answer.headers.get('retry-after')).toBe('1');
  });

  it('api_5xx_phase after: the effect happens, the answer is lost; a confirm retry finds 404 prepared_not_found', async () => {
    const flow = await registerFlow(t, org.token, { network: 'mainnet', noConfirm: true });
    const before = (await t.admin.credits(org.orgId)).mainnet;
    await setFaults({ api_5xx_rate: 1, api_5xx_phase: 'after' });
    const lost = await t.call('POST', '/v1/works/confirm', {
      token: org.token,
      body: { job_id: flow.jobId },
    });
    expectError(lost, 503, 'common.service_unavailable');
    await setFaults({});
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(before - 67);
    expectError(
      await t.call('POST', '/v1/works/confirm', { token: org.token, body: { job_id: flow.jobId } }),
      404,
      'registration.prepared_not_found',
    );
    await t.admin.advanceClock(FINALITY_MS);
    const list = await t.call('GET', '/v1/works?network=mainnet&first=100', { token: org.token });
    expect(list.body.works.map((w: { id: string }) => w.id)).toContain(flow.jobId);
  });

  it('api_5xx_phase mixed: some lost answers had their effect, some did not (seeded)', async () => {
    const poor = await seedOrg(t, { name: 'Mixed', credits: { testnet: 0, mainnet: 67 * 8 } });
    await t.admin.advanceClock(FINALITY_MS); // nothing else in flight (the cap is 10)
    const jobs: string[] = [];
    for (let i = 0; i < 8; i++)
      jobs.push((await registerFlow(t, poor.token, { network: 'mainnet', noConfirm: true })).jobId);
    await setFaults({ api_5xx_rate: 1, api_5xx_phase: 'mixed', seed: 3 });
    for (const jobId of jobs) {
      expectError(
        await t.call('POST', '/v1/works/confirm', { token: poor.token, body: { job_id: jobId } }),
        503,
        'common.service_unavailable',
      );
    }
    await setFaults({});
    const debited = (67 * 8 - (await t.admin.credits(poor.orgId)).mainnet) / 67;
    expect(debited).toBeGreaterThan(0);
    expect(debited).toBeLessThan(8);
    // The confirmed ones answer 404 prepared_not_found on retry; the others confirm now.
    let retried = 0;
    for (const jobId of jobs) {
      const answer = await t.call('POST', '/v1/works/confirm', {
        token: poor.token,
        body: { job_id: jobId },
      });
      if (answer.status === 202) retried++;
      else expectError(answer, 404, 'registration.prepared_not_found');
    }
    expect(retried).toBe(8 - debited);
    await t.admin.advanceClock(FINALITY_MS);
  });

  it('api_429_rate: 429 common.rate_limited with Retry-After; session.rate_limited on /v1/sessions', async () => {
    const site = await seedSite(t, org.orgId);
    await setFaults({ api_429_rate: 1, retry_after_seconds: 7 });
    const answer = await t.call('GET', '/v1/stats');
    expectError(answer, 429, 'common.rate_limited');
    expect(answer.headers.get('retry-after')).toBe('7');
    const session = await openSession(t, {
      secret_key: site.secret_key,
      action_type: 'access',
      allowed_network: 'testnet',
    });
    expectError(session, 429, 'session.rate_limited');
    expect(session.headers.get('retry-after')).toBe('7');
  });

  it('latency_ms delays /v1 answers (wall clock)', async () => {
    await setFaults({ latency_ms: { min: 120, max: 120 } });
    const started = performance.now();
    expect((await t.call('GET', '/v1/stats')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('dry_run_failure_rate: prepare answers 422 registration.dry_run_failed with details.reason', async () => {
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    await putFile(init.body.upload_url, audioBytes(10));
    await setFaults({ dry_run_failure_rate: 1 });
    const answer = await t.call('POST', '/v1/works/prepare', {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    const error = expectError(answer, 422, 'registration.dry_run_failed');
    expect(typeof error.details.reason).toBe('string');
    await setFaults({});
    expect(
      (
        await t.call('POST', '/v1/works/prepare', {
          token: org.token,
          body: { job_id: init.body.job_id },
        })
      ).status,
    ).toBe(200);
  });

  it('draws follow the seed: the same settings give the same sequence', async () => {
    const run = async () => {
      await setFaults({ api_5xx_rate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await t.call('GET', '/v1/stats')).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });
});

describe('upload faults', () => {
  it('upload_failure_rate: the PUT fails partway with 503 SlowDown and stores nothing', async () => {
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    await setFaults({ upload_failure_rate: 1 });
    const put = await putFile(init.body.upload_url, audioBytes(100_000));
    expectS3Error(put, 503, 'SlowDown');
    await setFaults({});
    expectError(
      await t.call('POST', '/v1/works/prepare', {
        token: org.token,
        body: { job_id: init.body.job_id },
      }),
      422,
      'registration.audio_empty',
    );
    expect((await putFile(init.body.upload_url, audioBytes(100_000))).status).toBe(200);
  });

  it('upload_stall_rate: the store stops reading for upload_stall_ms, then completes', async () => {
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    await setFaults({ upload_stall_rate: 1, upload_stall_ms: 150 });
    const started = performance.now();
    const put = await putFile(init.body.upload_url, audioBytes(10_000));
    expect(put.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('forced answers (rules)', () => {
  it('forces status, code, message, details and Retry-After, `times` times, before the handler', async () => {
    await setFaults({
      rules: [
        {
          method: 'GET',
          path: '/v1/transactions/*',
          status: 410,
          code: 'transaction.expired',
          message: 'Forced.',
          details: { why: 'test' },
          times: 2,
        },
      ],
    });
    const flow = await registerFlow(t, org.token);
    for (let i = 0; i < 2; i++) {
      const error = expectError(
        await t.call('GET', `/v1/transactions/${flow.txId}`),
        410,
        'transaction.expired',
      );
      expect(error.message).toBe('Forced.');
      expect(error.details).toEqual({ why: 'test' });
    }
    expect((await t.call('GET', `/v1/transactions/${flow.txId}`)).status).toBe(200);
  });

  it('answers before authentication', async () => {
    await setFaults({
      rules: [
        {
          method: 'POST',
          path: '/v1/works/init',
          status: 409,
          code: 'version.already_in_progress',
        },
      ],
    });
    expectError(
      await t.call('POST', '/v1/works/init', { body: initBody() }),
      409,
      'version.already_in_progress',
    );
    // No times: every call.
    expectError(
      await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() }),
      409,
      'version.already_in_progress',
    );
  });

  it('adds Retry-After to forced 429 and 503 answers, or the rule’s own', async () => {
    await setFaults({
      retry_after_seconds: 3,
      rules: [
        { method: 'GET', path: '/v1/stats', status: 429, code: 'common.rate_limited', times: 1 },
        {
          method: 'GET',
          path: '/v1/stats',
          status: 503,
          code: 'common.service_unavailable',
          retry_after: 9,
          times: 1,
        },
      ],
    });
    const first = await t.call('GET', '/v1/stats');
    expectError(first, 429, 'common.rate_limited');
    expect(first.headers.get('retry-after')).toBe('3');
    const second = await t.call('GET', '/v1/stats');
    expectError(second, 503, 'common.service_unavailable');
    expect(second.headers.get('retry-after')).toBe('9');
  });

  it.each([
    ['POST', '/v1/works/prepare', 422, 'registration.commitment_invalid'],
    ['POST', '/v1/works/init', 409, 'registration.duplicate_title'],
    ['POST', '/v1/works/init', 422, 'registration.invalid_audio_format'],
    ['POST', '/v1/works/confirm', 403, 'registration.insufficient_credits'],
    ['POST', '/v1/works/init', 409, 'work.already_registered'],
    ['GET', '/v1/works/*/download/certificate', 404, 'work.certificate_unavailable'],
    ['POST', '/v1/works/confirm', 409, 'transaction.already_confirmed'],
    ['POST', '/v1/sessions', 503, 'common.auth.jwks_unavailable'],
    ['GET', '/v1/works', 500, 'common.internal_error'],
  ])('forces %s %s → %i %s', async (method, path, status, code) => {
    await setFaults({ rules: [{ method, path, status, code, times: 1 }] });
    const concrete = path.replace('*', '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048');
    const answer = await t.call(method, concrete, method === 'POST' ? { body: {} } : {});
    expectError(answer, status, code);
  });
});
