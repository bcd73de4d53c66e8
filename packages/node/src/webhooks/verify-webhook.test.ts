import { createHmac } from 'node:crypto';
import {
  AtsSignatureVerificationError,
  AtsValidationError,
  formatSignatureHeader,
  isKnownWebhookEvent,
} from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { WORK_FAILED, WORK_REGISTERED } from '../../test/webhook-events';
import { signWebhookPayload } from './sign-webhook-payload';
import { verifyWebhook } from './verify-webhook';
import { generateWebhookSecret } from './webhook-secret';

const SECRET = generateWebhookSecret();
const T = 1_777_546_800; // 2026-04-30T11:00:00Z
const AT_T = new Date(T * 1000);

function signed(payload: unknown = WORK_REGISTERED, timestamp = T) {
  return signWebhookPayload({ payload, secret: SECRET, timestamp });
}

function failure(run: () => unknown): AtsSignatureVerificationError {
  try {
    run();
  } catch (error) {
    if (AtsSignatureVerificationError.is(error)) return error;
    throw error;
  }
  throw new Error('expected verification to fail');
}

describe('verifyWebhook', () => {
  it('returns the typed event of a delivery signed with the secret', () => {
    const { rawBody, headers } = signed();
    const event = verifyWebhook({ rawBody, headers, secret: SECRET, now: AT_T });
    expect(event.event).toBe('work_registered');
    if (!isKnownWebhookEvent(event) || event.event !== 'work_registered')
      throw new Error('narrowing');
    expect(event.ats_id).toBe(7);
    expect(event.network).toBe('testnet');
    expect(event.work_id).toBeNull(); // sandbox extra, absent → null
  });

  it('accepts the body as a string, a Buffer, a Uint8Array or an ArrayBuffer', () => {
    const { rawBody, headers } = signed(WORK_FAILED);
    const buffer = Buffer.from(rawBody);
    const bytes = new Uint8Array(buffer);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    for (const body of [rawBody, buffer, bytes, arrayBuffer]) {
      expect(verifyWebhook({ rawBody: body, headers, secret: SECRET, now: AT_T }).event).toBe(
        'work_failed',
      );
    }
  });

  it('reads the signature header from a Headers, Node headers or a plain object in any case', () => {
    const { rawBody, headers } = signed();
    const signature = headers['x-allfeat-signature']!;
    const shapes = [
      new Headers(headers),
      { 'x-allfeat-signature': signature },
      { 'X-Allfeat-Signature': signature },
      { 'x-allfeat-signature': [signature] },
    ];
    for (const shape of shapes) {
      expect(verifyWebhook({ rawBody, headers: shape, secret: SECRET, now: AT_T }).event).toBe(
        'work_registered',
      );
    }
  });

  it('refuses a tampered body', () => {
    const { rawBody, headers } = signed();
    const tampered = rawBody.replace('"ats_id":7', '"ats_id":8');
    const error = failure(() =>
      verifyWebhook({ rawBody: tampered, headers, secret: SECRET, now: AT_T }),
    );
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.reason).toBe('no_matching_signature');
    expect(error.message).toMatch(/raw request body/);
  });

  it('refuses a delivery signed with another secret', () => {
    const { rawBody, headers } = signed();
    const error = failure(() =>
      verifyWebhook({ rawBody, headers, secret: generateWebhookSecret(), now: AT_T }),
    );
    expect(error.reason).toBe('no_matching_signature');
  });

  it('accepts a header with several v1 signatures when any one matches (secret rotation)', () => {
    const { rawBody } = signed();
    const key = Buffer.from(SECRET, 'base64');
    const good = createHmac('sha256', key).update(`${T}.${rawBody}`).digest('hex');
    const header = formatSignatureHeader(T, ['00'.repeat(32), good]);
    const event = verifyWebhook({
      rawBody,
      headers: { 'x-allfeat-signature': header },
      secret: SECRET,
      now: AT_T,
    });
    expect(event.event).toBe('work_registered');

    const noneMatch = formatSignatureHeader(T, ['00'.repeat(32), '11'.repeat(32)]);
    const error = failure(() =>
      verifyWebhook({
        rawBody,
        headers: { 'x-allfeat-signature': noneMatch },
        secret: SECRET,
        now: AT_T,
      }),
    );
    expect(error.reason).toBe('no_matching_signature');
  });

  it('refuses a timestamp older than the tolerance, saying so and mentioning clock skew', () => {
    const { rawBody, headers } = signed(WORK_REGISTERED, T - 301);
    const error = failure(() => verifyWebhook({ rawBody, headers, secret: SECRET, now: AT_T }));
    expect(error.reason).toBe('timestamp_too_old');
    expect(error.message).toMatch(/301 s old/);
    expect(error.message).toMatch(/clock skew/);
  });

  it('refuses a timestamp in the future beyond the tolerance', () => {
    const { rawBody, headers } = signed(WORK_REGISTERED, T + 301);
    const error = failure(() => verifyWebhook({ rawBody, headers, secret: SECRET, now: AT_T }));
    expect(error.reason).toBe('timestamp_in_future');
    expect(error.message).toMatch(/clock skew/);
  });

  it('accepts a timestamp exactly at the tolerance, and honours a custom tolerance', () => {
    const old = signed(WORK_REGISTERED, T - 300);
    expect(verifyWebhook({ ...old, secret: SECRET, now: AT_T }).event).toBe('work_registered');
    const error = failure(() =>
      verifyWebhook({ ...old, secret: SECRET, now: AT_T, toleranceSeconds: 60 }),
    );
    expect(error.reason).toBe('timestamp_too_old');
  });

  it('reads the clock from a function when given one', () => {
    const { rawBody, headers } = signed();
    expect(verifyWebhook({ rawBody, headers, secret: SECRET, now: () => AT_T }).event).toBe(
      'work_registered',
    );
  });

  it('refuses a request without the signature header', () => {
    const { rawBody } = signed();
    const error = failure(() =>
      verifyWebhook({ rawBody, headers: { 'content-type': 'application/json' }, secret: SECRET }),
    );
    expect(error.reason).toBe('missing_header');
  });

  it('refuses a malformed signature header', () => {
    const { rawBody } = signed();
    for (const header of ['v1=abc', `t=soon,v1=${'ab'.repeat(32)}`, `t=${T}`, 'garbage']) {
      const error = failure(() =>
        verifyWebhook({ rawBody, headers: { 'x-allfeat-signature': header }, secret: SECRET }),
      );
      expect(error.reason).toBe('malformed_header');
    }
  });

  it('refuses an already-parsed body and says how to get the raw one in each framework', () => {
    const { rawBody, headers } = signed();
    const error = failure(() =>
      verifyWebhook({ rawBody: JSON.parse(rawBody), headers, secret: SECRET, now: AT_T }),
    );
    expect(error.reason).toBe('body_not_raw');
    expect(error.message).toContain("express.raw({ type: 'application/json' })");
    expect(error.message).toContain('await request.text()');
    expect(error.message).toContain('await c.req.text()');
  });

  it('refuses a missing body as not raw', () => {
    const { headers } = signed();
    const error = failure(() =>
      verifyWebhook({ rawBody: undefined as unknown as string, headers, secret: SECRET }),
    );
    expect(error.reason).toBe('body_not_raw');
  });

  it('never puts the secret or the expected signature in an error', () => {
    const { rawBody, headers } = signed();
    const tampered = `${rawBody} `;
    const key = Buffer.from(SECRET, 'base64');
    const expected = createHmac('sha256', key).update(`${T}.${tampered}`).digest('hex');
    const error = failure(() =>
      verifyWebhook({ rawBody: tampered, headers, secret: SECRET, now: AT_T }),
    );
    const seen = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(expected);
  });

  it('returns an event it does not know, with every field, for the caller to skip or handle', () => {
    const { rawBody, headers } = signed({ event: 'work_transferred', ats_id: 7, to: 'someone' });
    const event = verifyWebhook({ rawBody, headers, secret: SECRET, now: AT_T });
    expect(event.event).toBe('work_transferred');
    expect(isKnownWebhookEvent(event)).toBe(false);
    expect(event).toMatchObject({ ats_id: 7, to: 'someone' });
  });

  it('refuses an authentic body that is a malformed known event, naming the field', () => {
    const { ats_id: _dropped, ...withoutAtsId } = WORK_REGISTERED as Record<string, unknown>;
    const { rawBody, headers } = signed(withoutAtsId);
    try {
      verifyWebhook({ rawBody, headers, secret: SECRET, now: AT_T });
      throw new Error('expected a validation error');
    } catch (error) {
      expect(AtsValidationError.is(error)).toBe(true);
      expect((error as AtsValidationError).issues.map((i) => i.path)).toContain('ats_id');
    }
  });

  it('refuses an authentic body that is not JSON', () => {
    const { rawBody, headers } = signWebhookPayload({
      rawBody: 'not json',
      secret: SECRET,
      timestamp: T,
    });
    expect(() => verifyWebhook({ rawBody, headers, secret: SECRET, now: AT_T })).toThrow(
      /not UTF-8 JSON/,
    );
  });
});

describe('verifyWebhook secret checks', () => {
  const { rawBody, headers } = signWebhookPayload({
    payload: WORK_REGISTERED,
    secret: SECRET,
    timestamp: T,
  });

  it.each([
    ['the API key', `afo_sk_live_${'a1'.repeat(24)}`, /API key/],
    ['the widget secret key', `csk_${'b2'.repeat(16)}`, /widget site key/],
    ['the secret in hex', Buffer.from(SECRET, 'base64').toString('hex'), /looks like hex/],
    ['a truncated secret', SECRET.slice(0, 20), /decodes to 15 bytes instead of 32/],
    ['an unset variable', undefined, /environment variable/],
    ['text that is not base64', 'this is not base64!', /not base64/],
  ])('refuses %s as invalid_secret with a hint, without quoting it', (_, secret, hint) => {
    const error = failure(() =>
      verifyWebhook({ rawBody, headers, secret: secret as string, now: AT_T }),
    );
    expect(error.reason).toBe('invalid_secret');
    expect(error.message).toMatch(hint);
    if (secret) expect(error.message).not.toContain(secret);
  });

  it('tolerates whitespace around a pasted secret', () => {
    expect(verifyWebhook({ rawBody, headers, secret: ` ${SECRET}\n`, now: AT_T }).event).toBe(
      'work_registered',
    );
  });
});
