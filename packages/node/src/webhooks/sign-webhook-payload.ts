import { createHmac } from 'node:crypto';
import {
  AtsValidationError,
  formatSignatureHeader,
  signedPayload,
  WEBHOOK_HEADERS,
} from '@ats-kit/core';
import { decodeWebhookSecret } from './webhook-secret';

/** Options of `signWebhookPayload`: give either `payload` (serialized for you) or `rawBody`. */
export type SignWebhookPayloadOptions = {
  /** The base64 webhook secret (e.g. from `generateWebhookSecret()`). */
  secret: string;
  /** Signature time in Unix seconds; default now. */
  timestamp?: number;
  /** Adds `X-Allfeat-Delivery` (the sandbox's delivery id). */
  deliveryId?: string;
} & ({ payload: unknown; rawBody?: never } | { rawBody: string; payload?: never });

/** A signed delivery, ready to send or to feed to `verifyWebhook`. */
export interface SignedWebhook {
  /** The exact body that was signed. */
  rawBody: string;
  /** `content-type`, `x-allfeat-signature`, `x-allfeat-timestamp` (and `x-allfeat-delivery`). */
  headers: Record<string, string>;
  /** The signature time, Unix seconds. */
  timestamp: number;
}

/**
 * Signs a payload the way ATS signs deliveries (`X-Allfeat-Signature: t=<unix>,v1=<hex>`), for
 * testing a webhook endpoint without a real delivery (stripe's `generateTestHeaderString`).
 *
 * @example
 * const secret = generateWebhookSecret();
 * const { rawBody, headers } = signWebhookPayload({ payload: { event: 'work_failed', … }, secret });
 * await fetch('http://127.0.0.1:3000/ats/webhook', { method: 'POST', body: rawBody, headers });
 */
export function signWebhookPayload(options: SignWebhookPayloadOptions): SignedWebhook {
  const rawBody = bodyOf(options);
  const key = decodeWebhookSecret(options.secret);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', key)
    .update(signedPayload(timestamp, rawBody))
    .digest('hex');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [WEBHOOK_HEADERS.signature]: formatSignatureHeader(timestamp, [signature]),
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
  };
  if (options.deliveryId !== undefined) headers[WEBHOOK_HEADERS.delivery] = options.deliveryId;
  return { rawBody, headers, timestamp };
}

function bodyOf(options: SignWebhookPayloadOptions): string {
  const { rawBody, payload } = options as { rawBody?: unknown; payload?: unknown };
  if (typeof rawBody === 'string') return rawBody;
  const serialized = rawBody === undefined ? JSON.stringify(payload) : undefined;
  if (typeof serialized === 'string') return serialized;
  throw new AtsValidationError('Invalid signWebhookPayload options', {
    issues: [
      {
        path: rawBody === undefined ? 'payload' : 'rawBody',
        code: 'invalid_type',
        message: 'pass payload (a JSON value) or rawBody (the exact string to sign)',
      },
    ],
  });
}
