import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { AtsApiError, NotFoundError, RateLimitError } from './api-error';
import { ATS_ERROR_BRAND, AtsError, isAtsError } from './ats-error';
import { AtsAbortError, AtsConnectionError, AtsTimeoutError } from './connection-errors';
import { AtsFileTooLargeError, AtsValidationError } from './validation-errors';

describe('AtsError', () => {
  it('carries a stable code, the request id and the cause', () => {
    const cause = new Error('socket hang up');
    const e = new AtsError('boom', { code: 'something', requestId: 'req_1', cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('something');
    expect(e.requestId).toBe('req_1');
    expect(e.cause).toBe(cause);
    expect(e.name).toBe('AtsError');
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new AtsError('x', { code: 'c' })).toBe(false);
  });

  it('redacts secrets from its message', () => {
    const e = new AtsError(`bad key afo_sk_live_${'b'.repeat(48)}`, { code: 'c' });
    expect(e.message).toBe('bad key afo_sk_live_[redacted]');
  });

  it('names each instance after its class', () => {
    expect(new AtsAbortError().name).toBe('AtsAbortError');
    expect(new AtsTimeoutError(undefined, { timeoutMs: 1 }).name).toBe('AtsTimeoutError');
  });
});

describe('the is() guards', () => {
  it('recognise the class and its ancestors, not siblings', () => {
    const e = new AtsTimeoutError(undefined, { timeoutMs: 10 });
    expect(AtsError.is(e)).toBe(true);
    expect(isAtsError(e)).toBe(true);
    expect(AtsConnectionError.is(e)).toBe(true);
    expect(AtsTimeoutError.is(e)).toBe(true);
    expect(AtsAbortError.is(e)).toBe(false);
    expect(AtsApiError.is(e)).toBe(false);
  });

  it('tell the API subclasses apart', () => {
    const e = AtsApiError.from({ status: 404, body: '' });
    expect(AtsApiError.is(e)).toBe(true);
    expect(NotFoundError.is(e)).toBe(true);
    expect(RateLimitError.is(e)).toBe(false);
  });

  it('recognise a file-too-large error as a validation error', () => {
    const e = new AtsFileTooLargeError({ sizeBytes: 2, maxBytes: 1 });
    expect(AtsValidationError.is(e)).toBe(true);
    expect(AtsFileTooLargeError.is(e)).toBe(true);
  });

  it('refuse plain errors and non-objects', () => {
    expect(AtsError.is(new Error('x'))).toBe(false);
    expect(AtsError.is(null)).toBe(false);
    expect(AtsError.is('AtsError')).toBe(false);
    expect(AtsError.is({ code: 'aborted', name: 'AtsAbortError' })).toBe(false);
  });

  it('work across a duplicated copy of the package, where instanceof fails', async () => {
    vi.resetModules();
    const copy = await import('./connection-errors');
    const foreign = new copy.AtsTimeoutError(undefined, { timeoutMs: 5 });
    expect(foreign).not.toBeInstanceOf(AtsTimeoutError);
    expect(AtsTimeoutError.is(foreign)).toBe(true);
    expect(AtsConnectionError.is(foreign)).toBe(true);
    expect(isAtsError(foreign)).toBe(true);
  });

  it('work across realms, since the brand is a registered symbol', () => {
    const foreign = runInNewContext(`
      const e = new Error('from another realm');
      Object.defineProperty(e, Symbol.for('@ats-kit/core/error'), { value: ['AtsAbortError', 'AtsError'] });
      e;
    `);
    expect(foreign).not.toBeInstanceOf(Error);
    expect(ATS_ERROR_BRAND).toBe(Symbol.for('@ats-kit/core/error'));
    expect(AtsAbortError.is(foreign)).toBe(true);
    expect(AtsApiError.is(foreign)).toBe(false);
  });
});
