import { describe, expect, it } from 'vitest';
import { AtsValidationError } from '../errors';
import { fromHex, isHash32, normalizeHash, toHex, toWireHash } from './hex';

const HASH = '45fd0daa464f20cea2b248a5aa95b61dfc8a3673356315d9205b7a3e777068f5';

describe('toHex', () => {
  it('prints lowercase hex without a prefix', () => {
    expect(toHex(new Uint8Array([0, 1, 171, 255]))).toBe('0001abff');
    expect(toHex(new Uint8Array())).toBe('');
  });
});

describe('fromHex', () => {
  it('accepts hex with or without 0x, in either case', () => {
    const expected = new Uint8Array([0xab, 0xcd, 0x01]);
    expect(fromHex('abcd01')).toEqual(expected);
    expect(fromHex('0xABcd01')).toEqual(expected);
    expect(fromHex('0XABCD01')).toEqual(expected);
    expect(fromHex('')).toEqual(new Uint8Array());
  });

  it('round-trips with toHex', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromHex(toHex(bytes))).toEqual(bytes);
  });

  it('names an odd number of digits', () => {
    expect(() => fromHex('abc')).toThrow(/hex: has an odd number of hex digits \(3\)/);
  });

  it('names the first character that is not a hex digit and where it is', () => {
    expect(() => fromHex('0xabzd')).toThrow(/not a hex digit \("z" at position 2\)/);
  });

  it('throws AtsValidationError with the caller-given field as path', () => {
    try {
      fromHex('xyz!', 'commitment');
      expect.unreachable();
    } catch (error) {
      expect(AtsValidationError.is(error)).toBe(true);
      expect((error as AtsValidationError).issues[0]).toMatchObject({
        path: 'commitment',
        code: 'invalid_format',
      });
    }
  });
});

describe('isHash32', () => {
  it('is true for 64 hex digits, either case, with or without 0x', () => {
    expect(isHash32(HASH)).toBe(true);
    expect(isHash32(`0x${HASH.toUpperCase()}`)).toBe(true);
  });

  it('is false for anything else', () => {
    expect(isHash32(HASH.slice(2))).toBe(false);
    expect(isHash32(`${HASH}00`)).toBe(false);
    expect(isHash32(`${HASH.slice(1)}g`)).toBe(false);
    expect(isHash32(`0x0x${HASH.slice(4)}`)).toBe(false);
    expect(isHash32(undefined)).toBe(false);
    expect(isHash32(42)).toBe(false);
  });
});

describe('normalizeHash and toWireHash', () => {
  it('give the vectors form (no prefix, lowercase) and the API form (0x, lowercase)', () => {
    expect(normalizeHash(`0x${HASH.toUpperCase()}`)).toBe(HASH);
    expect(normalizeHash(HASH)).toBe(HASH);
    expect(toWireHash(HASH.toUpperCase())).toBe(`0x${HASH}`);
    expect(toWireHash(`0x${HASH}`)).toBe(`0x${HASH}`);
  });

  it('refuse what is not a 32-byte hash, naming the problem', () => {
    expect(() => normalizeHash('abcd')).toThrow(/must be 64 hex digits \(a 32-byte hash\), got 4/);
    expect(() => toWireHash(`${HASH.slice(1)}q`, 'tx_hash')).toThrow(
      /tx_hash: has a character that is not a hex digit \("q" at position 63\)/,
    );
  });
});
