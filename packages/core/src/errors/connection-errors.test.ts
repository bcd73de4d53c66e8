import { describe, expect, it } from 'vitest';
import {
  AtsAbortError,
  AtsConnectionError,
  AtsTimeoutError,
  isAbortError,
} from './connection-errors';

describe('AtsConnectionError', () => {
  it('wraps the network failure as its cause', () => {
    const cause = new TypeError('fetch failed');
    const e = new AtsConnectionError('Could not reach the API', { cause, requestId: 'req_1' });
    expect(e.code).toBe('connection_failed');
    expect(e.cause).toBe(cause);
    expect(e.requestId).toBe('req_1');
  });
});

describe('AtsTimeoutError', () => {
  it('is a connection error that states its budget', () => {
    const e = new AtsTimeoutError(undefined, { timeoutMs: 30_000 });
    expect(e).toBeInstanceOf(AtsConnectionError);
    expect(e.code).toBe('timeout');
    expect(e.timeoutMs).toBe(30_000);
    expect(e.message).toContain('30000 ms');
  });
});

describe('AtsAbortError', () => {
  it('has the code aborted and an optional cause', () => {
    const e = new AtsAbortError();
    expect(e.code).toBe('aborted');
    expect(e.message).toBe('The operation was aborted');
    const reason = new Error('user left');
    expect(new AtsAbortError('Upload aborted', { cause: reason }).cause).toBe(reason);
  });
});

describe('isAbortError', () => {
  it('recognises AtsAbortError and the platform abort errors', () => {
    expect(isAbortError(new AtsAbortError())).toBe(true);
    expect(isAbortError(new DOMException('stop', 'AbortError'))).toBe(true);
    const controller = new AbortController();
    controller.abort();
    expect(isAbortError(controller.signal.reason)).toBe(true);
  });

  it('does not take timeouts or other errors for aborts', () => {
    expect(isAbortError(new DOMException('late', 'TimeoutError'))).toBe(false);
    expect(isAbortError(new AtsTimeoutError(undefined, { timeoutMs: 1 }))).toBe(false);
    expect(isAbortError(new Error('x'))).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });
});
