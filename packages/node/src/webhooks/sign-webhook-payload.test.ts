import { createHmac } from 'node:crypto';
import { parseSignatureHeader } from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload } from './sign-webhook-payload';
import { generateWebhookSecret } from './webhook-secret';

describe('signWebhookPayload', () => {
  const secret = generateWebhookSecret();

  it('signs t.body with HMAC-SHA256 of the decoded secret, as ATS does', () => {
    const signed = signWebhookPayload({
      payload: { event: 'x' },
      secret,
      timestamp: 1_700_000_000,
    });
    expect(signed.rawBody).toBe('{"event":"x"}');
    expect(signed.headers['x-allfeat-timestamp']).toBe('1700000000');
    expect(signed.headers['content-type']).toBe('application/json');
    const parsed = parseSignatureHeader(signed.headers['x-allfeat-signature']);
    const expected = createHmac('sha256', Buffer.from(secret, 'base64'))
      .update('1700000000.{"event":"x"}')
      .digest('hex');
    expect(parsed).toEqual({ timestamp: 1_700_000_000, signatures: [expected] });
  });

  it('signs a raw body byte for byte and adds the delivery id when given', () => {
    const signed = signWebhookPayload({
      rawBody: '{ "event" : "x" }',
      secret,
      deliveryId: 'dlv_1',
    });
    expect(signed.rawBody).toBe('{ "event" : "x" }');
    expect(signed.headers['x-allfeat-delivery']).toBe('dlv_1');
  });

  it('defaults the timestamp to now', () => {
    const before = Math.floor(Date.now() / 1000);
    const signed = signWebhookPayload({ payload: {}, secret });
    expect(signed.timestamp).toBeGreaterThanOrEqual(before);
    expect(signed.timestamp).toBeLessThanOrEqual(before + 5);
  });

  it('needs a payload or a raw body', () => {
    expect(() => signWebhookPayload({ secret } as never)).toThrow(/payload/);
  });
});
