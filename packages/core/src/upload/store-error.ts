// Turning the object store's answers (S3-style XML, api.md §5.2) into AtsUploadError.
import { AtsUploadError, redactSecrets } from '../errors';

/** The fields of an S3 `<Error>` document that the client uses. */
export interface S3ErrorDocument {
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
  /** `<X-Amz-Expires>` or `<Expires>` was present: S3 adds them to an expired-URL answer. */
  mentionsExpiry: boolean;
}

// Longest store message kept: enough for S3's sentences, not for an echoed document.
const MAX_MESSAGE_CHARS = 300;

/**
 * Reads `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`. Only those
 * elements are kept: S3 may also echo `StringToSign` or `CanonicalRequest`, which stay out of
 * errors.
 *
 * @example
 * parseS3Error('<Error><Code>SlowDown</Code></Error>').code; // 'SlowDown'
 */
export function parseS3Error(xml: string): S3ErrorDocument {
  const message = element(xml, 'Message');
  return {
    code: element(xml, 'Code'),
    message:
      message && message.length > MAX_MESSAGE_CHARS
        ? `${message.slice(0, MAX_MESSAGE_CHARS)}…`
        : message,
    requestId: element(xml, 'RequestId'),
    mentionsExpiry: /<(X-Amz-Expires|Expires)>/.test(xml),
  };
}

function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  const text = match?.[1]?.trim();
  return text ? decodeXmlEntities(text) : undefined;
}

function decodeXmlEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The error for a non-2xx answer of the store:
 * - `403` saying the request has expired → `upload_expired` (start again from init);
 * - `408`, `429`, `5xx` (`503 SlowDown`) → `upload_failed`, retryable;
 * - any other (`SignatureDoesNotMatch`, `AccessDenied`, `EntityTooLarge`) → `upload_rejected`.
 * The S3 code and RequestId are kept; the presigned URL (a credential) is never in the message.
 *
 * @example
 * const err = storeAnswerError(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
 * err.code; // 'upload_expired'
 */
export function storeAnswerError(status: number, body: string): AtsUploadError {
  const doc = parseS3Error(body);
  const what = [doc.code, doc.message].filter(Boolean).join(': ');
  const said = what ? ` (${redactSecrets(what)})` : '';
  const requestId = doc.requestId ? ` [RequestId ${doc.requestId}]` : '';
  const options = { status, s3Code: doc.code, requestId: doc.requestId };
  if (status === 403 && isExpiredAnswer(doc)) {
    return new AtsUploadError(
      `The upload URL has expired: the store answered HTTP 403${said}; start again from init to get a new upload_url${requestId}`,
      { ...options, code: 'upload_expired' },
    );
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new AtsUploadError(
      `The store could not take the upload: HTTP ${status}${said}${requestId}`,
      { ...options, code: 'upload_failed' },
    );
  }
  return new AtsUploadError(
    `The store refused the upload: HTTP ${status}${said}${hintFor(doc.code)}${requestId}`,
    { ...options, code: 'upload_rejected' },
  );
}

function isExpiredAnswer(doc: S3ErrorDocument): boolean {
  if (doc.code === 'ExpiredToken' || doc.code === 'RequestExpired') return true;
  return (
    /request has expired/i.test(doc.message ?? '') ||
    (doc.code === 'AccessDenied' && doc.mentionsExpiry)
  );
}

function hintFor(code: string | undefined): string {
  switch (code) {
    case 'SignatureDoesNotMatch':
      return '; the upload_url must be used unchanged, with PUT';
    case 'EntityTooLarge':
      return '; the file is over the size limit of this upload';
    case 'AccessDenied':
      return '; the job may already be prepared, confirmed or expired';
    default:
      return '';
  }
}
