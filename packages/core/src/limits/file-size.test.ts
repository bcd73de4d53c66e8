import { describe, expect, it } from 'vitest';
import { AtsFileTooLargeError, AtsValidationError } from '../errors';
import {
  assertFileSize,
  effectiveFileSizeLimit,
  effectiveMaxFileSize,
  FREE_STORAGE_BYTES,
  MAX_ASSET_SIZE_BYTES,
} from './file-size';

describe('limits', () => {
  it('are 500,000,000 bytes per asset and 10 MiB of free storage', () => {
    expect(MAX_ASSET_SIZE_BYTES).toBe(500_000_000);
    expect(FREE_STORAGE_BYTES).toBe(10_485_760);
  });
});

describe('effectiveMaxFileSize', () => {
  it('is the platform maximum when no lower limit is given', () => {
    expect(effectiveMaxFileSize()).toBe(500_000_000);
    expect(effectiveMaxFileSize(undefined, null)).toBe(500_000_000);
  });

  it('is the smallest limit given', () => {
    expect(effectiveMaxFileSize(80_000_000, undefined, 50_000_000)).toBe(50_000_000);
  });

  it('never rises above the platform maximum', () => {
    expect(effectiveMaxFileSize(900_000_000)).toBe(500_000_000);
  });

  it('refuses a limit that is not a whole number of bytes', () => {
    expect(() => effectiveMaxFileSize(1.5)).toThrow(AtsValidationError);
    expect(() => effectiveMaxFileSize(-1)).toThrow(/limits\[0\]/);
  });
});

describe('effectiveFileSizeLimit', () => {
  it('keeps the origin of the smallest limit', () => {
    expect(
      effectiveFileSizeLimit(
        { maxBytes: 80_000_000, source: 'api_key' },
        { maxBytes: 50_000_000, source: 'session' },
        { maxBytes: undefined, source: 'site' },
      ),
    ).toEqual({ maxBytes: 50_000_000, source: 'session' });
  });

  it('falls back to the platform', () => {
    expect(effectiveFileSizeLimit({ maxBytes: null, source: 'api_key' })).toEqual({
      maxBytes: 500_000_000,
      source: 'platform',
    });
  });
});

describe('assertFileSize', () => {
  it('accepts a file at the limit exactly', () => {
    expect(() => assertFileSize(500_000_000)).not.toThrow();
    expect(() => assertFileSize(0)).not.toThrow();
  });

  it('refuses a byte over the platform limit, naming both sizes', () => {
    let error: unknown;
    try {
      assertFileSize(500_000_001);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtsFileTooLargeError);
    const e = error as AtsFileTooLargeError;
    expect(e.sizeBytes).toBe(500_000_001);
    expect(e.maxBytes).toBe(500_000_000);
    expect(e.message).toContain('500,000,001 bytes');
    expect(e.message).toContain('500,000,000 bytes');
    expect(e.message).toContain('the ATS maximum asset size');
  });

  it('names the origin of a lower limit', () => {
    expect(() => assertFileSize(60_000_000, { maxBytes: 50_000_000, source: 'api_key' })).toThrow(
      /60,000,000 bytes .* 50,000,000 bytes .* API key's max_file_size_bytes/,
    );
    expect(() => assertFileSize(60_000_000, { maxBytes: 50_000_000 })).toThrow(
      /a configured max_file_size_bytes/,
    );
  });

  it('refuses a size that is not a whole number of bytes', () => {
    expect(() => assertFileSize(-5)).toThrow(/sizeBytes: must be a whole, non-negative number/);
    expect(() => assertFileSize(Number.NaN)).toThrow(AtsValidationError);
    expect(() => assertFileSize('12' as unknown as number)).toThrow(/got string/);
  });
});
