import { describe, expect, it } from 'vitest';
import { AtsValidationError } from '../errors';
import { parseApiBaseUrl, resolveApiUrl, toWebSocketUrl } from './api-url';

const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';

describe('resolveApiUrl', () => {
  it('resolves a status_url against the API base', () => {
    expect(resolveApiUrl('https://ats.api.allfeat.org', `/v1/transactions/${TX}`)).toBe(
      `https://ats.api.allfeat.org/v1/transactions/${TX}`,
    );
  });

  it('keeps a path prefix of the base, with or without a trailing slash', () => {
    expect(resolveApiUrl('http://127.0.0.1:8787/ats', '/v1/stats')).toBe(
      'http://127.0.0.1:8787/ats/v1/stats',
    );
    expect(resolveApiUrl('http://127.0.0.1:8787/ats/', 'v1/stats')).toBe(
      'http://127.0.0.1:8787/ats/v1/stats',
    );
  });

  it('keeps the query of the relative path and drops the base’s own', () => {
    expect(resolveApiUrl('https://h.example/?x=1#f', '/v1/works?cursor=abc')).toBe(
      'https://h.example/v1/works?cursor=abc',
    );
  });

  it('returns an absolute URL unchanged', () => {
    expect(resolveApiUrl('https://h.example', 'https://other.example/v1/x')).toBe(
      'https://other.example/v1/x',
    );
  });

  it('refuses a base that is not an absolute http(s) URL, naming the field', () => {
    expect(() => parseApiBaseUrl('ats.api.allfeat.org')).toThrow(/baseUrl/);
    let error: unknown;
    try {
      parseApiBaseUrl('file:///etc/passwd', 'apiUrl');
    } catch (e) {
      error = e;
    }
    expect(AtsValidationError.is(error)).toBe(true);
    expect(String(error)).toContain('apiUrl');
  });
});

describe('toWebSocketUrl', () => {
  it('turns https into wss and http into ws', () => {
    expect(toWebSocketUrl('https://ats.api.allfeat.org', `/v1/ws/transactions/${TX}`)).toBe(
      `wss://ats.api.allfeat.org/v1/ws/transactions/${TX}`,
    );
    expect(toWebSocketUrl('http://127.0.0.1:8787/ats/', `/v1/ws/transactions/${TX}`)).toBe(
      `ws://127.0.0.1:8787/ats/v1/ws/transactions/${TX}`,
    );
  });

  it('keeps a ws URL a server sent in full', () => {
    expect(toWebSocketUrl('https://h.example', 'wss://ws.example/v1/ws/x')).toBe(
      'wss://ws.example/v1/ws/x',
    );
  });
});
