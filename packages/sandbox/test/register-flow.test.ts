import { computeCommitment, quoteFees } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioBytes,
  CREATOR,
  registerWork,
  seedOrganization,
  startTestSandbox,
  type TestSandbox,
} from './helpers';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('registering a work end to end', () => {
  it('runs init, upload, prepare, confirm, then the timeline to finality on testnet', async () => {
    const { token } = await seedOrganization(t);
    const { init, upload, prepare, confirm, file } = await registerWork(t, token);
    expect(init.status).toBe(200);
    expect(init.body.upload_url).toMatch(
      /\/_storage\/uploads\/[0-9a-f-]{36}\?X-Amz-Date=\d{8}T\d{6}Z&X-Amz-Expires=600&X-Amz-Signature=[0-9a-f]{64}$/,
    );
    expect(upload.status).toBe(200);
    expect(upload.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    const expected = await computeCommitment({ title: 'Night Song', creators: [CREATOR] }, file);
    expect(prepare.status).toBe(200);
    expect(prepare.body).toMatchObject({
      job_id: init.body.job_id,
      work_id: init.body.job_id,
      commitment: `0x${expected.commitment}`,
      network_fee_credits: 0,
      total_deposit_credits: 0,
      service_fee_credits: 0,
      storage_fee_credits: 0,
      total_price_credits: 0,
      is_valid: true,
      size_bytes: file.byteLength,
      protocol_version: 1,
    });
    expect(confirm.status).toBe(202);
    const txId = confirm.body.transaction_id;
    expect(confirm.body.ws_url).toBe(`/v1/ws/transactions/${txId}`);
    expect(confirm.body.status_url).toBe(`/v1/transactions/${txId}`);

    let status = await t.call('GET', `/v1/transactions/${txId}`);
    expect(status.body.current_step).toBe('validating');
    expect(status.body.is_complete).toBe(false);

    await t.admin.advanceClock(1500);
    status = await t.call('GET', `/v1/transactions/${txId}`);
    expect(status.body.current_step).toBe('submitting');
    await t.admin.advanceClock(25_000);
    status = await t.call('GET', `/v1/transactions/${txId}/status`);
    expect(status.body.current_step).toBe('completed');
    expect(status.body.steps.map((s: { step: string }) => s.step)).toEqual([
      'validating',
      'preparing_transaction',
      'signing',
      'submitting',
      'confirming',
      'completed',
    ]);
    expect(status.body.result).toMatchObject({
      success: true,
      ats_id: 1,
      work_id: init.body.job_id,
      version: 1,
    });
    expect(status.body.result.access_code).toMatch(/^atc_[0-9a-f]{64}$/);
  });

  it('debits the full total on mainnet and refuses a confirm without credits', async () => {
    const { organization, token } = await seedOrganization(t, { testnet: 0, mainnet: 10 });
    const poor = await registerWork(t, token, { network: 'mainnet' });
    expect(poor.prepare.body.total_price_credits).toBe(67);
    expect(poor.confirm.status).toBe(403);
    expect(poor.confirm.body.error).toMatchObject({
      code: 'common.forbidden',
      details: { reason: 'insufficient_credits', network: 'mainnet', required: 67, available: 10 },
    });
    await t.admin.topUpCredits(organization.id, 'mainnet', 100);
    const retry = await t.call('POST', '/v1/works/confirm', {
      token,
      body: { job_id: poor.init.body.job_id },
    });
    expect(retry.status).toBe(202);
    expect((await t.admin.credits(organization.id)).mainnet).toBe(110 - 67);
    const quote = quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 1024 });
    expect(quote.total_price_credits).toBe(67);
    expect(audioBytes().byteLength).toBe(1024);
  });
});
