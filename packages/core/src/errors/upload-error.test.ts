import { describe, expect, it } from 'vitest';
import { AtsUploadError } from './upload-error';

describe('AtsUploadError', () => {
  it('keeps the store status, S3 code and request id', () => {
    const e = new AtsUploadError('The store refused the upload', {
      code: 'upload_rejected',
      status: 403,
      s3Code: 'SignatureDoesNotMatch',
      requestId: 'req_9',
    });
    expect(e.code).toBe('upload_rejected');
    expect(e.status).toBe(403);
    expect(e.s3Code).toBe('SignatureDoesNotMatch');
    expect(e.requestId).toBe('req_9');
    expect(e.retryable).toBe(false);
  });

  it.each([
    ['upload_failed', undefined, true],
    ['upload_failed', 500, true],
    ['upload_failed', 503, true],
    ['upload_failed', 408, true],
    ['upload_failed', 429, true],
    ['upload_failed', 400, false],
    ['upload_stalled', undefined, true],
    ['upload_expired', 403, false],
    ['upload_rejected', 400, false],
  ] as const)('%s with status %s is retryable: %s', (code, status, retryable) => {
    expect(new AtsUploadError('x', { code, status }).retryable).toBe(retryable);
  });

  it('lets the caller decide retryable', () => {
    expect(new AtsUploadError('x', { code: 'upload_expired', retryable: true }).retryable).toBe(
      true,
    );
  });
});
