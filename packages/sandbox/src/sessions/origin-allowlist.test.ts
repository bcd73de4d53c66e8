import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin-allowlist';

describe('originAllowed', () => {
  const allowlist = ['shop.example.com', '*.widgets.example.org'];

  it('matches an exact host whatever the scheme and port', () => {
    expect(originAllowed('https://shop.example.com', allowlist)).toBe(true);
    expect(originAllowed('http://shop.example.com:8080', allowlist)).toBe(true);
    expect(originAllowed('https://SHOP.Example.COM', allowlist)).toBe(true);
  });

  it('does not match other hosts, parents or look-alike suffixes', () => {
    expect(originAllowed('https://example.com', allowlist)).toBe(false);
    expect(originAllowed('https://evil-shop.example.com', allowlist)).toBe(false);
    expect(originAllowed('https://shop.example.com.evil.io', allowlist)).toBe(false);
    expect(originAllowed('https://a.shop.example.com', allowlist)).toBe(false);
  });

  it('lets *.host cover subdomains at any depth but not the bare host', () => {
    expect(originAllowed('https://a.widgets.example.org', allowlist)).toBe(true);
    expect(originAllowed('https://a.b.widgets.example.org:3000', allowlist)).toBe(true);
    expect(originAllowed('https://widgets.example.org', allowlist)).toBe(false);
    expect(originAllowed('https://xwidgets.example.org', allowlist)).toBe(false);
  });

  it('ignores scheme and port written in allowlist entries too', () => {
    expect(originAllowed('http://localhost:5173', ['https://localhost:3000'])).toBe(true);
    expect(originAllowed('http://127.0.0.1:5173', ['127.0.0.1'])).toBe(true);
    expect(originAllowed('http://[::1]:5173', ['[::1]'])).toBe(true);
  });

  it('never allows a missing, empty or "null" origin', () => {
    expect(originAllowed(undefined, allowlist)).toBe(false);
    expect(originAllowed(null, allowlist)).toBe(false);
    expect(originAllowed('', allowlist)).toBe(false);
    expect(originAllowed('null', ['null'])).toBe(false);
  });

  it('allows nothing with an empty allowlist, and a wildcard origin never matches', () => {
    expect(originAllowed('https://shop.example.com', [])).toBe(false);
    expect(originAllowed('https://*.widgets.example.org', allowlist)).toBe(false);
  });
});
