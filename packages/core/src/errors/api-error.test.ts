import { describe, expect, it } from 'vitest';
import {
  AtsApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from './api-error';

const envelope = {
  error: {
    code: 'registration.audio_too_large',
    message: 'The file is 612000000 bytes; the limit is 500000000.',
    details: { size_bytes: 612000000, max_bytes: 500000000 },
    request_id: 'req_5f0c2a9e41b7d3c8a6e0f192',
  },
};

describe('AtsApiError.from', () => {
  it('parses the error envelope from a JSON string', () => {
    const e = AtsApiError.from({ status: 413, body: JSON.stringify(envelope) });
    expect(e).toBeInstanceOf(PayloadTooLargeError);
    expect(e.status).toBe(413);
    expect(e.code).toBe('registration.audio_too_large');
    expect(e.details).toEqual({ size_bytes: 612000000, max_bytes: 500000000 });
    expect(e.requestId).toBe('req_5f0c2a9e41b7d3c8a6e0f192');
    expect(e.serverMessage).toBe('The file is 612000000 bytes; the limit is 500000000.');
    expect(e.message).toBe(
      'registration.audio_too_large (HTTP 413): The file is 612000000 bytes; the limit is 500000000. [request_id req_5f0c2a9e41b7d3c8a6e0f192]',
    );
  });

  it('accepts an already parsed body and raw bytes', () => {
    expect(AtsApiError.from({ status: 413, body: envelope }).code).toBe(
      'registration.audio_too_large',
    );
    const bytes = new TextEncoder().encode(JSON.stringify(envelope));
    expect(AtsApiError.from({ status: 413, body: bytes }).code).toBe(
      'registration.audio_too_large',
    );
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [413, PayloadTooLargeError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [502, InternalServerError],
    [503, ServiceUnavailableError],
  ])('returns the subclass for HTTP %i', (status, Class) => {
    const e = AtsApiError.from({ status, body: '' });
    expect(e).toBeInstanceOf(Class);
    expect(Class.is(e)).toBe(true);
  });

  it('makes 503 an InternalServerError too, and other statuses a plain AtsApiError', () => {
    expect(AtsApiError.from({ status: 503 })).toBeInstanceOf(InternalServerError);
    const e = AtsApiError.from({ status: 405 });
    expect(e.constructor).toBe(AtsApiError);
  });

  it.each([
    ['an empty body', ''],
    ['no body', undefined],
    ['a JSON shape it does not know', '{"oops":true}'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
  ])('falls back to http_<status> for %s', (_label, body) => {
    const e = AtsApiError.from({ status: 502, body });
    expect(e.code).toBe('http_502');
    expect(e.message).toBe(
      'http_502 (HTTP 502): the server answered HTTP 502 without an error message',
    );
  });

  it('uses a non-JSON body, shortened, as the message', () => {
    const e = AtsApiError.from({ status: 502, body: `<html>${'x'.repeat(500)}</html>` });
    expect(e.code).toBe('http_502');
    expect(e.serverMessage.length).toBe(201);
    expect(e.serverMessage.startsWith('<html>')).toBe(true);
  });

  it('takes the request id from X-Request-Id when the body has none', () => {
    const e = AtsApiError.from({
      status: 500,
      body: 'Internal error',
      headers: { 'X-Request-Id': 'req_abc' },
    });
    expect(e.requestId).toBe('req_abc');
    expect(e.message).toBe('http_500 (HTTP 500): Internal error [request_id req_abc]');
  });

  it('prefers the request id of the body', () => {
    const e = AtsApiError.from({
      status: 413,
      body: envelope,
      headers: new Headers({ 'x-request-id': 'req_other' }),
    });
    expect(e.requestId).toBe('req_5f0c2a9e41b7d3c8a6e0f192');
  });

  it('reads Retry-After in whole seconds', () => {
    const e = AtsApiError.from({
      status: 429,
      body: { error: { code: 'common.rate_limited', message: 'Slow down' } },
      headers: new Headers({ 'Retry-After': '7' }),
    });
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.retryAfterSeconds).toBe(7);
  });

  it('reads an HTTP-date Retry-After against the given clock', () => {
    const nowMs = Date.parse('2026-04-30T11:00:00Z');
    const e = AtsApiError.from({
      status: 503,
      headers: { 'retry-after': 'Thu, 30 Apr 2026 11:00:30 GMT' },
      nowMs,
    });
    expect(e.retryAfterSeconds).toBe(30);
  });

  it('ignores a missing or unreadable Retry-After', () => {
    expect(AtsApiError.from({ status: 429 }).retryAfterSeconds).toBeUndefined();
    const e = AtsApiError.from({ status: 429, headers: { 'retry-after': 'soon' } });
    expect(e.retryAfterSeconds).toBeUndefined();
  });

  it('keeps headers as a plain lowercased object without credentials', () => {
    const e = AtsApiError.from({
      status: 401,
      headers: {
        Authorization: 'Bearer secret-token',
        'Set-Cookie': 'sid=1',
        'Content-Type': 'application/json',
        'X-Multi': ['a', 'b'],
      },
    });
    expect(e.headers).toEqual({ 'content-type': 'application/json', 'x-multi': 'a, b' });
  });

  it('accepts headers as entries', () => {
    const e = AtsApiError.from({ status: 404, headers: [['X-Request-Id', 'req_e']] });
    expect(e.requestId).toBe('req_e');
  });

  it('never puts a secret echoed by the server into its message', () => {
    const key = `afo_sk_live_${'c'.repeat(48)}`;
    const e = AtsApiError.from({
      status: 401,
      body: { error: { code: 'api_key.not_found', message: `Unknown key ${key}` } },
    });
    expect(e.message).not.toContain(key);
    expect(e.serverMessage).not.toContain(key);
    expect(e.message).toContain('afo_sk_live_[redacted]');
  });
});

describe('new AtsApiError', () => {
  it('formats the message without a request id when none is known', () => {
    const e = new AtsApiError({ status: 403, code: 'common.forbidden', message: 'Not enough' });
    expect(e.message).toBe('common.forbidden (HTTP 403): Not enough');
    expect(e.headers).toEqual({});
    expect(e.details).toBeUndefined();
  });
});
