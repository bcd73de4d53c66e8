import { describe, expect, it } from 'vitest';
import { AtsUploadError } from '../errors';
import { parseS3Error, storeAnswerError } from './store-error';

const xml = (code: string, message: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>4442587FB7D0A2F9</RequestId></Error>`;

describe('parseS3Error', () => {
  it('reads Code, Message and RequestId, decoding entities', () => {
    expect(parseS3Error(xml('SlowDown', 'Please &amp; thanks'))).toEqual({
      code: 'SlowDown',
      message: 'Please & thanks',
      requestId: '4442587FB7D0A2F9',
      mentionsExpiry: false,
    });
  });

  it('tolerates an empty or non-XML body', () => {
    expect(parseS3Error('')).toMatchObject({
      code: undefined,
      message: undefined,
      requestId: undefined,
    });
    expect(parseS3Error('<html>oops</html>').code).toBeUndefined();
  });
});

describe('storeAnswerError', () => {
  it('classifies an expired presigned URL as upload_expired (restart from init)', () => {
    const error = storeAnswerError(403, xml('AccessDenied', 'Request has expired'));
    expect(AtsUploadError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'upload_expired',
      status: 403,
      s3Code: 'AccessDenied',
      requestId: '4442587FB7D0A2F9',
      retryable: false,
    });
    expect(error.message).toContain('init');
    // S3's own shape: a terse message, with the expiry elements.
    expect(
      storeAnswerError(
        403,
        xml('AccessDenied', 'Access Denied', '<X-Amz-Expires>600</X-Amz-Expires>'),
      ).code,
    ).toBe('upload_expired');
  });

  it('classifies other 403 and 400 answers as upload_rejected, with a hint', () => {
    const signature = storeAnswerError(403, xml('SignatureDoesNotMatch', 'bad signature'));
    expect(signature).toMatchObject({ code: 'upload_rejected', s3Code: 'SignatureDoesNotMatch' });
    expect(signature.message).toContain('unchanged');
    const denied = storeAnswerError(403, xml('AccessDenied', 'Access Denied'));
    expect(denied.code).toBe('upload_rejected');
    const tooLarge = storeAnswerError(400, xml('EntityTooLarge', 'too large'));
    expect(tooLarge).toMatchObject({
      code: 'upload_rejected',
      status: 400,
      s3Code: 'EntityTooLarge',
    });
  });

  it('classifies 5xx, 408 and 429 as retryable upload_failed', () => {
    for (const status of [500, 503, 408, 429]) {
      const error = storeAnswerError(status, xml('SlowDown', 'Reduce your request rate'));
      expect(error).toMatchObject({ code: 'upload_failed', status, retryable: true });
    }
  });

  it('keeps only Code, Message and RequestId: echoed signing material stays out', () => {
    const error = storeAnswerError(
      403,
      xml(
        'SignatureDoesNotMatch',
        'bad',
        '<StringToSign>AWS4-HMAC-SHA256 secretstuff</StringToSign>',
      ),
    );
    expect(error.message).not.toContain('secretstuff');
  });
});
