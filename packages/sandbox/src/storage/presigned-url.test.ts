import { describe, expect, it } from 'vitest';
import { presign, verifyPresigned } from './presigned-url';

const secret = Buffer.alloc(32, 7);

describe('presigned URLs', () => {
  it('verify for the signed method and key until expiry', () => {
    const at = Date.UTC(2026, 3, 30, 11, 0, 0, 500);
    const { query, expiresAt } = presign(secret, 'PUT', 'uploads/job', at, 600);
    expect(query).toMatch(
      /^X-Amz-Date=20260430T110000Z&X-Amz-Expires=600&X-Amz-Signature=[0-9a-f]{64}$/,
    );
    const params = new URLSearchParams(query);
    expect(verifyPresigned(secret, 'PUT', 'uploads/job', params, at)).toEqual({
      ok: true,
      expiresAt,
    });
    expect(verifyPresigned(secret, 'GET', 'uploads/job', params, at)).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(verifyPresigned(secret, 'PUT', 'uploads/other', params, at)).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(verifyPresigned(secret, 'PUT', 'uploads/job', params, expiresAt)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});
