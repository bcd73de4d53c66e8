import { createHmac, timingSafeEqual } from 'node:crypto';

/** Upload URLs live 10 minutes, download URLs 15 (api.md §5.2, §8.3). */
export const UPLOAD_URL_TTL_SECONDS = 600;
export const DOWNLOAD_URL_TTL_SECONDS = 900;

/** A signed URL's query and when it stops working. */
export interface PresignedQuery {
  query: string;
  /** Virtual ms. */
  expiresAt: number;
}

/**
 * Signs `method` + object key for `ttlSeconds` from `at` (virtual ms), S3 style:
 * `X-Amz-Date=<yyyymmddThhmmssZ>&X-Amz-Expires=<s>&X-Amz-Signature=<hex>`, an HMAC-SHA256 under the
 * server secret over method, object key, date and expiry.
 *
 * @example
 * const { query } = presign(key, 'PUT', 'uploads/0b8f…', clock.now(), UPLOAD_URL_TTL_SECONDS);
 * const url = `${origin}/_storage/uploads/0b8f…?${query}`;
 */
export function presign(
  secret: Buffer,
  method: string,
  objectKey: string,
  at: number,
  ttlSeconds: number,
): PresignedQuery {
  const signedAt = Math.floor(at / 1000) * 1000;
  const date = formatAmzDate(signedAt);
  const signature = sign(secret, method, objectKey, date, ttlSeconds);
  return {
    query: `X-Amz-Date=${date}&X-Amz-Expires=${ttlSeconds}&X-Amz-Signature=${signature}`,
    expiresAt: signedAt + ttlSeconds * 1000,
  };
}

/** Outcome of checking a presigned request. */
export type PresignCheck =
  | { ok: true; expiresAt: number }
  | { ok: false; reason: 'signature' | 'expired' };

/**
 * Checks a presigned request: the signature (constant time) over this method and key, then
 * expiry at `now` (checked when the request starts).
 *
 * @example
 * verifyPresigned(key, 'PUT', 'uploads/0b8f…', url.searchParams, clock.now());
 */
export function verifyPresigned(
  secret: Buffer,
  method: string,
  objectKey: string,
  params: URLSearchParams,
  now: number,
): PresignCheck {
  const date = params.get('X-Amz-Date') ?? '';
  const expiresText = params.get('X-Amz-Expires') ?? '';
  const signature = params.get('X-Amz-Signature') ?? '';
  const signedAt = parseAmzDate(date);
  if (signedAt === null || !/^\d{1,6}$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'signature' };
  }
  const expected = Buffer.from(sign(secret, method, objectKey, date, Number(expiresText)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
    return { ok: false, reason: 'signature' };
  const expiresAt = signedAt + Number(expiresText) * 1000;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}

function sign(
  secret: Buffer,
  method: string,
  objectKey: string,
  date: string,
  ttl: number,
): string {
  return createHmac('sha256', secret)
    .update(`${method}\n${objectKey}\n${date}\n${ttl}`)
    .digest('hex');
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isNaN(ms) ? null : ms;
}
