import { describe, expect, it } from 'vitest';
import { decodeWebhookSecret, generateWebhookSecret } from './webhook-secret';

describe('generateWebhookSecret', () => {
  it('gives 32 random bytes in base64, like the secret shown at key creation', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(decodeWebhookSecret(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('decodeWebhookSecret', () => {
  it('accepts the url-safe alphabet and a missing padding', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    expect(decodeWebhookSecret(bytes.toString('base64url'))).toEqual(bytes);
    expect(decodeWebhookSecret(bytes.toString('base64').replace(/=+$/, ''))).toEqual(bytes);
  });
});
