import { describe, expect, it } from 'vitest';
import { AtsSignatureVerificationError } from './signature-verification-error';

describe('AtsSignatureVerificationError', () => {
  it('has a stable code and the reason', () => {
    const e = new AtsSignatureVerificationError('missing_header');
    expect(e.code).toBe('webhook_signature_invalid');
    expect(e.reason).toBe('missing_header');
    expect(e.message).toContain('X-Allfeat-Signature header is missing');
  });

  it('asks about the raw body when no signature matches', () => {
    const e = new AtsSignatureVerificationError('no_matching_signature');
    expect(e.message).toContain('did you pass the raw request body, not a re-serialized JSON?');
    expect(e.message).toContain('the secret is the base64 string shown at key creation');
  });

  it('explains clock skew for timestamps out of tolerance', () => {
    const old = new AtsSignatureVerificationError('timestamp_too_old', {
      skewSeconds: 420,
      toleranceSeconds: 300,
    });
    expect(old.message).toContain('420 s old, over the 300 s tolerance');
    expect(old.message).toContain('clock skew');
    const future = new AtsSignatureVerificationError('timestamp_in_future', { skewSeconds: 400 });
    expect(future.message).toContain('400 s in the future');
    expect(future.message).toContain('clock skew');
  });

  it('says what the secret is when it is unusable', () => {
    const e = new AtsSignatureVerificationError('invalid_secret');
    expect(e.message).toContain('the secret is the base64 string shown at key creation');
  });

  it('says the body must be raw', () => {
    const e = new AtsSignatureVerificationError('body_not_raw');
    expect(e.message).toContain('raw bytes');
    expect(e.message).toContain('did you pass the raw request body');
  });

  it('appends detail and describes the malformed header', () => {
    const e = new AtsSignatureVerificationError('malformed_header', { detail: 'no t= part' });
    expect(e.message).toBe(
      'The X-Allfeat-Signature header is malformed: expected `t=<unix seconds>,v1=<hex>` (no t= part)',
    );
  });
});
