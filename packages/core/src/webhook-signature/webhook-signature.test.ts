import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AtsSignatureVerificationError, AtsValidationError } from '../errors';
import {
  checkTimestamp,
  constantTimeEqual,
  DEFAULT_TOLERANCE_SECONDS,
  formatSignatureHeader,
  parseSignatureHeader,
  signedPayload,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './webhook-signature';

const SIG_A = 'a'.repeat(64);
const SIG_B = `${'0123456789abcdef'.repeat(4)}`;
const T = 1_767_225_600;

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (AtsSignatureVerificationError.is(e)) return e.reason;
    throw e;
  }
  return undefined;
}

describe('header names and tolerance', () => {
  it('match the contract', () => {
    expect(WEBHOOK_SIGNATURE_HEADER).toBe('X-Allfeat-Signature');
    expect(WEBHOOK_TIMESTAMP_HEADER).toBe('X-Allfeat-Timestamp');
    expect(WEBHOOK_DELIVERY_HEADER).toBe('X-Allfeat-Delivery');
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
  });
});

describe('parseSignatureHeader', () => {
  it('reads t and one v1', () => {
    expect(parseSignatureHeader(`t=${T},v1=${SIG_A}`)).toEqual({
      timestamp: T,
      signatures: [SIG_A],
    });
  });

  it('keeps several v1, lowercased, and tolerates spaces', () => {
    expect(parseSignatureHeader(` t = ${T} , v1=${SIG_A.toUpperCase()},  v1=${SIG_B} `)).toEqual({
      timestamp: T,
      signatures: [SIG_A, SIG_B],
    });
  });

  it('skips other schemes and accepts a repeated header', () => {
    expect(parseSignatureHeader([`t=${T}`, `v0=zz,v1=${SIG_A}`])).toEqual({
      timestamp: T,
      signatures: [SIG_A],
    });
  });

  it('reports a missing header', () => {
    expect(reasonOf(() => parseSignatureHeader(undefined))).toBe('missing_header');
    expect(reasonOf(() => parseSignatureHeader(null))).toBe('missing_header');
    expect(reasonOf(() => parseSignatureHeader('  '))).toBe('missing_header');
  });

  it.each([
    ['no t', `v1=${SIG_A}`],
    ['no v1', `t=${T}`],
    ['two t', `t=${T},t=${T},v1=${SIG_A}`],
    ['a non-numeric t', `t=abc,v1=${SIG_A}`],
    ['a t in milliseconds with a fraction', `t=${T}.5,v1=${SIG_A}`],
    ['a short v1', `t=${T},v1=abcd`],
    ['a part without =', `t=${T},v1=${SIG_A},garbage`],
  ])('refuses a header with %s as malformed', (_label, header) => {
    expect(reasonOf(() => parseSignatureHeader(header))).toBe('malformed_header');
  });
});

describe('formatSignatureHeader', () => {
  it('writes t then each v1, lowercase', () => {
    expect(formatSignatureHeader(T, [SIG_A.toUpperCase(), SIG_B])).toBe(
      `t=${T},v1=${SIG_A},v1=${SIG_B}`,
    );
  });

  it('round-trips through parseSignatureHeader', () => {
    expect(parseSignatureHeader(formatSignatureHeader(T, [SIG_B]))).toEqual({
      timestamp: T,
      signatures: [SIG_B],
    });
  });

  it('refuses bad input', () => {
    expect(() => formatSignatureHeader(T, [])).toThrow(AtsValidationError);
    expect(() => formatSignatureHeader(T, ['xyz'])).toThrow(/signaturesHex\[0\]/);
    expect(() => formatSignatureHeader(1.5, [SIG_A])).toThrow(/timestamp/);
  });
});

describe('signedPayload', () => {
  it('is t, a dot, then the raw bytes', () => {
    const body = new Uint8Array([0x7b, 0x7d, 0xff]);
    expect(Array.from(signedPayload(12, body))).toEqual([0x31, 0x32, 0x2e, 0x7b, 0x7d, 0xff]);
  });

  it('encodes a string body as UTF-8', () => {
    const out = signedPayload(T, '{"title":"Été"}');
    expect(new TextDecoder().decode(out)).toBe(`${T}.{"title":"Été"}`);
  });

  it('gives the bytes an HMAC-SHA256 signer and verifier agree on', () => {
    const secret = Buffer.from('k'.repeat(32));
    const raw = '{"event":"work_registered","ats_id":7}';
    const expected = createHmac('sha256', secret).update(`${T}.${raw}`).digest('hex');
    const actual = createHmac('sha256', secret).update(signedPayload(T, raw)).digest('hex');
    expect(actual).toBe(expected);
    const header = formatSignatureHeader(T, [actual]);
    expect(
      parseSignatureHeader(header).signatures.some((s) => constantTimeEqual(s, expected)),
    ).toBe(true);
  });

  it('refuses a parsed body, asking for the raw one', () => {
    let error: unknown;
    try {
      signedPayload(T, { event: 'work_registered' } as never);
    } catch (e) {
      error = e;
    }
    expect(AtsSignatureVerificationError.is(error)).toBe(true);
    expect((error as AtsSignatureVerificationError).reason).toBe('body_not_raw');
    expect((error as Error).message).toContain('did you pass the raw request body');
  });
});

describe('checkTimestamp', () => {
  it('accepts a time within the tolerance, edges included', () => {
    expect(() => checkTimestamp(T, T)).not.toThrow();
    expect(() => checkTimestamp(T, T + 300)).not.toThrow();
    expect(() => checkTimestamp(T, T - 300)).not.toThrow();
  });

  it('refuses a time too old', () => {
    expect(reasonOf(() => checkTimestamp(T, T + 301))).toBe('timestamp_too_old');
    expect(() => checkTimestamp(T, T + 301)).toThrow(/301 s old, over the 300 s tolerance/);
  });

  it('refuses a time in the future', () => {
    expect(reasonOf(() => checkTimestamp(T, T - 301))).toBe('timestamp_in_future');
  });

  it('uses the tolerance given', () => {
    expect(reasonOf(() => checkTimestamp(T, T + 11, 10))).toBe('timestamp_too_old');
    expect(() => checkTimestamp(T, T + 11, -1)).toThrow(AtsValidationError);
  });
});

describe('constantTimeEqual', () => {
  it('compares strings', () => {
    expect(constantTimeEqual(SIG_A, SIG_A)).toBe(true);
    expect(constantTimeEqual(SIG_A, SIG_B)).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
  });
});

describe('signedPayload with other byte views', () => {
  it('reads a view into a larger buffer and an ArrayBuffer', () => {
    const backing = new Uint8Array([9, 0x61, 0x62, 9]);
    const view = backing.subarray(1, 3);
    expect(new TextDecoder().decode(signedPayload(1, view))).toBe('1.ab');
    expect(new TextDecoder().decode(signedPayload(1, view.slice().buffer as never))).toBe('1.ab');
  });
});
