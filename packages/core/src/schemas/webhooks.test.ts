import { describe, expect, it } from 'vitest';
import {
  isKnownWebhookEvent,
  KnownWebhookEventSchema,
  WEBHOOK_EVENTS,
  WebhookEventSchema,
} from './webhooks';

const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const ORG = '8d6f7a2c-1b3e-4c5d-9e8f-0a1b2c3d4e5f';
const KEY = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const WORK = '0b8f3c2a-5d1e-4f6a-9b7c-2e4d6f8a0c1e';
const hash = (byte: string) => `0x${byte.repeat(32)}`;

const registered = {
  event: 'work_registered',
  transaction_id: TX,
  organization_id: ORG,
  api_key_id: KEY,
  external_user_ref: null,
  network: 'mainnet',
  ats_id: 1024,
  tx_hash: hash('3b'),
  block_number: 1843,
  block_hash: hash('81'),
  explorer_url: `https://explorer.allfeat.org/tx/${hash('3b')}`,
  access_code: `atc_${'7e'.repeat(32)}`,
  finalized_at: '2026-04-30T11:00:26.000Z',
};

const failed = {
  event: 'work_failed',
  transaction_id: TX,
  organization_id: ORG,
  api_key_id: KEY,
  external_user_ref: 'user-42',
  failed_at: '2026-04-30T11:00:14.000Z',
  reason: 'The chain refused the transaction',
};

describe('webhook payloads (§12)', () => {
  it('names the three events', () => {
    expect(WEBHOOK_EVENTS).toEqual(['work_registered', 'work_updated', 'work_failed']);
  });

  it('parses work_registered; the sandbox extras default to null', () => {
    const event = KnownWebhookEventSchema.parse(registered);
    expect(event).toMatchObject({
      event: 'work_registered',
      ats_id: 1024,
      work_id: null,
      version: null,
    });
  });

  it('parses work_updated with the sandbox extras and no access code', () => {
    const event = WebhookEventSchema.parse({
      ...registered,
      event: 'work_updated',
      access_code: null,
      external_user_ref: 'user-42',
      work_id: WORK,
      version: 2,
    });
    expect(isKnownWebhookEvent(event) && event.event === 'work_updated' && event.version).toBe(2);
  });

  it('parses work_failed, bare or with the sandbox extras', () => {
    expect(WebhookEventSchema.parse(failed)).toMatchObject({
      event: 'work_failed',
      network: null,
      ats_id: null,
    });
    const event = WebhookEventSchema.parse({
      ...failed,
      network: 'testnet',
      ats_id: 7,
      tx_hash: hash('3b'),
      transaction_type: 'add_version',
      error_code: 'transaction.failed',
    });
    expect(event).toMatchObject({
      transaction_type: 'add_version',
      error_code: 'transaction.failed',
    });
  });

  it('ignores unknown fields of known events', () => {
    const event = WebhookEventSchema.parse({ ...registered, attempt: 3 });
    expect(event).not.toHaveProperty('attempt');
  });

  it('accepts events it does not know, keeping every field', () => {
    const event = WebhookEventSchema.parse({
      event: 'work_transferred',
      transaction_id: TX,
      to: 'x',
    });
    expect(isKnownWebhookEvent(event)).toBe(false);
    expect(event).toEqual({ event: 'work_transferred', transaction_id: TX, to: 'x' });
  });

  it('does not pass a malformed known event off as an unknown one', () => {
    const { ats_id: _omitted, ...broken } = registered;
    expect(WebhookEventSchema.safeParse(broken).success).toBe(false);
    expect(WebhookEventSchema.safeParse({ transaction_id: TX }).success).toBe(false);
  });

  it('narrows on event after isKnownWebhookEvent', () => {
    const event = WebhookEventSchema.parse(registered);
    if (!isKnownWebhookEvent(event)) throw new Error('expected a known event');
    switch (event.event) {
      case 'work_registered':
      case 'work_updated':
        expect(event.block_number).toBe(1843);
        break;
      case 'work_failed':
        throw new Error(event.reason);
    }
  });
});
