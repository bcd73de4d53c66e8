import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, registerWork, startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.sandbox.close();
});

const TEN_MIB = 10 * 1024 * 1024;

async function organization(
  credits: { testnet?: number; mainnet?: number },
  quota?: { limit: number; period_seconds: number },
) {
  const org = await t.admin.createOrganization({
    name: 'Debits',
    credits,
    ...(quota ? { testnet_quota: quota } : {}),
  });
  const key = await t.admin.createApiKey(org.id, { name: 'k', scopes: ['works:register'] });
  return { org, token: key.token };
}

describe('debits (fees.md, §15)', () => {
  it('debits only the storage fee on testnet, quoted as the total', async () => {
    const { org, token } = await organization({ testnet: 5 });
    const flow = await registerWork(t, token, { file: audioBytes(TEN_MIB + 1) });
    expect(flow.prepare.body).toMatchObject({
      storage_fee_credits: 1,
      total_price_credits: 1,
      network_fee_credits: 0,
    });
    expect(flow.confirm.status).toBe(202);
    expect((await t.admin.credits(org.id)).testnet).toBe(4);
  });

  it('quotes testnet gross when asked, still debiting the storage fee only', async () => {
    const { org, token } = await organization({ testnet: 5 });
    await t.admin.updateSettings({ testnet_quote: 'gross' });
    const flow = await registerWork(t, token, { file: audioBytes(TEN_MIB + 1) });
    await t.admin.updateSettings({ testnet_quote: 'waived-as-zero' });
    expect(flow.prepare.body).toMatchObject({
      network_fee_credits: 12,
      total_deposit_credits: 50,
      service_fee_credits: 5,
      storage_fee_credits: 1,
      total_price_credits: 68,
    });
    expect(flow.confirm.status).toBe(202);
    expect((await t.admin.credits(org.id)).testnet).toBe(4);
  });

  it('enforces the testnet quota per fixed period', async () => {
    const { token } = await organization({ testnet: 0 }, { limit: 1, period_seconds: 600 });
    expect((await registerWork(t, token)).confirm.status).toBe(202);
    const second = await registerWork(t, token);
    expect(second.confirm.status).toBe(429);
    expect(second.confirm.body.error).toMatchObject({
      code: 'common.quota_exceeded',
      details: { limit: 1, used: 1 },
    });
    expect(Number(second.confirm.headers.get('retry-after'))).toBeGreaterThan(0);
    await t.admin.advanceClock(600_000);
    const retry = await t.call('POST', '/v1/works/prepare', {
      token,
      body: { job_id: second.init.body.job_id },
    });
    expect(retry.status).toBe(200);
    expect(
      (
        await t.call('POST', '/v1/works/confirm', {
          token,
          body: { job_id: second.init.body.job_id },
        })
      ).status,
    ).toBe(202);
  });

  it('answers 503 past confirm_concurrency transactions in flight', async () => {
    const { token } = await organization({ testnet: 0 });
    await t.admin.updateSettings({ confirm_concurrency: 1 });
    expect((await registerWork(t, token)).confirm.status).toBe(202);
    const busy = await registerWork(t, token);
    await t.admin.updateSettings({ confirm_concurrency: 10 });
    expect([busy.confirm.status, busy.confirm.body.error.code]).toEqual([
      503,
      'common.service_unavailable',
    ]);
    expect(busy.confirm.headers.get('retry-after')).toBe('1');
  });
});
