import { WebhookEventSchema } from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { buildWebhookPayload } from './webhook-payload';

const ids = {
  transactionId: '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
  organizationId: '2f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
  apiKeyId: '9a1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
};
const txHash = `0x${'3b'.repeat(32)}`;
const blockHash = `0x${'81'.repeat(32)}`;
const accessCode = `atc_${'7e'.repeat(32)}`;
const workId = '0b8f9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const at = Date.UTC(2026, 3, 30, 11, 0, 26);

describe('buildWebhookPayload', () => {
  it('builds work_registered with exactly the §12 fields and sandbox extras, in order', () => {
    const payload = buildWebhookPayload({
      event: 'work_registered',
      ...ids,
      network: 'mainnet',
      atsId: 1024,
      txHash: txHash.toUpperCase().replace('0X', '0x'),
      blockNumber: 1843,
      blockHash,
      accessCode,
      finalizedAt: at,
      workId,
      version: 1,
    });
    expect(Object.keys(payload)).toEqual([
      'event',
      'transaction_id',
      'organization_id',
      'api_key_id',
      'external_user_ref',
      'network',
      'ats_id',
      'tx_hash',
      'block_number',
      'block_hash',
      'explorer_url',
      'access_code',
      'finalized_at',
      'work_id',
      'version',
    ]);
    expect(payload).toEqual({
      event: 'work_registered',
      transaction_id: ids.transactionId,
      organization_id: ids.organizationId,
      api_key_id: ids.apiKeyId,
      external_user_ref: null,
      network: 'mainnet',
      ats_id: 1024,
      tx_hash: txHash,
      block_number: 1843,
      block_hash: blockHash,
      explorer_url: `https://explorer.allfeat.org/tx/${txHash}`,
      access_code: accessCode,
      finalized_at: '2026-04-30T11:00:26.000Z',
      work_id: workId,
      version: 1,
    });
    expect(WebhookEventSchema.safeParse(payload).success).toBe(true);
  });

  it('gives work_updated no access code and a testnet explorer link', () => {
    const payload = buildWebhookPayload({
      event: 'work_updated',
      ...ids,
      externalUserRef: 'user-42',
      network: 'testnet',
      atsId: 7,
      txHash,
      blockNumber: 12,
      blockHash,
      accessCode,
      finalizedAt: new Date(at),
      workId,
      version: 3,
    });
    expect(payload).toMatchObject({
      event: 'work_updated',
      external_user_ref: 'user-42',
      access_code: null,
      explorer_url: `https://explorer.allfeat.org/tx/${txHash}?network=testnet`,
      version: 3,
    });
    expect(WebhookEventSchema.safeParse(payload).success).toBe(true);
  });

  it('builds work_failed with reason, failed_at and the sandbox extras', () => {
    const payload = buildWebhookPayload({
      event: 'work_failed',
      ...ids,
      network: 'testnet',
      transactionType: 'add_version',
      atsId: 7,
      txHash,
      failedAt: '2026-04-30T11:00:26Z',
      reason: 'The chain rejected the transaction.',
    });
    expect(Object.keys(payload)).toEqual([
      'event',
      'transaction_id',
      'organization_id',
      'api_key_id',
      'external_user_ref',
      'network',
      'ats_id',
      'tx_hash',
      'failed_at',
      'reason',
      'transaction_type',
      'error_code',
    ]);
    expect(payload).toMatchObject({
      ats_id: 7,
      tx_hash: txHash,
      failed_at: '2026-04-30T11:00:26.000Z',
      transaction_type: 'add_version',
      error_code: 'transaction.failed',
    });
    expect(WebhookEventSchema.safeParse(payload).success).toBe(true);
  });

  it('leaves ats_id out of a failed registration and tx_hash out when never included', () => {
    const payload = buildWebhookPayload({
      event: 'work_failed',
      ...ids,
      network: 'mainnet',
      transactionType: 'register',
      atsId: 99,
      failedAt: at,
      reason: 'failed',
      errorCode: 'transaction.failed',
    });
    expect(payload).toMatchObject({ ats_id: null, tx_hash: null });
  });

  it('refuses a malformed hash or time, naming the field', () => {
    const base = {
      event: 'work_registered' as const,
      ...ids,
      network: 'mainnet' as const,
      atsId: 1,
      txHash,
      blockNumber: 1,
      blockHash,
      finalizedAt: at,
      workId,
      version: 1,
    };
    expect(() => buildWebhookPayload({ ...base, txHash: '0x12' })).toThrow(/txHash/);
    expect(() => buildWebhookPayload({ ...base, finalizedAt: 'yesterday' })).toThrow(/finalizedAt/);
  });
});
