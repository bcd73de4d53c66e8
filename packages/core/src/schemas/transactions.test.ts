import { describe, expect, it } from 'vitest';
import {
  TERMINAL_TRANSACTION_STEPS,
  TRANSACTION_STEP_PROGRESS,
  TRANSACTION_STEPS,
  TransactionFrameSchema,
  TransactionResultSchema,
  TransactionStatusSchema,
} from './transactions';

const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const WORK = '0b8f3c2a-5d1e-4f6a-9b7c-2e4d6f8a0c1e';
const hash = (byte: string) => `0x${byte.repeat(32)}`;
const ACCESS_CODE = `atc_${'7e'.repeat(32)}`;

const completedDetails = {
  tx_hash: hash('3b'),
  block_number: 1843,
  block_hash: hash('81'),
  ats_id: 1024,
  work_id: WORK,
  explorer_url: `https://explorer.allfeat.org/tx/${hash('3b')}?network=testnet`,
  access_code: ACCESS_CODE,
  error: null,
};

const step = (name: string, progress: number, at: string) => ({
  step: name,
  progress,
  description: name,
  timestamp: `2026-04-30T11:00:${at}.000Z`,
});

const status = {
  id: TX,
  transaction_type: 'register',
  network: 'testnet',
  current_step: 'completed',
  progress: 100,
  description: 'Recorded on chain',
  is_complete: true,
  result: { success: true, ...completedDetails, version: 1 },
  steps: [
    step('validating', 5, '00'),
    step('preparing_transaction', 20, '00'),
    step('signing', 40, '01'),
    step('submitting', 60, '01'),
    step('confirming', 80, '12'),
    step('completed', 100, '26'),
  ],
  created_at: '2026-04-30T11:00:00.000Z',
  updated_at: '2026-04-30T11:00:26.000Z',
};

describe('step constants (§14.2)', () => {
  it('gives each known step its progress', () => {
    expect(TRANSACTION_STEPS.map((name) => [name, TRANSACTION_STEP_PROGRESS[name]])).toEqual([
      ['validating', 5],
      ['preparing_transaction', 20],
      ['signing', 40],
      ['submitting', 60],
      ['confirming', 80],
      ['completed', 100],
      ['failed', 100],
    ]);
    expect(TERMINAL_TRANSACTION_STEPS).toEqual(['completed', 'failed']);
  });
});

describe('GET /v1/transactions/{id} (§7.1)', () => {
  it('parses a completed registration', () => {
    const parsed = TransactionStatusSchema.parse(status);
    expect(parsed.result?.access_code).toBe(ACCESS_CODE);
    expect(parsed.steps).toHaveLength(6);
  });

  it('parses a running transaction: result null or missing, network absent', () => {
    const { network: _network, result: _result, ...running } = status;
    const parsed = TransactionStatusSchema.parse({
      ...running,
      current_step: 'signing',
      progress: 40,
      is_complete: false,
      steps: status.steps.slice(0, 3),
    });
    expect(parsed.result).toBeNull();
    expect(parsed.network).toBeNull();
    expect(TransactionStatusSchema.parse({ ...status, result: null }).result).toBeNull();
  });

  it('accepts steps and transaction types it does not know, and other percentages', () => {
    const parsed = TransactionStatusSchema.parse({
      ...status,
      transaction_type: 'transfer',
      current_step: 'transferring_tokens',
      progress: 33.5,
      steps: [step('transferring_tokens', 33.5, '05')],
      unknown: { nested: true },
    });
    expect(parsed.current_step).toBe('transferring_tokens');
    expect(parsed.transaction_type).toBe('transfer');
    expect(parsed).not.toHaveProperty('unknown');
  });

  it('reads a failure error as { code, message } or as a plain string', () => {
    const failedBefore = {
      success: false,
      tx_hash: null,
      block_number: null,
      block_hash: null,
      ats_id: null,
      work_id: null,
      explorer_url: null,
      access_code: null,
    };
    const structured = TransactionResultSchema.parse({
      ...failedBefore,
      error: { code: 'transaction.failed', message: 'Chain refused the call' },
    });
    expect(structured.error).toEqual({
      code: 'transaction.failed',
      message: 'Chain refused the call',
    });
    const plain = TransactionResultSchema.parse({
      ...failedBefore,
      error: 'Chain refused the call',
    });
    expect(plain.error).toEqual({ code: 'transaction.failed', message: 'Chain refused the call' });
    const unknownCode = TransactionResultSchema.parse({
      success: false,
      error: { code: 'chain.out_of_gas', message: 'x' },
    });
    expect(unknownCode.error?.code).toBe('chain.out_of_gas');
    expect(unknownCode.tx_hash).toBeNull();
  });
});

describe('WebSocket frames (§7.2)', () => {
  it('parses connected and not_found', () => {
    expect(TransactionFrameSchema.parse({ type: 'connected', transaction_id: TX })).toEqual({
      type: 'connected',
      transaction_id: TX,
    });
    expect(TransactionFrameSchema.parse({ type: 'not_found', transaction_id: 'nope' })).toEqual({
      type: 'not_found',
      transaction_id: 'nope',
    });
  });

  it('parses the completed update example of api.md', () => {
    const frame = TransactionFrameSchema.parse({
      type: 'update',
      step: 'completed',
      progress: 100,
      description: 'Recorded on chain',
      timestamp: '2026-04-30T11:00:26.000Z',
      details: completedDetails,
    });
    expect(frame.type).toBe('update');
    if (frame.type === 'update') {
      expect(frame.details?.ats_id).toBe(1024);
      expect(frame.details?.version).toBeNull();
    }
  });

  it('parses a non-terminal update without details, and unknown steps', () => {
    const frame = TransactionFrameSchema.parse({
      type: 'update',
      step: 'transferring_tokens',
      progress: 30,
      description: 'Moving tokens',
      timestamp: '2026-04-30T11:00:02.000Z',
      seq: 4,
    });
    expect(frame).toEqual({
      type: 'update',
      step: 'transferring_tokens',
      progress: 30,
      description: 'Moving tokens',
      timestamp: '2026-04-30T11:00:02.000Z',
      details: null,
    });
  });

  it('parses the error frame with the envelope body', () => {
    const frame = TransactionFrameSchema.parse({
      type: 'error',
      error: {
        code: 'transaction.store_unavailable',
        message: 'Tracking store down',
        request_id: 'req_0123456789abcdef01234567',
      },
    });
    expect(frame.type === 'error' && frame.error.code).toBe('transaction.store_unavailable');
  });

  it('refuses a frame whose type it does not know', () => {
    expect(TransactionFrameSchema.safeParse({ type: 'ping' }).success).toBe(false);
  });
});
