import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  AccessCodeSchema,
  codePointLength,
  ExternalUserRefSchema,
  HexHashSchema,
  IdempotencyKeySchema,
  JobIdSchema,
  knownOrString,
  LooseHexHashSchema,
  NetworkSchema,
  nullWhenAbsent,
  RequestIdSchema,
  TimestampSchema,
  UuidSchema,
  utf8ByteLength,
} from './common';
import { toFieldErrors } from './errors';

const HASH = `0x${'ab'.repeat(32)}`;

function codesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : toFieldErrors(result.error).map((field) => field.code);
}

describe('text measures', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('🎵')).toBe(1);
    expect(codePointLength('é🎵a')).toBe(3);
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8ByteLength('a')).toBe(1);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('🎵')).toBe(4);
    expect(utf8ByteLength('\ud800')).toBe(3);
    const sample = 'aé€🎵\ud800x';
    expect(utf8ByteLength(sample)).toBe(new TextEncoder().encode(sample).length);
  });
});

describe('network', () => {
  it('is testnet or mainnet', () => {
    expect(NetworkSchema.parse('testnet')).toBe('testnet');
    expect(NetworkSchema.parse('mainnet')).toBe('mainnet');
    expect(codesOf(NetworkSchema, 'Testnet')).toEqual(['invalid_value']);
    expect(codesOf(NetworkSchema, undefined)).toEqual(['required']);
  });
});

describe('identifiers and hashes', () => {
  it('accepts hashes as 0x + 64 hex, lowercasing them', () => {
    expect(HexHashSchema.parse(HASH)).toBe(HASH);
    expect(HexHashSchema.parse(HASH.toUpperCase().replace('0X', '0x'))).toBe(HASH);
    expect(HexHashSchema.safeParse('ab'.repeat(32)).success).toBe(false);
    expect(HexHashSchema.safeParse(`${HASH}00`).success).toBe(false);
    expect(HexHashSchema.safeParse(`0x${'zz'.repeat(32)}`).success).toBe(false);
  });

  it('accepts bare or prefixed hashes where certificates may copy the vectors', () => {
    expect(LooseHexHashSchema.parse('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(LooseHexHashSchema.parse(HASH)).toBe(HASH);
  });

  it('accepts UUIDs in any case and lowercases them', () => {
    const id = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
    expect(UuidSchema.parse(id.toUpperCase())).toBe(id);
    expect(UuidSchema.safeParse('6f1c9a0e2b474d8ea3f591c7e6b2d048').success).toBe(false);
  });

  it('accepts access codes as atc_ + 64 hex in any case, lowercased', () => {
    const code = `atc_${'7e'.repeat(32)}`;
    expect(AccessCodeSchema.parse(code.toUpperCase())).toBe(code);
    expect(AccessCodeSchema.safeParse(`atc_${'7e'.repeat(31)}`).success).toBe(false);
    expect(AccessCodeSchema.safeParse(`atx_${'7e'.repeat(32)}`).success).toBe(false);
  });

  it('accepts timestamps of any precision, with Z or an offset', () => {
    for (const value of [
      '2026-04-30T11:00:00.000Z',
      '2026-04-30T11:00:00Z',
      '2026-04-30T11:00:00.123456Z',
      '2026-04-30T13:00:00+02:00',
    ]) {
      expect(TimestampSchema.parse(value)).toBe(value);
    }
    expect(TimestampSchema.safeParse('2026-04-30').success).toBe(false);
    expect(TimestampSchema.safeParse(1777546800).success).toBe(false);
  });

  it('checks request ids and job ids', () => {
    expect(RequestIdSchema.parse('req_5f0c2a9e41b7d3c8a6e0f192')).toBe(
      'req_5f0c2a9e41b7d3c8a6e0f192',
    );
    expect(RequestIdSchema.safeParse('5f0c2a9e').success).toBe(false);
    expect(JobIdSchema.parse('job-1')).toBe('job-1');
    expect(codesOf(JobIdSchema, '')).toEqual(['too_short']);
  });
});

describe('external_user_ref: 1–255 bytes of UTF-8', () => {
  it('accepts 255 bytes and refuses 256, counting multibyte characters', () => {
    expect(ExternalUserRefSchema.safeParse('a'.repeat(255)).success).toBe(true);
    expect(codesOf(ExternalUserRefSchema, 'a'.repeat(256))).toEqual(['too_long']);
    expect(ExternalUserRefSchema.safeParse(`${'é'.repeat(127)}a`).success).toBe(true);
    expect(codesOf(ExternalUserRefSchema, 'é'.repeat(128))).toEqual(['too_long']);
    expect(ExternalUserRefSchema.safeParse(`${'🎵'.repeat(63)}abc`).success).toBe(true);
    expect(codesOf(ExternalUserRefSchema, '🎵'.repeat(64))).toEqual(['too_long']);
  });

  it('refuses the empty string and keeps the value untrimmed (it is opaque)', () => {
    expect(codesOf(ExternalUserRefSchema, '')).toEqual(['too_short']);
    expect(ExternalUserRefSchema.parse(' user 1 ')).toBe(' user 1 ');
  });

  it('says how many bytes were sent', () => {
    const result = ExternalUserRefSchema.safeParse('é'.repeat(128));
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(toFieldErrors(result.error)[0]?.message).toBe(
        'must be at most 255 bytes of UTF-8 (got 256)',
      );
    }
  });
});

describe('Idempotency-Key: 1–255 printable ASCII', () => {
  it('accepts a UUID, 1 character and 255 characters', () => {
    expect(IdempotencyKeySchema.safeParse('4b8e0c7e-3c4d-4f7e-9a55-0c1d2e3f4a5b').success).toBe(
      true,
    );
    expect(IdempotencyKeySchema.safeParse('k').success).toBe(true);
    expect(IdempotencyKeySchema.safeParse('~'.repeat(255)).success).toBe(true);
  });

  it('refuses empty, too long and non-printable keys', () => {
    expect(codesOf(IdempotencyKeySchema, '')).toEqual(['too_short']);
    expect(codesOf(IdempotencyKeySchema, 'k'.repeat(256))).toEqual(['too_long']);
    expect(codesOf(IdempotencyKeySchema, 'clé')).toEqual(['invalid_format']);
    expect(codesOf(IdempotencyKeySchema, 'a\nb')).toEqual(['invalid_format']);
    expect(codesOf(IdempotencyKeySchema, 'a\u007fb')).toEqual(['invalid_format']);
  });
});

describe('response helpers', () => {
  it('nullWhenAbsent parses missing and null to null', () => {
    const schema = z.object({ ipi: nullWhenAbsent(z.string()) });
    expect(schema.parse({})).toEqual({ ipi: null });
    expect(schema.parse({ ipi: null })).toEqual({ ipi: null });
    expect(schema.parse({ ipi: '123' })).toEqual({ ipi: '123' });
    expect(schema.safeParse({ ipi: 5 }).success).toBe(false);
  });

  it('knownOrString accepts known and unknown names', () => {
    const step = knownOrString(['validating', 'completed']);
    expect(step.parse('validating')).toBe('validating');
    expect(step.parse('transferring_tokens')).toBe('transferring_tokens');
    expect(step.safeParse(5).success).toBe(false);
  });
});
