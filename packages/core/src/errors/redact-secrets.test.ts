import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets';

const API_KEY = `afo_sk_live_${'a1'.repeat(24)}`;
const WIDGET_SECRET = `csk_${'0f'.repeat(16)}`;
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('redactSecrets', () => {
  it('masks an API key and keeps its prefix', () => {
    const out = redactSecrets(`key ${API_KEY} was revoked`);
    expect(out).toBe('key afo_sk_live_[redacted] was revoked');
  });

  it('masks a widget secret key', () => {
    expect(redactSecrets(`secret_key=${WIDGET_SECRET}`)).toBe('secret_key=csk_[redacted]');
  });

  it('masks a JWT wherever it appears', () => {
    const out = redactSecrets(`token ${JWT} expired`);
    expect(out).toBe('token [redacted JWT] expired');
  });

  it('masks Bearer and Basic credentials, whatever the token', () => {
    expect(redactSecrets(`Authorization: Bearer ${JWT}`)).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('authorization: bearer opaque-token_123')).toBe(
      'authorization: bearer [redacted]',
    );
    expect(redactSecrets('Basic dXNlcjpwYXNz')).toBe('Basic [redacted]');
  });

  it('masks every occurrence and leaves other text alone', () => {
    const out = redactSecrets(`${API_KEY} and ${WIDGET_SECRET}; cpk_public stays`);
    expect(out).toBe('afo_sk_live_[redacted] and csk_[redacted]; cpk_public stays');
    expect(out).not.toContain('a1a1');
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'registration.audio_too_large (HTTP 413): req_5f0c2a9e41b7d3c8a6e0f192';
    expect(redactSecrets(text)).toBe(text);
  });
});
