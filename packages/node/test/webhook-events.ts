import type { KnownWebhookEventWire } from '@ats-kit/core';

/** A `work_registered` delivery body as the sandbox sends it. */
export const WORK_REGISTERED: KnownWebhookEventWire = {
  event: 'work_registered',
  transaction_id: '6f1c2b1e-8a7d-4c3b-9e2f-0a1b2c3d4e5f',
  organization_id: '0b9e7a4c-2d1f-4e6a-8b3c-5d7e9f1a2b3c',
  api_key_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  external_user_ref: null,
  network: 'testnet',
  ats_id: 7,
  tx_hash: `0x${'ab'.repeat(32)}`,
  block_number: 42,
  block_hash: `0x${'cd'.repeat(32)}`,
  explorer_url: `https://explorer.allfeat.org/tx/0x${'ab'.repeat(32)}?network=testnet`,
  access_code: `atc_${'0f'.repeat(32)}`,
  finalized_at: '2026-04-30T11:00:00.000Z',
};

/** A `work_failed` delivery body. */
export const WORK_FAILED: KnownWebhookEventWire = {
  event: 'work_failed',
  transaction_id: '6f1c2b1e-8a7d-4c3b-9e2f-0a1b2c3d4e60',
  organization_id: '0b9e7a4c-2d1f-4e6a-8b3c-5d7e9f1a2b3c',
  api_key_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  external_user_ref: 'user-42',
  failed_at: '2026-04-30T11:00:00.000Z',
  reason: 'The chain refused the transaction',
};
