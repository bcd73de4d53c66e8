import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import {
  ConfirmVersionRequestSchema,
  ConfirmVersionResponseSchema,
  InitVersionInputSchema,
  InitVersionRequestSchema,
  InitVersionResponseSchema,
  InitVersionUploadRequestSchema,
  InitVersionUploadResponseSchema,
  PrepareVersionRequestSchema,
  PrepareVersionResponseSchema,
} from './versions';

const JOB = '0b8f3c2a-5d1e-4f6a-9b7c-2e4d6f8a0c1e';
const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const hash = (byte: string) => `0x${byte.repeat(32)}`;
const creator = { full_name: 'Ada Lovelace', email: 'ada@example.com', roles: { composer: true } };

describe('adding a version (§6)', () => {
  it('versions/init takes network, creators and an optional ref; title is not sent', () => {
    const body = { network: 'testnet', creators: [creator], external_user_ref: 'user-42' };
    expect(InitVersionRequestSchema.parse(body)).toEqual(body);
    const refused = InitVersionRequestSchema.safeParse({ ...body, title: 'x' });
    expect(refused.success).toBe(false);
    if (!refused.success) expect(toFieldErrors(refused.error)[0]?.path).toBe('title');
    expect(
      InitVersionInputSchema.parse({ ...body, creators: [{ ...creator, roles: ['adapter'] }] })
        .creators[0]?.roles.adapter,
    ).toBe(true);
    expect(InitVersionResponseSchema.parse({ job_id: JOB, extra: 1 })).toEqual({ job_id: JOB });
  });

  it('versions/init-upload also takes a filename and answers like init', () => {
    const body = { network: 'mainnet', filename: 'v2.wav', creators: [creator] };
    expect(InitVersionUploadRequestSchema.parse(body)).toEqual(body);
    const missing = InitVersionUploadRequestSchema.safeParse({
      network: 'mainnet',
      creators: [creator],
    });
    expect(missing.success).toBe(false);
    if (!missing.success) {
      expect(toFieldErrors(missing.error)).toEqual([
        { path: 'filename', code: 'required', message: 'filename: is required' },
      ]);
    }
    expect(
      InitVersionUploadResponseSchema.parse({
        job_id: JOB,
        upload_url: 'http://127.0.0.1:1/_storage/uploads/x',
        upload_expires_at: '2026-04-30T11:10:00.000Z',
      }).job_id,
    ).toBe(JOB);
  });

  it('prepare answers the version quote (no total deposit; work_id is an extra)', () => {
    expect(PrepareVersionRequestSchema.parse({ job_id: JOB })).toEqual({ job_id: JOB });
    const quote = PrepareVersionResponseSchema.parse({
      job_id: JOB,
      commitment: hash('c1'),
      version_deposit_credits: 20,
      network_fee_credits: 12,
      service_fee_credits: 5,
      storage_fee_credits: 8,
      total_price_credits: 45,
      is_valid: true,
      expires_at: '2026-04-30T11:05:00.000Z',
    });
    expect(quote.total_price_credits).toBe(45);
    expect(quote.work_id).toBeNull();
    expect(quote).not.toHaveProperty('total_deposit_credits');
  });

  it('confirm takes { job_id } and answers 202 with transaction_type add_version', () => {
    expect(ConfirmVersionRequestSchema.parse({ job_id: JOB })).toEqual({ job_id: JOB });
    const answer = ConfirmVersionResponseSchema.parse({
      transaction_id: TX,
      ws_url: `/v1/ws/transactions/${TX}`,
      status_url: `/v1/transactions/${TX}`,
      transaction_type: 'add_version',
    });
    expect(answer.transaction_type).toBe('add_version');
  });
});
