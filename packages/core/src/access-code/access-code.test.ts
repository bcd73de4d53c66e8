import { describe, expect, it } from 'vitest';
import { AtsValidationError } from '../errors';
import { assertAccessCode, isAccessCode, normalizeAccessCode } from './access-code';

const CODE = `atc_${'0123456789abcdef'.repeat(4)}`;

describe('isAccessCode', () => {
  it('accepts atc_ + 64 hex, in any case', () => {
    expect(isAccessCode(CODE)).toBe(true);
    expect(isAccessCode(CODE.toUpperCase())).toBe(true);
  });

  it.each([
    ['63 hex', CODE.slice(0, -1)],
    ['65 hex', `${CODE}0`],
    ['a non-hex character', `${CODE.slice(0, -1)}g`],
    ['another prefix', CODE.replace('atc_', 'atk_')],
    ['surrounding spaces', ` ${CODE}`],
    ['an empty string', ''],
  ])('refuses %s', (_label, value) => {
    expect(isAccessCode(value)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isAccessCode(undefined)).toBe(false);
    expect(isAccessCode(42)).toBe(false);
  });
});

describe('assertAccessCode', () => {
  it('passes an access code', () => {
    expect(() => assertAccessCode(CODE)).not.toThrow();
  });

  it('names the field and the format, without echoing the value', () => {
    const bad = `atc_${'f'.repeat(10)}`;
    let error: unknown;
    try {
      assertAccessCode(bad, 'code');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtsValidationError);
    const message = (error as Error).message;
    expect(message).toBe(
      'Invalid code: code: must be atc_ followed by 64 hex characters, 68 in all (got 14 characters)',
    );
    expect(message).not.toContain(bad);
  });

  it('says when the prefix is missing', () => {
    expect(() => assertAccessCode('f'.repeat(68))).toThrow(/without the atc_ prefix/);
  });
});

describe('normalizeAccessCode', () => {
  it('gives the lowercase wire form, trimmed', () => {
    expect(normalizeAccessCode(`  ${CODE.toUpperCase()}\n`)).toBe(CODE);
  });

  it('refuses what is not an access code', () => {
    expect(() => normalizeAccessCode('atc_123')).toThrow(AtsValidationError);
  });
});
