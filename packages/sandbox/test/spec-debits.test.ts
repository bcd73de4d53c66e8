// fees.md and api.md §5.4, §6, §15: what prepare quotes, what confirm debits on each network,
// insufficient credits, refunds of failed transactions, the testnet quota, confirm concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  addVersionFinal,
  expectError,
  FINALITY_MS,
  MIB,
  registerFinal,
  registerFlow,
  seedOrg,
  virtualNow,
} from './support/spec-harness';

let t: TestSandbox;
const EIGHTEEN_MIB = audioBytes(18 * MIB, 9);

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.sandbox.close();
});

const confirm = (token: string, jobId: string) =>
  t.call('POST', '/v1/works/confirm', { token, body: { job_id: jobId } });

describe('quotes (fees.md)', () => {
  it('mainnet, 18 MiB: 12 + 50 + 5 + 8 = 75, debited in full', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 100 } });
    const flow = await registerFlow(t, org.token, { network: 'mainnet', file: EIGHTEEN_MIB });
    expect(flow.prepare.body).toMatchObject({
      network_fee_credits: 12,
      total_deposit_credits: 50,
      service_fee_credits: 5,
      storage_fee_credits: 8,
      total_price_credits: 75,
      size_bytes: 18 * MIB,
    });
    expect(await t.admin.credits(org.orgId)).toEqual({ testnet: 0, mainnet: 25 });
  });

  it('testnet, 18 MiB: waived parts as 0, total 8 = the debit (storage only)', async () => {
    const org = await seedOrg(t, { credits: { testnet: 10, mainnet: 0 } });
    const flow = await registerFlow(t, org.token, { network: 'testnet', file: EIGHTEEN_MIB });
    expect(flow.prepare.body).toMatchObject({
      network_fee_credits: 0,
      total_deposit_credits: 0,
      service_fee_credits: 0,
      storage_fee_credits: 8,
      total_price_credits: 8,
    });
    expect(await t.admin.credits(org.orgId)).toEqual({ testnet: 2, mainnet: 0 });
  });

  it('testnet, small file: costs 0 with a zero balance', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 0 } });
    const flow = await registerFlow(t, org.token, { network: 'testnet' });
    expect(flow.prepare.body.total_price_credits).toBe(0);
    expect(flow.confirm?.status).toBe(202);
  });

  it('storage fee: 10 MiB exactly is free, 10 MiB + 1 byte costs 1', async () => {
    const org = await seedOrg(t, { credits: { testnet: 10, mainnet: 0 } });
    const free = await registerFlow(t, org.token, { file: audioBytes(10 * MIB), noConfirm: true });
    expect(free.prepare.body.storage_fee_credits).toBe(0);
    const one = await registerFlow(t, org.token, {
      file: audioBytes(10 * MIB + 1),
      noConfirm: true,
    });
    expect(one.prepare.body.storage_fee_credits).toBe(1);
    expect(one.prepare.body.total_price_credits).toBe(1);
  });

  it('testnet_quote "gross" shows the testnet chain parts, but confirm still debits storage only', async () => {
    const org = await seedOrg(t, { credits: { testnet: 10, mainnet: 0 } });
    await t.admin.updateSettings({ testnet_quote: 'gross' } as never);
    try {
      const flow = await registerFlow(t, org.token, { network: 'testnet', file: EIGHTEEN_MIB });
      expect(flow.prepare.body).toMatchObject({
        network_fee_credits: 12,
        total_deposit_credits: 50,
        service_fee_credits: 5,
        storage_fee_credits: 8,
        total_price_credits: 75,
      });
      expect((await t.admin.credits(org.orgId)).testnet).toBe(2);
    } finally {
      await t.admin.updateSettings({ testnet_quote: 'waived-as-zero' } as never);
    }
  });

  it('versions on mainnet: keep file 12 + 20 + 5 + 0 = 37; 18 MiB upload 45', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 1000 } });
    const { result } = await registerFinal(t, org.token, { network: 'mainnet' });
    const keep = await addVersionFinal(t, org.token, result.ats_id, { network: 'mainnet' });
    expect(keep.prepare.body).toMatchObject({
      version_deposit_credits: 20,
      network_fee_credits: 12,
      service_fee_credits: 5,
      storage_fee_credits: 0,
      total_price_credits: 37,
      is_valid: true,
    });
    expect(keep.prepare.body).not.toHaveProperty('total_deposit_credits');
    const upload = await addVersionFinal(t, org.token, result.ats_id, {
      network: 'mainnet',
      file: EIGHTEEN_MIB,
    });
    expect(upload.prepare.body).toMatchObject({ storage_fee_credits: 8, total_price_credits: 45 });
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(1000 - 67 - 37 - 45);
  });

  it('fee_credits and storage_fee_credits of versions show what was debited', async () => {
    const org = await seedOrg(t, { credits: { testnet: 100, mainnet: 1000 } });
    const main = await registerFinal(t, org.token, { network: 'mainnet', file: EIGHTEEN_MIB });
    const versions = await t.call(
      'GET',
      `/v1/works/${main.result.ats_id}/versions?network=mainnet`,
      { token: org.token },
    );
    expect(versions.body.versions[0]).toMatchObject({ fee_credits: 17, storage_fee_credits: 8 });
    const test = await registerFinal(t, org.token, { network: 'testnet', file: EIGHTEEN_MIB });
    const testVersions = await t.call(
      'GET',
      `/v1/works/${test.result.ats_id}/versions?network=testnet`,
      { token: org.token },
    );
    expect(testVersions.body.versions[0]).toMatchObject({ fee_credits: 0, storage_fee_credits: 8 });
  });
});

describe('insufficient credits (§5.4)', () => {
  it('answers 403 common.forbidden with details and keeps the job and quote usable', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 66 } });
    const flow = await registerFlow(t, org.token, { network: 'mainnet', noConfirm: true });
    const error = expectError(await confirm(org.token, flow.jobId), 403, 'common.forbidden');
    expect(error.details).toEqual({
      reason: 'insufficient_credits',
      network: 'mainnet',
      required: 67,
      available: 66,
    });
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(66);
    await t.admin.topUpCredits(org.orgId, 'mainnet', 1);
    expect((await confirm(org.token, flow.jobId)).status).toBe(202);
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(0);
  });

  it('uses the balance of the job’s network only', async () => {
    const org = await seedOrg(t, { credits: { testnet: 1000, mainnet: 0 } });
    const flow = await registerFlow(t, org.token, { network: 'mainnet', noConfirm: true });
    const error = expectError(await confirm(org.token, flow.jobId), 403, 'common.forbidden');
    expect(error.details).toMatchObject({ network: 'mainnet', available: 0 });
  });

  it('testnet storage fee needs testnet credits', async () => {
    const org = await seedOrg(t, { credits: { testnet: 7, mainnet: 1000 } });
    const flow = await registerFlow(t, org.token, {
      network: 'testnet',
      file: EIGHTEEN_MIB,
      noConfirm: true,
    });
    const error = expectError(await confirm(org.token, flow.jobId), 403, 'common.forbidden');
    expect(error.details).toEqual({
      reason: 'insufficient_credits',
      network: 'testnet',
      required: 8,
      available: 7,
    });
  });
});

describe('failed transactions (§7.3, §14.2, §15)', () => {
  it('refunds the debit when the chain fails the transaction, and records no work', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 100 } });
    await t.admin.setFaults({ chain_failure_rate: 1 });
    try {
      const flow = await registerFlow(t, org.token, { network: 'mainnet' });
      expect((await t.admin.credits(org.orgId)).mainnet).toBe(33);
      await t.admin.advanceClock(FINALITY_MS);
      const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
      expect(status.body).toMatchObject({
        current_step: 'failed',
        progress: 100,
        is_complete: true,
      });
      expect(status.body.steps.map((s: { step: string }) => s.step)).toEqual([
        'validating',
        'preparing_transaction',
        'signing',
        'submitting',
        'failed',
      ]);
      expect(status.body.result.success).toBe(false);
      const err = status.body.result.error;
      expect(typeof err === 'string' || err.code === 'transaction.failed').toBe(true);
      expect(status.body.result.access_code ?? null).toBeNull();
      expect((await t.admin.credits(org.orgId)).mainnet).toBe(100);
      const list = await t.call('GET', '/v1/works', { token: org.token });
      expect(list.body.total_count).toBe(0);
    } finally {
      await t.admin.setFaults({});
    }
  });
});

describe('testnet quota (§5.4, §15, §17)', () => {
  it('answers 429 common.quota_exceeded with { limit, used, resets_at } and Retry-After, then resets with the period', async () => {
    const org = await seedOrg(t, {
      credits: { testnet: 0, mainnet: 1000 },
      testnetQuota: { limit: 2, period_seconds: 3600 },
    });
    const created = Date.parse(org.organization.created_at);
    await registerFlow(t, org.token);
    await registerFlow(t, org.token);
    const third = await registerFlow(t, org.token, { noConfirm: true });
    const answer = await confirm(org.token, third.jobId);
    const error = expectError(answer, 429, 'common.quota_exceeded');
    expect(error.details).toMatchObject({ limit: 2, used: 2 });
    expect(Date.parse(error.details.resets_at)).toBe(created + 3600_000);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    // Mainnet has no quota.
    const main = await registerFlow(t, org.token, { network: 'mainnet' });
    expect(main.confirm?.status).toBe(202);
    // The next period.
    const now = await virtualNow(t);
    await t.admin.advanceClock(created + 3600_000 - now + 1);
    const fresh = await registerFlow(t, org.token);
    expect(fresh.confirm?.status).toBe(202);
  });

  it('can be set and lifted with PATCH', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 0 } });
    await t.admin.updateOrganization(org.orgId, {
      testnet_quota: { limit: 1, period_seconds: 60 },
    });
    await registerFlow(t, org.token);
    const second = await registerFlow(t, org.token, { noConfirm: true });
    expectError(await confirm(org.token, second.jobId), 429, 'common.quota_exceeded');
    await t.admin.updateOrganization(org.orgId, { testnet_quota: null });
    expect((await confirm(org.token, second.jobId)).status).toBe(202);
  });
});

describe('confirm concurrency (§5.4)', () => {
  it('answers 503 common.service_unavailable with Retry-After over confirm_concurrency confirms in flight', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 0 } });
    await t.admin.updateSettings({ confirm_concurrency: 1 } as never);
    try {
      await registerFlow(t, org.token);
      const second = await registerFlow(t, org.token, { noConfirm: true });
      const answer = await confirm(org.token, second.jobId);
      expectError(answer, 503, 'common.service_unavailable');
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      await t.admin.advanceClock(FINALITY_MS);
      const retry = await confirm(org.token, second.jobId);
      expect(retry.status, retry.text).toBe(202);
    } finally {
      await t.admin.updateSettings({ confirm_concurrency: 10 } as never);
    }
  });

  it('allows 10 confirms in flight by default', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 0 } });
    await t.admin.advanceClock(FINALITY_MS);
    const jobs = [];
    for (let i = 0; i < 11; i++) jobs.push(await registerFlow(t, org.token, { noConfirm: true }));
    for (let i = 0; i < 10; i++)
      expect((await confirm(org.token, jobs[i]!.jobId)).status).toBe(202);
    expectError(await confirm(org.token, jobs[10]!.jobId), 503, 'common.service_unavailable');
    await t.admin.advanceClock(FINALITY_MS);
  });
});

describe('versions debit and refund like registrations', () => {
  it('debits a mainnet version at confirm and refunds it on chain failure', async () => {
    const org = await seedOrg(t, { credits: { testnet: 0, mainnet: 200 } });
    const { result } = await registerFinal(t, org.token, { network: 'mainnet' });
    expect((await t.admin.credits(org.orgId)).mainnet).toBe(133);
    const init = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: org.token,
      body: { network: 'mainnet', creators: [CREATOR] },
    });
    await t.call('POST', `/v1/works/${result.ats_id}/versions/prepare`, {
      token: org.token,
      body: { job_id: init.body.job_id },
    });
    await t.admin.setFaults({ chain_failure_rate: 1 });
    try {
      const c = await t.call('POST', `/v1/works/${result.ats_id}/versions/confirm`, {
        token: org.token,
        body: { job_id: init.body.job_id },
      });
      expect(c.status).toBe(202);
      expect((await t.admin.credits(org.orgId)).mainnet).toBe(96);
      await t.admin.advanceClock(FINALITY_MS);
      expect((await t.admin.credits(org.orgId)).mainnet).toBe(133);
      const status = await t.call('GET', `/v1/transactions/${c.body.transaction_id}`);
      expect(status.body).toMatchObject({
        transaction_type: 'add_version',
        current_step: 'failed',
      });
    } finally {
      await t.admin.setFaults({});
    }
  });
});
