import { describe, expect, it } from 'vitest';
import { toHex } from '../hex';
import { encodeCreator, encodeOptional, encodeRoles, encodeString } from './encoding';

describe('encodeString', () => {
  it('prefixes the UTF-8 byte length as u32 little-endian', () => {
    expect(toHex(encodeString('abc'))).toBe('03000000616263');
    expect(toHex(encodeString(''))).toBe('00000000');
  });

  it('counts UTF-8 bytes, not characters or UTF-16 units', () => {
    expect(toHex(encodeString('é'))).toBe('02000000c3a9');
    expect(toHex(encodeString('🎶'))).toBe('04000000f09f8eb6');
    expect(toHex(encodeString('夜'))).toBe('03000000e5a49c');
  });

  it('does not normalise or trim', () => {
    expect(toHex(encodeString('e\u0301'))).toBe('0300000065cc81');
    expect(toHex(encodeString(' a '))).toBe('03000000206120');
  });

  it('encodes lengths above 255 on several bytes', () => {
    expect(toHex(encodeString('x'.repeat(300)).subarray(0, 4))).toBe('2c010000');
  });

  it('refuses an unpaired surrogate, which has no UTF-8 form', () => {
    expect(() => encodeString('a\uD800b')).toThrow(/unpaired UTF-16 surrogate/);
    expect(() => encodeString('\uDC00')).toThrow(/unpaired UTF-16 surrogate/);
  });
});

describe('encodeOptional', () => {
  it('is 00 when absent (null or undefined)', () => {
    expect(toHex(encodeOptional(null))).toBe('00');
    expect(toHex(encodeOptional(undefined))).toBe('00');
  });

  it('is 01 then encode_string when present', () => {
    expect(toHex(encodeOptional('12'))).toBe('01020000003132');
  });
});

describe('encodeRoles', () => {
  it('maps to tags, drops duplicates and sorts: the spec example', () => {
    expect(toHex(encodeRoles(['adapter', 'author', 'adapter', 'composer']))).toBe('03000103');
  });

  it('takes the API object of booleans, a missing key being false', () => {
    expect(toHex(encodeRoles({ composer: true, author: false }))).toBe('0101');
    expect(
      toHex(encodeRoles({ adapter: true, arranger: true, author: true, composer: true })),
    ).toBe('0400010203');
  });

  it('refuses a name that is not a role', () => {
    expect(() => encodeRoles(['author', 'singer' as 'author'])).toThrow(/got "singer"/);
  });
});

describe('encodeCreator', () => {
  it('concatenates name, email, roles, ipi and isni', () => {
    const encoded = encodeCreator({
      full_name: 'Al',
      email: 'a@b',
      roles: ['composer'],
      ipi: '1',
      isni: null,
    });
    expect(toHex(encoded)).toBe(
      // "Al" | "a@b" | roles [1] | ipi "1" | isni absent
      '02000000416c' + '03000000614062' + '0101' + '010100000031' + '00',
    );
  });

  it('treats a missing ipi or isni as absent', () => {
    const withNulls = {
      full_name: 'A',
      email: 'b',
      roles: ['author' as const],
      ipi: null,
      isni: null,
    };
    const without = { full_name: 'A', email: 'b', roles: ['author' as const] };
    expect(encodeCreator(without)).toEqual(encodeCreator(withNulls));
  });
});
